package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// patchesT and its adjoint give exactly what the definition gives: P^T
// row (ch, i, j), column (b, oy, ox) holds x[b, ch, oy*s-p+i, ox*s-p+j] or
// 0, and the adjoint adds each row back into dx in the order of the rows.
// The cases take the same-width path (stride 1, padding (k-1)/2) and the
// general one (stride 2 takes the vector gather in float32), in both
// precisions, with rows long enough for the vector loops.
func TestPatchesDefinition(t *testing.T) {
	for _, c := range []patchCase{
		{3, 3, 1, 1, 5, 6, 0, 2, 2}, {2, 3, 1, 1, 1, 4, 1, 3, 3}, {2, 5, 1, 2, 4, 3, 0, 1, 1}, {4, 1, 1, 0, 3, 3, 0, 2, 2},
		{1, 3, 1, 1, 2, 1, 0, 1, 1}, {2, 3, 1, 1, 4, 37, 0, 1, 1},
		{2, 3, 2, 1, 5, 6, 0, 2, 2}, {3, 3, 2, 1, 4, 33, 1, 2, 2}, {2, 1, 2, 0, 6, 32, 0, 1, 1}, {2, 3, 2, 0, 7, 41, 0, 1, 1},
		{2, 5, 2, 2, 9, 20, 0, 2, 2}, {1, 3, 2, 1, 1, 70, 0, 1, 1},
	} {
		t.Run(fmt.Sprint(c, "/float64"), func(t *testing.T) { checkPatches[float64](t, c) })
		t.Run(fmt.Sprint(c, "/float32"), func(t *testing.T) { checkPatches[float32](t, c) })
	}
}

type patchCase struct{ in, k, s, p, h, w, b0, b1, batch int }

func checkPatches[T Float](t *testing.T, c patchCase) {
	rng := rand.New(rand.NewPCG(4, 2))
	conv := NewConv2d[T]("conv", c.in, 2, c.k, c.s, c.p, false)
	conv.batch, conv.h, conv.w = c.batch, c.h, c.w
	conv.oh, conv.ow = conv.outSize(c.h), conv.outSize(c.w)
	conv.setSpan()
	if conv.sameRows() != (c.s == 1 && 2*c.p == c.k-1) {
		t.Fatalf("sameRows() = %v", conv.sameRows())
	}
	x := make([]T, c.batch*c.in*c.h*c.w)
	for i := range x {
		x[i] = T(rng.NormFloat64())
	}
	sp := conv.oh * conv.ow
	n := (c.b1 - c.b0) * sp
	d := c.in * c.k * c.k
	pt := make([]T, d*n)
	for i := range pt {
		pt[i] = 99 // every entry must be written
	}
	conv.patchesT(x, pt, c.b0, c.b1)
	dpt := make([]T, d*n)
	for i := range dpt {
		dpt[i] = T(rng.NormFloat64())
	}
	want := make([]T, len(x))
	for b := c.b0; b < c.b1; b++ {
		for ch := 0; ch < c.in; ch++ {
			for i := 0; i < c.k; i++ {
				for j := 0; j < c.k; j++ {
					r := (ch*c.k+i)*c.k + j
					for oy := 0; oy < conv.oh; oy++ {
						for ox := 0; ox < conv.ow; ox++ {
							col := (b-c.b0)*sp + oy*conv.ow + ox
							iy, ix := oy*c.s-c.p+i, ox*c.s-c.p+j
							var v T
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
	dx := make([]T, len(x))
	conv.addPatchesT(dpt, dx, c.b0, c.b1)
	for i := range dx {
		if dx[i] != want[i] {
			t.Fatalf("dx[%d] = %v, want %v", i, dx[i], want[i])
		}
	}
}
