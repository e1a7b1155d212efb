package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestUntranspose checks C = T^T + beta*C against the element loop it
// replaced, bit for bit, for every configuration's transpose and the betas
// that take each branch (0 writes without reading, others add to C).
func TestUntranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, cf := range all32 {
		for _, sz := range [][2]int{{1, 1}, {16, 144}, {17, 33}, {64, 9}, {3, 100}} {
			m, n := sz[0], sz[1]
			for _, beta := range []float32{0, 1, 0.5} {
				tm := make([]float32, n*m)
				for i := range tm {
					tm[i] = float32(rng.NormFloat64())
				}
				ldc := n + 3
				c := make([]float32, m*ldc)
				for i := range c {
					c[i] = float32(rng.NormFloat64())
				}
				want := append([]float32(nil), c...)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						if beta == 0 {
							want[i*ldc+j] = tm[j*m+i]
						} else {
							want[i*ldc+j] = tm[j*m+i] + beta*want[i*ldc+j]
						}
					}
				}
				untranspose(cf, m, n, tm, beta, c, ldc, &bufs[float32]{})
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s %dx%d beta %v: element %d is %v, want %v", cf.name, m, n, beta, i, c[i], want[i])
					}
				}
			}
		}
	}
}
