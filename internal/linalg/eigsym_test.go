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

// Only the lower triangle is read, with any leading dimension, and the
// input is left as it was.
func TestSymEigenvaluesLowerTriangleOnly(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	for _, n := range []int{10, 100, 500} {
		a := randomSym(rng, n)
		want, err := SymEigenvalues(n, a, n)
		if err != nil {
			t.Fatal(err)
		}
		lda := n + 7
		b := make([]float64, n*lda)
		for i := range n {
			copy(b[i*lda:i*lda+i+1], a[i*n:i*n+i+1])
			for j := i + 1; j < lda; j++ {
				b[i*lda+j] = math.NaN() // never read
			}
		}
		saved := append([]float64(nil), b...)
		got, err := SymEigenvalues(n, b, lda)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if got[i] != want[i] {
				t.Fatalf("n=%d: value %d = %v with lda %d, %v with lda n", n, i, got[i], lda, want[i])
			}
		}
		for k := range b {
			if b[k] != saved[k] && !(math.IsNaN(b[k]) && math.IsNaN(saved[k])) {
				t.Fatalf("n=%d: input changed at %d", n, k)
			}
		}
	}
}

// A reused SymEigen gives the same values as a fresh one, across orders
// (its buffers keep old contents).
func TestSymEigenReuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	var s SymEigen
	for _, n := range []int{300, 120, 64, 700, 33} {
		a := randomSym(rng, n)
		got, err := s.Values(nil, n, a, n)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := SymEigenvalues(n, a, n)
		for i := range n {
			if got[i] != want[i] {
				t.Fatalf("n=%d: reused %v, fresh %v", n, got[i], want[i])
			}
		}
	}
}

func TestSymEigenvaluesBadInput(t *testing.T) {
	a := []float64{1, 0, math.Inf(1), 1}
	if _, err := SymEigenvalues(2, a, 2); err == nil {
		t.Error("infinite entry accepted")
	}
	if _, err := SymEigenvalues(3, a, 3); err == nil {
		t.Error("short slice accepted")
	}
	var s SymEigen
	if err := s.Vectors(make([]float64, 2), make([]float64, 4), 2, a, 2); err == nil {
		t.Error("Vectors: infinite entry accepted")
	}
}
