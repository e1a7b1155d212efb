package linalg

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

func randSlice(rng *rand.Rand, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = rng.NormFloat64()
	}
	return s
}

func maxDiff(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-11*(1+math.Abs(want[i])) {
			t.Errorf("%s: [%d] = %v, gonum %v", what, i, got[i], want[i])
			return
		}
	}
}

// Every routine FastBLAS overrides against gonum's, above and below the size
// where it switches, with leading dimensions wider than the matrices.
func TestFastBLASAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var ref gonum.Implementation
	var fast FastBLAS
	trans := []blas.Transpose{blas.NoTrans, blas.Trans}
	for _, n := range []int{7, 70, 250} {
		k := n/3 + 5
		for _, tA := range trans {
			for _, ul := range []blas.Uplo{blas.Lower, blas.Upper} {
				for _, beta := range []float64{0, 0.5} {
					lda, ldb, ldc := max(n, k)+3, max(n, k)+1, n+2
					a, b := randSlice(rng, lda*max(n, k)), randSlice(rng, ldb*max(n, k))
					c := randSlice(rng, ldc*n)
					c1, c2 := append([]float64(nil), c...), append([]float64(nil), c...)
					ref.Dsyrk(ul, tA, n, k, 1.5, a, lda, beta, c1, ldc)
					fast.Dsyrk(ul, tA, n, k, 1.5, a, lda, beta, c2, ldc)
					maxDiff(t, fmt.Sprintf("Dsyrk n=%d %c %c beta=%v", n, tA, ul, beta), c2, c1)
					c1, c2 = append([]float64(nil), c...), append([]float64(nil), c...)
					ref.Dsyr2k(ul, tA, n, k, -0.7, a, lda, b, ldb, beta, c1, ldc)
					fast.Dsyr2k(ul, tA, n, k, -0.7, a, lda, b, ldb, beta, c2, ldc)
					maxDiff(t, fmt.Sprintf("Dsyr2k n=%d %c %c beta=%v", n, tA, ul, beta), c2, c1)
				}
				for _, side := range []blas.Side{blas.Left, blas.Right} {
					for _, d := range []blas.Diag{blas.Unit, blas.NonUnit} {
						m, nn := n, k
						lda, ldb := n+1, n+4
						a, b := randSlice(rng, lda*n), randSlice(rng, ldb*n)
						if side == blas.Right {
							m, nn = k, n
						}
						b1, b2 := append([]float64(nil), b...), append([]float64(nil), b...)
						ref.Dtrmm(side, ul, tA, d, m, nn, 0.9, a, lda, b1, ldb)
						fast.Dtrmm(side, ul, tA, d, m, nn, 0.9, a, lda, b2, ldb)
						maxDiff(t, fmt.Sprintf("Dtrmm n=%d %c %c %c %c", n, side, ul, tA, d), b2, b1)
					}
				}
			}
			for _, beta := range []float64{0, 1, -0.5} {
				lda := n + 3
				a, x := randSlice(rng, lda*n), randSlice(rng, n)
				y := randSlice(rng, n)
				y1, y2 := append([]float64(nil), y...), append([]float64(nil), y...)
				for _, ul := range []blas.Uplo{blas.Lower, blas.Upper} {
					ref.Dsymv(ul, n, 0.8, a, lda, x, 1, beta, y1, 1)
					fast.Dsymv(ul, n, 0.8, a, lda, x, 1, beta, y2, 1)
					maxDiff(t, fmt.Sprintf("Dsymv n=%d %c beta=%v", n, ul, beta), y2, y1)
				}
			}
			for _, tB := range trans {
				m, nn := n+1, n/2+3
				a, b := randSlice(rng, (n+k)*(n+k)), randSlice(rng, (n+k)*(n+k))
				c := randSlice(rng, m*(nn+1))
				c1, c2 := append([]float64(nil), c...), append([]float64(nil), c...)
				lda, ldb := max(m, k)+1, max(nn, k)+2
				ref.Dgemm(tA, tB, m, nn, k, 1.1, a, lda, b, ldb, 0.3, c1, nn+1)
				fast.Dgemm(tA, tB, m, nn, k, 1.1, a, lda, b, ldb, 0.3, c2, nn+1)
				maxDiff(t, fmt.Sprintf("Dgemm n=%d %c %c", n, tA, tB), c2, c1)
			}
		}
	}
}
