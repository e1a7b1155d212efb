package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSerial checks SgemmSerial and DgemmSerial against a naive product on
// sizes large enough that Sgemm would use the workers, in all four
// transpose combinations.
func TestSerial(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	m, n, k := 150, 130, 90
	a, b := make([]float64, m*k), make([]float64, k*n)
	for i := range a {
		a[i] = rng.NormFloat64()
	}
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			lda, ldb := k, n
			if ta {
				lda = m
			}
			if tb {
				ldb = k
			}
			at := func(i, p int) float64 {
				if ta {
					return a[p*lda+i]
				}
				return a[i*lda+p]
			}
			bt := func(p, j int) float64 {
				if tb {
					return b[j*ldb+p]
				}
				return b[p*ldb+j]
			}
			c64 := make([]float64, m*n)
			for i := range c64 {
				c64[i] = 1
			}
			c32 := make([]float32, m*n)
			for i := range c32 {
				c32[i] = 1
			}
			a32, b32 := make([]float32, len(a)), make([]float32, len(b))
			for i, v := range a {
				a32[i] = float32(v)
			}
			for i, v := range b {
				b32[i] = float32(v)
			}
			DgemmSerial(ta, tb, m, n, k, 2, a, lda, b, ldb, 0.5, c64, n)
			SgemmSerial(ta, tb, m, n, k, 2, a32, lda, b32, ldb, 0.5, c32, n)
			for i := 0; i < m; i++ {
				for j := 0; j < n; j++ {
					var s float64
					for p := 0; p < k; p++ {
						s += at(i, p) * bt(p, j)
					}
					want := 2*s + 0.5
					if d := math.Abs(c64[i*n+j] - want); d > 1e-12*(1+math.Abs(want)) {
						t.Fatalf("DgemmSerial ta %v tb %v: C[%d,%d] = %v, want %v", ta, tb, i, j, c64[i*n+j], want)
					}
					if d := math.Abs(float64(c32[i*n+j]) - want); d > 1e-4*(1+math.Abs(want)) {
						t.Fatalf("SgemmSerial ta %v tb %v: C[%d,%d] = %v, want %v", ta, tb, i, j, c32[i*n+j], want)
					}
				}
			}
		}
	}
}
