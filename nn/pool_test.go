package nn

import (
	"math"
	"testing"
)

// TestMaxPoolSpecialValues pins PyTorch's scan rule on NaN and -Inf windows
// (checked against torch 1.13): a NaN is the maximum and the last NaN of the
// window gets the gradient; a window of -Inf gives its first element.
func TestMaxPoolSpecialValues(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	x := &Tensor[float64]{Shape: []int{1, 1, 2, 6}, Data: []float64{
		1, nan, 3, -inf, -inf, -inf,
		nan, 2, -inf, -inf, -inf, -inf,
	}}
	p := NewMaxPool2d[float64](2, 2)
	y := p.Forward(x, Mode{})
	if !math.IsNaN(y.Data[0]) || y.Data[1] != 3 || !math.IsInf(y.Data[2], -1) {
		t.Errorf("output %v, want [NaN 3 -Inf]", y.Data)
	}
	dx := p.Backward(&Tensor[float64]{Shape: []int{1, 1, 1, 3}, Data: []float64{10, 20, 30}}, true)
	want := []float64{0, 0, 20, 0, 30, 0, 10, 0, 0, 0, 0, 0}
	for i := range want {
		if dx.Data[i] != want[i] {
			t.Fatalf("input gradient %v, want %v", dx.Data, want)
		}
	}
}

// TestMaxPoolOverlapAccumulates checks that an input that is the maximum of
// several overlapping windows receives the sum of their gradients.
func TestMaxPoolOverlapAccumulates(t *testing.T) {
	x := &Tensor[float32]{Shape: []int{1, 1, 3, 3}, Data: []float32{
		0, 1, 0,
		1, 9, 1,
		0, 1, 0,
	}}
	p := NewMaxPool2d[float32](2, 1)
	p.Forward(x, Mode{})
	dx := p.Backward(&Tensor[float32]{Shape: []int{1, 1, 2, 2}, Data: []float32{1, 2, 3, 4}}, true)
	if dx.Data[4] != 10 || dx.Data[0] != 0 {
		t.Errorf("input gradient %v, want 10 at the centre and 0 elsewhere", dx.Data)
	}
	if p.Backward(&Tensor[float32]{Shape: []int{1, 1, 2, 2}, Data: []float32{1, 2, 3, 4}}, false) != nil {
		t.Error("Backward without needInput returns a gradient")
	}
}

func TestConvPoolShapeErrors(t *testing.T) {
	conv := NewConv2d[float64]("conv2", 16, 32, 3, 1, 1, true)
	for _, shape := range [][]int{{2, 8, 4, 4}, {16, 4, 4}, {2, 16, 0, 4}} {
		if err := catchShapeError(func() { conv.Forward(NewTensor[float64](shape...), Mode{}) }); err == nil || err.Layer != "conv2" {
			t.Errorf("conv input %v: error %v", shape, err)
		}
	}
	// A 1x1 image is fine with padding 1.
	if y := conv.Forward(NewTensor[float64](1, 16, 1, 1), Mode{}); !SameShape(y.Shape, []int{1, 32, 1, 1}) {
		t.Errorf("conv output %v", y.Shape)
	}
	pool := NewMaxPool2d[float64](2, 2)
	for _, shape := range [][]int{{2, 3, 1, 4}, {3, 4, 4}} {
		if err := catchShapeError(func() { pool.Forward(NewTensor[float64](shape...), Mode{}) }); err == nil {
			t.Errorf("pool input %v: no error", shape)
		}
	}
}
