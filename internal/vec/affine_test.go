package vec

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAffine checks y = a*x + b and y = a*u + b*v + c against float64
// references (products exact in float64): each path within one float32
// rounding of each operation, relative to the terms' magnitudes.
func TestAffine(t *testing.T) {
	const eps = 0x1p-24 // half a float32 ulp, relative
	r := rand.New(rand.NewPCG(7, 8))
	for _, p := range impls {
		t.Run(p.name, func(t *testing.T) {
			for _, n := range testLens {
				for _, off := range testOffsets {
					a, b, c := float32(r.NormFloat64()), float32(r.NormFloat64()*4), float32(r.NormFloat64())
					u, v := randData(r, off, n, false), randData(r, 2-off%2, n, false)
					y, tail := guarded(off, n)
					p.affine(y, u, a, b)
					for i := range y {
						ax := float64(a) * float64(u[i])
						want := ax + float64(b)
						if err := math.Abs(float64(y[i]) - want); err > 2*eps*(math.Abs(ax)+math.Abs(float64(b))) {
							t.Fatalf("affine n=%d off=%d i=%d: %v*%v+%v = %v, want %v", n, off, i, a, u[i], b, y[i], want)
						}
					}
					p.affine2(y, u, v, a, b, c)
					for i := range y {
						au, bv := float64(a)*float64(u[i]), float64(b)*float64(v[i])
						want := au + bv + float64(c)
						if err := math.Abs(float64(y[i]) - want); err > 3*eps*(math.Abs(au)+math.Abs(bv)+math.Abs(float64(c))) {
							t.Fatalf("affine2 n=%d off=%d i=%d: %v, want %v", n, off, i, y[i], want)
						}
					}
					if !guardIntact(tail) {
						t.Fatalf("n=%d off=%d: wrote past the destination", n, off)
					}
				}
			}
		})
	}
}

// TestAffineFused checks that the assembly rounds a*x + b once: with
// a = x = 1 + 2^-12, a*x = 1 + 2^-11 + 2^-24 exactly, which float32
// rounds to 1 + 2^-11; b = -(1 + 2^-11) leaves 2^-24 fused, and 0 when the
// product is rounded first.
func TestAffineFused(t *testing.T) {
	if !haveAsm {
		t.Skip("no assembly on this CPU or build")
	}
	x, y := []float32{1 + 0x1p-12}, make([]float32, 1)
	Affine(y, x, 1+0x1p-12, -(1 + 0x1p-11))
	if y[0] != 0x1p-24 {
		t.Errorf("Affine: %v, want 2^-24 from a fused multiply-add", y[0])
	}
	affineGo(y, x, 1+0x1p-12, -(1 + 0x1p-11))
	if y[0] != 0 {
		t.Errorf("affineGo: %v, want 0 from a rounded product", y[0])
	}
}
