package gersgorin

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// errEmpty is returned for a nil or empty matrix.
var errEmpty = errors.New("gersgorin: empty matrix")

// squareRaw returns the order and the raw storage of a, or an error if a is
// nil, empty or not square.
func squareRaw(a *mat.Dense) (int, blas64.General, error) {
	if a == nil || a.IsEmpty() {
		return 0, blas64.General{}, errEmpty
	}
	r, c := a.Dims()
	if r != c {
		return 0, blas64.General{}, fmt.Errorf("gersgorin: matrix is %dx%d, not square", r, c)
	}
	return r, a.RawMatrix(), nil
}

// row returns row i of g.
func row(g blas64.General, i int) []float64 {
	return g.Data[i*g.Stride : i*g.Stride+g.Cols]
}
