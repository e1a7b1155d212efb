package optim

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/adafisher-go/landscape/nn"
)

// eigenSolver eigendecomposes the symmetric factors of K-FAC and Shampoo and
// counts the decompositions that fail.
//
// The decomposition runs in float64 whatever the run's element type (the
// official code decomposes in the tensor's type, which is where failures
// come from on GPUs). One that fails (a non-finite value in the result, or no
// convergence) is retried once in float64 on the symmetrised matrix with a
// small ridge (1e-10 times its mean absolute diagonal, at least 1e-30)
// added; that is a retry. If the retry fails too, or the matrix itself holds
// a non-finite value, the caller keeps its previous decomposition; that is a
// failure. Neither ever stops the run.
type eigenSolver struct {
	Retries, Failures int

	a, pad, w, work []float64
}

// decompose sets w (ascending eigenvalues) and q (row-major, eigenvectors in
// its columns) of the n x n symmetric matrix a, read in full (both
// triangles are averaged). It reports false, leaving w and q alone, when the
// decomposition failed twice or a holds a non-finite value.
func eigenDecompose[T nn.Float](s *eigenSolver, a []T, n int, w, q []T) bool {
	if cap(s.a) < n*n {
		s.a = make([]float64, n*n)
	}
	buf := s.a[:n*n]
	var diag float64
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := 0.5 * (float64(a[i*n+j]) + float64(a[j*n+i]))
			if math.IsNaN(v) || math.IsInf(v, 0) {
				s.Failures++
				return false
			}
			buf[i*n+j], buf[j*n+i] = v, v
		}
		diag += math.Abs(buf[i*n+i])
	}
	if eigenTry(s, buf, n, w, q) {
		return true
	}
	s.Retries++
	ridge := max(1e-10*diag/float64(max(n, 1)), 1e-30)
	for i := 0; i < n; i++ {
		for j := 0; j <= i; j++ {
			v := 0.5 * (float64(a[i*n+j]) + float64(a[j*n+i]))
			if i == j {
				v += ridge
			}
			buf[i*n+j], buf[j*n+i] = v, v
		}
	}
	if eigenTry(s, buf, n, w, q) {
		return true
	}
	s.Failures++
	return false
}

// eigenTry decomposes the symmetric matrix in buf with LAPACK's dsyev
// (gonum) and writes the result only when every value is finite. The matrix
// is copied with its rows padded by one element: the eigenvector updates
// walk down columns, and a row stride of a power of two (a 512 or 1024 wide
// factor) would make every step of that walk land in the same cache set,
// which costs gonum five to ten times the time.
func eigenTry[T nn.Float](s *eigenSolver, buf []float64, n int, w, q []T) bool {
	st := n + 1
	if cap(s.pad) < n*st {
		s.pad = make([]float64, n*st)
	}
	a := s.pad[:n*st]
	for i := 0; i < n; i++ {
		copy(a[i*st:i*st+n], buf[i*n:(i+1)*n])
	}
	if cap(s.w) < n {
		s.w = make([]float64, n)
	}
	vals := s.w[:n]
	sym := blas64.Symmetric{N: n, Stride: st, Data: a, Uplo: blas.Upper}
	query := []float64{0}
	lapack64.Syev(lapack.EVCompute, sym, vals, query, -1)
	if lw := int(query[0]); cap(s.work) < lw {
		s.work = make([]float64, lw)
	}
	if !lapack64.Syev(lapack.EVCompute, sym, vals, s.work[:cap(s.work)], cap(s.work)) {
		return false
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	for i := 0; i < n; i++ {
		for _, v := range a[i*st : i*st+n] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
	}
	for i, v := range vals {
		w[i] = T(v)
	}
	for i := 0; i < n; i++ {
		row := q[i*n : (i+1)*n]
		for j, v := range a[i*st : i*st+n] {
			row[j] = T(v)
		}
	}
	return true
}
