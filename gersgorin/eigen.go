package gersgorin

import (
	"cmp"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// GeneralEigenvalues returns all n eigenvalues of the square matrix a from a
// general (non-symmetric) solver, as numpy.linalg.eigvals computes them, in
// ascending order of real part, then of imaginary part.
func GeneralEigenvalues(a *mat.Dense) (Eigenvalues, error) {
	n, _, err := squareRaw(a)
	if err != nil {
		return nil, err
	}
	var e mat.Eigen
	if !e.Factorize(a, mat.EigenNone) {
		return nil, fmt.Errorf("gersgorin: general eigen-solver did not converge (%dx%d matrix)", n, n)
	}
	values := Eigenvalues(e.Values(nil))
	slices.SortFunc(values, func(x, y complex128) int {
		return cmp.Or(cmp.Compare(real(x), real(y)), cmp.Compare(imag(x), imag(y)))
	})
	return values, nil
}

// Symmetrize returns the symmetric matrix that mode's solver sees in a:
// Reference mirrors the lower triangle (the upper triangle of a is never
// read, as with numpy.linalg.eigh); Corrected takes the symmetric part
// (a + a^T)/2. For a symmetric a both are a.
func Symmetrize(a *mat.Dense, mode Mode) (*mat.SymDense, error) {
	n, g, err := squareRaw(a)
	if err != nil {
		return nil, err
	}
	if !mode.Valid() {
		return nil, fmt.Errorf("gersgorin: unknown mode %q", mode)
	}
	// SymDense stores its upper triangle; fill it, and the diagonal, row by row.
	data := make([]float64, n*n)
	for i := range n {
		out := data[i*n : (i+1)*n]
		out[i] = row(g, i)[i]
		for j := i + 1; j < n; j++ {
			lower := g.Data[j*g.Stride+i]
			if mode == Reference {
				out[j] = lower
			} else {
				out[j] = 0.5 * (row(g, i)[j] + lower)
			}
		}
	}
	return mat.NewSymDense(n, data), nil
}

// SymmetricEigenvalues returns the eigenvalues, ascending, of the symmetric
// matrix mode's solver sees in a (see Symmetrize).
func SymmetricEigenvalues(a *mat.Dense, mode Mode) ([]float64, error) {
	s, err := Symmetrize(a, mode)
	if err != nil {
		return nil, err
	}
	return symEigenvalues(s)
}

func symEigenvalues(s *mat.SymDense) ([]float64, error) {
	var e mat.EigenSym
	if !e.Factorize(s, false) {
		n := s.SymmetricDim()
		return nil, fmt.Errorf("gersgorin: symmetric eigen-solver did not converge (%dx%d matrix)", n, n)
	}
	return e.Values(nil), nil
}
