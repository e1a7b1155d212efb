package nn

import (
	"fmt"
	"math"
	"testing"

	"github.com/adafisher-go/landscape/internal/gemm"
)

// TestConv2dImplicitMatchesFloat64 runs same-width float32 convolutions
// (the padded-grid path where gemm has indirect kernels) against the same
// convolution in float64 (the patch-matrix path, checked against finite
// differences elsewhere): outputs, input gradients and weight and bias
// gradients agree to float32 rounding. The cases cover groups of one
// sample and of several (small images), padding 1 and 2, and channel
// counts that leave partial tiles.
func TestConv2dImplicitMatchesFloat64(t *testing.T) {
	for _, c := range []struct{ batch, in, out, k, p, h, w int }{
		{3, 16, 16, 3, 1, 32, 32}, {5, 3, 17, 3, 1, 7, 9}, {4, 6, 40, 5, 2, 8, 6}, {2, 20, 9, 3, 1, 16, 16}, {9, 2, 3, 3, 1, 1, 5},
	} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			c64 := NewConv2d[float64]("conv", c.in, c.out, c.k, 1, c.p, true)
			c64.Reset(newRNG(1))
			c32 := NewConv2d[float32]("conv", c.in, c.out, c.k, 1, c.p, true)
			for i, v := range c64.Weight.Value.Data {
				c32.Weight.Value.Data[i] = float32(v)
				c64.Weight.Value.Data[i] = float64(float32(v))
			}
			for i, v := range c64.Bias.Value.Data {
				c32.Bias.Value.Data[i] = float32(v)
				c64.Bias.Value.Data[i] = float64(float32(v))
			}
			x64 := randTensor(newRNG(2), c.batch, c.in, c.h, c.w)
			x32 := to32(x64)
			for i, v := range x32.Data {
				x64.Data[i] = float64(v)
			}
			y64 := c64.Forward(x64, Mode{Train: true})
			y32 := c32.Forward(x32, Mode{Train: true})
			if gemm.IndirectS() != c32.implicit() {
				t.Fatalf("implicit() = %v with IndirectS() = %v", c32.implicit(), gemm.IndirectS())
			}
			close32(t, "y", y32.Data, y64.Data)
			dy64 := randTensor(newRNG(3), y64.Shape...)
			dy32 := to32(dy64)
			for i, v := range dy32.Data {
				dy64.Data[i] = float64(v)
			}
			dx64 := c64.Backward(dy64, true)
			dx32 := c32.Backward(dy32, true)
			close32(t, "dx", dx32.Data, dx64.Data)
			close32(t, "dW", c32.Weight.Grad.Data, c64.Weight.Grad.Data)
			close32(t, "db", c32.Bias.Grad.Data, c64.Bias.Grad.Data)
		})
	}
}

// close32 requires got (float32) to equal want (float64) to float32
// rounding of sums: relative 1e-5 of the largest magnitude.
func close32(t *testing.T, name string, got []float32, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	scale := 0.0
	for _, v := range want {
		scale = max(scale, math.Abs(v))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - want[i]); d > 1e-5*scale {
			t.Fatalf("%s[%d] = %v, want %v (scale %g)", name, i, got[i], want[i], scale)
		}
	}
}
