package linalg

import (
	"errors"
	"fmt"
	"math"
)

// Band is the half-width of stage 1's band for large matrices: wider bands
// make stage 1's products more efficient and stage 2's chase (12 n^2 b
// flops in vector loops) dearer.
const Band = 16

// SymEigen computes eigenvalues of symmetric matrices, reusing its buffers
// from one call to the next. The zero value is ready to use; it is not safe
// for concurrent use.
type SymEigen struct {
	a    []float64
	band bandWork
	ch   chaser
	e    []float64
	zt   []float64 // the transposed eigenvectors (Vectors)
	perm []int
}

// ErrNotConverged is returned when the tridiagonal QL/QR iteration did not
// converge (30 n iterations), which does not happen for finite input.
var ErrNotConverged = errors.New("linalg: symmetric eigenvalue iteration did not converge")

// Values returns the eigenvalues, ascending, of the symmetric n x n matrix
// whose lower triangle (diagonal included) is in a, row-major with leading
// dimension lda; the upper triangle is not read and a is not modified. dst
// is reused when it has room for n values. The matrix must be finite.
func (s *SymEigen) Values(dst []float64, n int, a []float64, lda int) ([]float64, error) {
	switch {
	case n < 0:
		return nil, fmt.Errorf("linalg: negative order %d", n)
	case n == 0:
		return dst[:0], nil
	case lda < n || len(a) < (n-1)*lda+n:
		return nil, fmt.Errorf("linalg: %d values with leading dimension %d for a %dx%d matrix", len(a), lda, n, n)
	}
	w := grow(dst, n)
	b := min(Band, n-1)
	if n > 2*Band {
		// The working copy, mirrored so that the diagonal blocks of stage 1
		// are whole.
		s.a = grow(s.a, n*n)
		for i := range n {
			copy(s.a[i*n:i*n+i+1], a[i*lda:i*lda+i+1])
		}
		for t0 := 0; t0 < n; t0 += tile {
			for i := t0; i < min(n, t0+tile); i++ {
				for j := t0; j < i; j++ {
					s.a[j*n+i] = s.a[i*n+j]
				}
			}
		}
		toBand(n, b, s.a, n, &s.band)
		s.ch.load(n, b, s.a, n)
	} else {
		b = max(n-1, 1)
		s.ch.load(n, b, a, lda)
	}
	for _, v := range s.ch.ab {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("linalg: matrix is not finite")
		}
	}
	if b > 1 {
		s.ch.reduce()
	}
	s.e = grow(s.e, n)
	s.ch.tridiagonal(w, s.e)
	if !lapackImpl.Dsterf(n, w, s.e[:max(n-1, 0)]) {
		return nil, ErrNotConverged
	}
	return w, nil
}

// SymEigenvalues returns the eigenvalues, ascending, of the symmetric
// n x n matrix whose lower triangle is in a (see SymEigen.Values).
func SymEigenvalues(n int, a []float64, lda int) ([]float64, error) {
	var s SymEigen
	return s.Values(nil, n, a, lda)
}
