package linalg

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The eigenpairs satisfy A q_j = w_j q_j and Q^T Q = I to rounding, and
// the eigenvalues are gonum's, for random matrices and for ones with
// repeated eigenvalues (a low-rank Gram matrix, as a Kronecker factor of a
// small batch, and the identity).
func TestVectors(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	gram := func(n, k int) []float64 {
		x := randSlice(rng, n*k)
		a := make([]float64, n*n)
		for i := range n {
			for j := range n {
				for p := range k {
					a[i*n+j] += x[i*k+p] * x[j*k+p]
				}
			}
		}
		return a
	}
	identity := func(n int) []float64 {
		a := make([]float64, n*n)
		for i := range n {
			a[i*n+i] = 1
		}
		return a
	}
	cases := []struct {
		name string
		n    int
		a    []float64
	}{
		{"1", 1, []float64{3}},
		{"2", 2, []float64{2, 1, 1, 2}},
		{"random 9", 9, randomSym(rng, 9)},
		{"random 64", 64, randomSym(rng, 64)},
		{"random 200", 200, randomSym(rng, 200)},
		{"gram 150 rank 10", 150, gram(150, 10)},
		{"identity 40", 40, identity(40)},
	}
	var s SymEigen
	for _, c := range cases {
		n := c.n
		w, q := make([]float64, n), make([]float64, n*n)
		if err := s.Vectors(w, q, n, c.a, n); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var e mat.EigenSym
		e.Factorize(mat.NewSymDense(n, append([]float64(nil), c.a...)), false)
		want := e.Values(nil)
		norm := math.Max(math.Abs(want[0]), math.Abs(want[n-1]))
		tol := 1e-12 * float64(n) * math.Max(norm, 1)
		for j := range n {
			if math.Abs(w[j]-want[j]) > tol {
				t.Errorf("%s: w[%d] = %v, gonum %v", c.name, j, w[j], want[j])
			}
			if j > 0 && w[j] < w[j-1] {
				t.Errorf("%s: not ascending at %d", c.name, j)
			}
		}
		A, Q := mat.NewDense(n, n, c.a), mat.NewDense(n, n, q)
		var aq, qtq mat.Dense
		aq.Mul(A, Q)
		qtq.Mul(Q.T(), Q)
		for i := range n {
			for j := range n {
				if r := aq.At(i, j) - w[j]*q[i*n+j]; math.Abs(r) > tol {
					t.Fatalf("%s: residual (%d, %d) = %v", c.name, i, j, r)
				}
				id := 0.0
				if i == j {
					id = 1
				}
				if math.Abs(qtq.At(i, j)-id) > 1e-12*float64(n) {
					t.Fatalf("%s: Q^T Q (%d, %d) = %v", c.name, i, j, qtq.At(i, j))
				}
			}
		}
	}
}

// The assembly rotation (where there is one) against the Go loop, over
// lengths around its 8-element steps.
func TestRotate(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 3))
	for n := range 40 {
		x, y := randSlice(rng, n), randSlice(rng, n)
		x1, y1 := append([]float64(nil), x...), append([]float64(nil), y...)
		c, s := math.Cos(0.3), math.Sin(0.3)
		rotate(x, y, c, s)
		rotateGo(x1, y1, c, s)
		for i := range n {
			if math.Abs(x[i]-x1[i]) > 1e-15 || math.Abs(y[i]-y1[i]) > 1e-15 {
				t.Fatalf("n=%d: [%d] = (%v, %v), Go (%v, %v)", n, i, x[i], y[i], x1[i], y1[i])
			}
		}
	}
}
