package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

// The decomposition reconstructs the matrix with orthonormal eigenvectors
// and ascending eigenvalues, in both element types; a non-finite matrix is a
// counted failure that leaves the outputs alone.
func TestEigenDecompose(t *testing.T) {
	for _, n := range []int{1, 5, 64, 130} {
		testEigen[float64](t, n, 1e-12)
		testEigen[float32](t, n, 2e-5)
	}
	var s eigenSolver
	a := []float64{1, 0, 0, math.Inf(1)}
	w, q := []float64{7, 7}, []float64{7, 7, 7, 7}
	if eigenDecompose(&s, a, 2, w, q) || s.Failures != 1 || w[0] != 7 || q[3] != 7 {
		t.Fatalf("non-finite matrix: failures %d, w %v", s.Failures, w)
	}
}

func testEigen[T nn.Float](t *testing.T, n int, tol float64) {
	rng := rand.New(rand.NewPCG(uint64(n), 3))
	a := make([]T, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := T(rng.NormFloat64())
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	var s eigenSolver
	w, q := make([]T, n), make([]T, n*n)
	if !eigenDecompose(&s, a, n, w, q) {
		t.Fatalf("n %d: decomposition failed", n)
	}
	for i := 1; i < n; i++ {
		if w[i] < w[i-1] {
			t.Fatalf("n %d: eigenvalues not ascending", n)
		}
	}
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var rec, orth float64
			for k := 0; k < n; k++ {
				rec += float64(q[i*n+k]) * float64(w[k]) * float64(q[j*n+k])
				orth += float64(q[k*n+i]) * float64(q[k*n+j])
			}
			if math.Abs(rec-float64(a[i*n+j])) > tol*float64(n) || math.Abs(orth-b2f(i == j)) > tol*float64(n) {
				t.Fatalf("n %d: [%d,%d] reconstructs %v (want %v), Q^T Q %v", n, i, j, rec, a[i*n+j], orth)
			}
		}
	}
}
