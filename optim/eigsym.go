package optim

import (
	"math"

	"github.com/adafisher-go/landscape/internal/linalg"
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

	a, w, q []float64
	fast    *linalg.SymEigen
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

// eigenTry decomposes the symmetric matrix in buf (its lower triangle is
// read) with the project's solver (internal/linalg: tridiagonal reduction
// on the packed GEMM, then QL with the rotations applied along rows, which
// is what makes it several times faster than gonum's dsyev on row-major
// storage) and writes the result only when every value is finite.
func eigenTry[T nn.Float](s *eigenSolver, buf []float64, n int, w, q []T) bool {
	if s.fast == nil {
		s.fast = new(linalg.SymEigen)
	}
	if cap(s.w) < n {
		s.w = make([]float64, n)
	}
	if cap(s.q) < n*n {
		s.q = make([]float64, n*n)
	}
	vals, vecs := s.w[:n], s.q[:n*n]
	if s.fast.Vectors(vals, vecs, n, buf, n) != nil {
		return false
	}
	for _, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	for _, v := range vecs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	for i, v := range vals {
		w[i] = T(v)
	}
	for i, v := range vecs {
		q[i] = T(v)
	}
	return true
}
