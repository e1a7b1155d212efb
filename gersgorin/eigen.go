package gersgorin

import (
	"cmp"
	"fmt"
	"slices"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/adafisher-go/landscape/internal/linalg"
)

// GeneralEigenvalues returns all n eigenvalues of the square matrix a from a
// general (non-symmetric) solver, as numpy.linalg.eigvals computes them, in
// ascending order of real part, then of imaginary part. An exactly
// symmetric a has real eigenvalues, which the symmetric solver finds in a
// fraction of the time; they are returned with zero imaginary parts.
func GeneralEigenvalues(a *mat.Dense) (Eigenvalues, error) {
	n, g, err := squareRaw(a)
	if err != nil {
		return nil, err
	}
	if exactlySymmetric(g) {
		w, err := linalg.SymEigenvalues(n, g.Data, g.Stride)
		if err != nil {
			return nil, fmt.Errorf("gersgorin: %w (%dx%d matrix)", err, n, n)
		}
		values := make(Eigenvalues, n)
		for i, v := range w {
			values[i] = complex(v, 0)
		}
		return values, nil
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

// exactlySymmetric reports whether g equals its transpose bit for bit.
func exactlySymmetric(g blas64.General) bool {
	for i := range g.Rows {
		for j := i + 1; j < g.Cols; j++ {
			if g.Data[i*g.Stride+j] != g.Data[j*g.Stride+i] {
				return false
			}
		}
	}
	return true
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
// matrix mode's solver sees in a (see Symmetrize), from the two-stage
// tridiagonal reduction of internal/linalg.
func SymmetricEigenvalues(a *mat.Dense, mode Mode) ([]float64, error) {
	n, g, err := squareRaw(a)
	if err != nil {
		return nil, err
	}
	if !mode.Valid() {
		return nil, fmt.Errorf("gersgorin: unknown mode %q", mode)
	}
	// The solver reads the lower triangle: Reference's matrix as it is, and
	// Corrected's when a is symmetric; otherwise the lower triangle of the
	// symmetric part.
	data, stride := g.Data, g.Stride
	if mode == Corrected && !exactlySymmetric(g) {
		data, stride = make([]float64, n*n), n
		for i := range n {
			for j := 0; j <= i; j++ {
				data[i*n+j] = 0.5 * (g.Data[i*g.Stride+j] + g.Data[j*g.Stride+i])
			}
		}
	}
	w, err := linalg.SymEigenvalues(n, data, stride)
	if err != nil {
		return nil, fmt.Errorf("gersgorin: %w (%dx%d matrix)", err, n, n)
	}
	return w, nil
}
