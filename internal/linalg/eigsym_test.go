package linalg

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func randomSym(rng *rand.Rand, n int) []float64 {
	a := make([]float64, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			v := rng.NormFloat64()
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	return a
}

// Against gonum's one-stage dsyev on the same matrices.
func TestSymEigenvaluesAgainstGonum(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 3, 5, 16, 17, 18, 31, 33, 40, 64, 100, 129, 400, 777} {
		a := randomSym(rng, n)
		var e mat.EigenSym
		if !e.Factorize(mat.NewSymDense(n, append([]float64(nil), a...)), false) {
			t.Fatal("gonum failed")
		}
		want := e.Values(nil)
		got, err := SymEigenvalues(n, a, n)
		if err != nil {
			t.Fatal(err)
		}
		scale := math.Max(math.Abs(want[0]), math.Abs(want[n-1]))
		for i := range n {
			if math.Abs(got[i]-want[i]) > 1e-12*scale*math.Sqrt(float64(n)) {
				t.Errorf("n=%d: value %d = %v, gonum %v", n, i, got[i], want[i])
				break
			}
		}
	}
}
