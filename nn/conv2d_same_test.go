package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The same-width path of patchesT and its adjoint gives exactly what the
// definition gives: P^T row (ch, i, j), column (b, oy, ox) holds
// x[b, ch, oy-p+i, ox-p+j] or 0, and the adjoint adds each row back into
// dx in the order of the rows.
func TestPatchesSameRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	for _, c := range []struct{ in, k, p, h, w, b0, b1, batch int }{
		{3, 3, 1, 5, 6, 0, 2, 2}, {2, 3, 1, 1, 4, 1, 3, 3}, {2, 5, 2, 4, 3, 0, 1, 1}, {4, 1, 0, 3, 3, 0, 2, 2}, {1, 3, 1, 2, 1, 0, 1, 1},
	} {
		t.Run(fmt.Sprint(c), func(t *testing.T) {
			conv := NewConv2d[float64]("conv", c.in, 2, c.k, 1, c.p, false)
			conv.batch, conv.h, conv.w = c.batch, c.h, c.w
			conv.oh, conv.ow = conv.outSize(c.h), conv.outSize(c.w)
			conv.setSpan()
			if !conv.sameRows() {
				t.Fatal("not a same-width convolution")
			}
			x := make([]float64, c.batch*c.in*c.h*c.w)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			sp := conv.oh * conv.ow
			n := (c.b1 - c.b0) * sp
			d := c.in * c.k * c.k
			pt := make([]float64, d*n)
			for i := range pt {
				pt[i] = 99 // every entry must be written
			}
			conv.patchesTSame(x, pt, c.b0, c.b1)
			dpt := make([]float64, d*n)
			for i := range dpt {
				dpt[i] = rng.NormFloat64()
			}
			want := make([]float64, len(x))
			for b := c.b0; b < c.b1; b++ {
				for ch := 0; ch < c.in; ch++ {
					for i := 0; i < c.k; i++ {
						for j := 0; j < c.k; j++ {
							r := (ch*c.k+i)*c.k + j
							for oy := 0; oy < conv.oh; oy++ {
								for ox := 0; ox < conv.ow; ox++ {
									col := (b-c.b0)*sp + oy*conv.ow + ox
									iy, ix := oy-c.p+i, ox-c.p+j
									v := 0.0
									if iy >= 0 && iy < c.h && ix >= 0 && ix < c.w {
										at := ((b*c.in+ch)*c.h+iy)*c.w + ix
										v = x[at]
										want[at] += dpt[r*n+col]
									}
									if got := pt[r*n+col]; got != v {
										t.Fatalf("P^T[%d][%d] = %v, want %v", r, col, got, v)
									}
								}
							}
						}
					}
				}
			}
			dx := make([]float64, len(x))
			conv.addPatchesTSame(dpt, dx, c.b0, c.b1)
			for i := range dx {
				if dx[i] != want[i] {
					t.Fatalf("dx[%d] = %v, want %v", i, dx[i], want[i])
				}
			}
		})
	}
}
