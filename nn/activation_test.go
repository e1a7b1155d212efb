package nn

import (
	"math"
	"testing"
)

// TestReLUNaN pins torch.relu on NaN (checked against torch 1.13): the output
// is NaN and the gradient passes, since PyTorch zeroes it only where x <= 0.
func TestReLUNaN(t *testing.T) {
	a := NewActivation[float64]("relu")
	x := &Tensor[float64]{Shape: []int{3}, Data: []float64{math.NaN(), -1, 2}}
	y := a.Forward(x, Mode{})
	if !math.IsNaN(y.Data[0]) || y.Data[1] != 0 || y.Data[2] != 2 {
		t.Errorf("relu %v, want [NaN 0 2]", y.Data)
	}
	dx := a.Backward(&Tensor[float64]{Shape: []int{3}, Data: []float64{5, 6, 7}}, true)
	if dx.Data[0] != 5 || dx.Data[1] != 0 || dx.Data[2] != 7 {
		t.Errorf("relu gradient %v, want [5 0 7]", dx.Data)
	}
}
