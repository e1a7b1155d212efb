package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestSgemmIndirect compares the indirect product with the definition,
// C = alpha*A*op(B) + beta*C with A[i][p] = a[offs[p]+i], summed in float64,
// over partial row tiles, narrow and wide B with partial panels, an inner
// dimension past one kc block, both orientations of B and the three kinds
// of beta; entries of C outside the product must stay as they were.
func TestSgemmIndirect(t *testing.T) {
	if !IndirectS() {
		t.Skip("no indirect kernels on this machine")
	}
	rng := rand.New(rand.NewPCG(9, 10))
	for _, sz := range [][3]int{{1, 1, 1}, {14, 16, 9}, {15, 16, 144}, {100, 17, 27}, {29, 32, 300}, {70, 64, 576}, {3, 48, 5}} {
		for _, transB := range []bool{false, true} {
			for _, beta := range []float32{0, 1, -0.5} {
				m, n, k := sz[0], sz[1], sz[2]
				t.Run(fmt.Sprint(sz, transB, beta), func(t *testing.T) {
					a := make([]float32, 3*k+m+20)
					for i := range a {
						a[i] = float32(rng.NormFloat64())
					}
					offs := make([]int, k)
					for p := range offs {
						offs[p] = rng.IntN(len(a) - roundUp(m, 14) + 1)
					}
					ldb := n + 2
					rows := k
					if transB {
						ldb, rows = k+1, n
					}
					b := make([]float32, rows*ldb)
					for i := range b {
						b[i] = float32(rng.NormFloat64())
					}
					ldc := n + 3
					c := make([]float32, m*ldc)
					for i := range c {
						c[i] = float32(rng.NormFloat64())
					}
					want := append([]float32(nil), c...)
					const alpha = 1.5
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							var s float64
							for p := 0; p < k; p++ {
								var bv float32
								if transB {
									bv = b[j*ldb+p]
								} else {
									bv = b[p*ldb+j]
								}
								s += float64(a[offs[p]+i]) * float64(bv)
							}
							v := alpha * s
							if beta != 0 {
								v += float64(beta) * float64(want[i*ldc+j])
							}
							want[i*ldc+j] = float32(v)
						}
					}
					SgemmIndirectSerial(m, n, k, alpha, a, offs, transB, b, ldb, beta, c, ldc)
					for i := range c {
						if d := math.Abs(float64(c[i] - want[i])); d > 1e-4*(1+math.Abs(float64(want[i]))) {
							t.Fatalf("C[%d] = %v, want %v", i, c[i], want[i])
						}
					}
				})
			}
		}
	}
}

func TestSgemmIndirectShortA(t *testing.T) {
	if !IndirectS() {
		t.Skip("no indirect kernels on this machine")
	}
	defer func() {
		if recover() == nil {
			t.Fatal("an offset whose tile runs past a did not panic")
		}
	}()
	a := make([]float32, 20)
	SgemmIndirectSerial(3, 2, 1, 1, a, []int{7}, false, make([]float32, 2), 2, 0, make([]float32, 6), 2)
}
