package linalg

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/blas"
)

// Vectors sets w to the eigenvalues, ascending, and the columns of q
// (n x n, row-major) to orthonormal eigenvectors of the symmetric n x n
// matrix whose lower triangle is in a (row-major, leading dimension lda; a
// is not modified). w and q must have room for n and n*n values.
//
// It reduces the matrix to tridiagonal form with gonum's LAPACK (dsytrd and
// dorgtr, their level-3 work on FastBLAS, which it installs with Use) and
// then runs the implicit QL iteration with Wilkinson shifts (Bowdler,
// Martin, Reinsch and Wilkinson, Numer. Math. 11, 1968, tql2), applying each
// rotation to two contiguous rows of the transposed eigenvector matrix.
// LAPACK's dsteqr applies them to two columns, which in row-major storage
// touches a cache line per row and is what makes gonum's dsyev slow.
func (s *SymEigen) Vectors(w, q []float64, n int, a []float64, lda int) error {
	switch {
	case n < 0:
		return fmt.Errorf("linalg: negative order %d", n)
	case n == 0:
		return nil
	case lda < n || len(a) < (n-1)*lda+n:
		return fmt.Errorf("linalg: %d values with leading dimension %d for a %dx%d matrix", len(a), lda, n, n)
	case len(w) < n || len(q) < n*n:
		return fmt.Errorf("linalg: room for %d values and %d vector entries, want %d and %d", len(w), len(q), n, n*n)
	}
	Use()
	// A padded stride keeps a power-of-two order off a single cache set
	// when gonum's routines walk down columns.
	st := n + 1
	s.a = grow(s.a, n*st)
	for i := range n {
		row := a[i*lda : i*lda+i+1]
		for _, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return errors.New("linalg: matrix is not finite")
			}
		}
		copy(s.a[i*st:], row)
	}
	d := w[:n]
	s.e = grow(s.e, n)
	e := s.e
	s.band.tau = grow(s.band.tau, max(n-1, 1))
	tau := s.band.tau
	query := []float64{0}
	lapackImpl.Dsytrd(blas.Lower, n, s.a, st, d, e, tau, query, -1)
	lw := int(query[0])
	lapackImpl.Dorgtr(blas.Lower, n, s.a, st, tau, query, -1)
	lw = max(lw, int(query[0]), 1)
	s.band.work = grow(s.band.work, lw)
	lapackImpl.Dsytrd(blas.Lower, n, s.a, st, d, e, tau, s.band.work, lw)
	lapackImpl.Dorgtr(blas.Lower, n, s.a, st, tau, s.band.work, lw)

	// zt = Q^T: row k is the k-th column of Q, and becomes the k-th
	// eigenvector.
	s.zt = grow(s.zt, n*n)
	zt := s.zt
	for i := range n {
		for k, v := range s.a[i*st : i*st+n] {
			zt[k*n+i] = v
		}
	}
	e[n-1] = 0
	if !tql(d, e, zt, n) {
		return ErrNotConverged
	}

	// Ascending order, eigenvectors into the columns of q.
	s.perm = slices.Grow(s.perm[:0], n)[:n]
	perm := s.perm
	for i := range perm {
		perm[i] = i
	}
	slices.SortStableFunc(perm, func(x, y int) int { return cmp.Compare(d[x], d[y]) })
	s.e = grow(s.e, n)
	sorted := s.e
	for j, p := range perm {
		sorted[j] = d[p]
	}
	copy(d, sorted)
	for j, p := range perm {
		row := zt[p*n : (p+1)*n]
		for i, v := range row {
			q[i*n+j] = v
		}
	}
	return nil
}

// tql diagonalises the symmetric tridiagonal matrix with diagonal d and
// subdiagonal e (e[i] couples i and i+1; e[n-1] = 0) by the implicit QL
// iteration, leaving the eigenvalues in d, unordered, and applying every
// rotation to the rows of zt. It reports false after 30n iterations without
// convergence.
func tql(d, e, zt []float64, n int) bool {
	iters := 0
	for l := 0; l < n; l++ {
		for {
			m := l
			for ; m < n-1; m++ {
				dd := math.Abs(d[m]) + math.Abs(d[m+1])
				if math.Abs(e[m])+dd == dd {
					break
				}
			}
			if m == l {
				break
			}
			if iters++; iters > 30*n {
				return false
			}
			// Wilkinson's shift from the leading 2x2 block.
			g := (d[l+1] - d[l]) / (2 * e[l])
			r := math.Hypot(g, 1)
			g = d[m] - d[l] + e[l]/(g+math.Copysign(r, g))
			s, c, p := 1.0, 1.0, 0.0
			underflow := false
			for i := m - 1; i >= l; i-- {
				f, b := s*e[i], c*e[i]
				r = math.Hypot(f, g)
				e[i+1] = r
				if r == 0 {
					// The rotation would divide by zero: deflate here
					// and start over.
					d[i+1] -= p
					e[m] = 0
					underflow = true
					break
				}
				s, c = f/r, g/r
				g = d[i+1] - p
				r = (d[i]-g)*s + 2*c*b
				p = s * r
				d[i+1] = g + p
				g = c*r - b
				rotate(zt[i*n:(i+1)*n], zt[(i+1)*n:(i+2)*n], c, s)
			}
			if underflow {
				continue
			}
			d[l] -= p
			e[l] = g
			e[m] = 0
		}
	}
	return true
}

// rotateGo sets (x, y) = (c*x - s*y, s*x + c*y) element by element.
func rotateGo(x, y []float64, c, s float64) {
	y = y[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		x0, x1, x2, x3 := x[i], x[i+1], x[i+2], x[i+3]
		y0, y1, y2, y3 := y[i], y[i+1], y[i+2], y[i+3]
		x[i], x[i+1], x[i+2], x[i+3] = c*x0-s*y0, c*x1-s*y1, c*x2-s*y2, c*x3-s*y3
		y[i], y[i+1], y[i+2], y[i+3] = s*x0+c*y0, s*x1+c*y1, s*x2+c*y2, s*x3+c*y3
	}
	for ; i < len(x); i++ {
		x0, y0 := x[i], y[i]
		x[i], y[i] = c*x0-s*y0, s*x0+c*y0
	}
}

// symvRowGo adds t*row to y and returns row . x.
func symvRowGo(row, x, y []float64, t float64) float64 {
	x, y = x[:len(row)], y[:len(row)]
	var dot float64
	for k, v := range row {
		dot += v * x[k]
		y[k] += t * v
	}
	return dot
}
