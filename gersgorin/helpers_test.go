package gersgorin

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// randomMatrix returns an n x n matrix of N(0, scale) entries, symmetrised if
// asked.
func randomMatrix(rng *rand.Rand, n int, scale float64, symmetric bool) *mat.Dense {
	a := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			a.Set(i, j, scale*rng.NormFloat64())
		}
	}
	if symmetric {
		var t mat.Dense
		t.Add(a, a.T())
		t.Scale(0.5, &t)
		return &t
	}
	return a
}

// closeTo reports whether got is within tol of want, relative to max(1, |want|).
func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*max(1, math.Abs(want))
}
