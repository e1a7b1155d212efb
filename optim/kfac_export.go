package optim

import (
	"math"

	"github.com/adafisher-go/landscape/nn"
)

// EigenSolver is the eigendecomposition that K-FAC and Shampoo run on their
// factors (float64, one retry with a ridge, the previous decomposition kept
// on failure; see eigenSolver), for callers that keep the factors
// elsewhere: the device engine downloads them at the optimizers' refresh
// steps, decomposes them here exactly as the host optimizers do, and
// uploads the result.
type EigenSolver struct{ s eigenSolver }

// Counts returns the decompositions retried and failed so far.
func (e *EigenSolver) Counts() (retries, failures int) { return e.s.Retries, e.s.Failures }

// SetCounts restores the counts (from a saved state).
func (e *EigenSolver) SetCounts(retries, failures int) { e.s.Retries, e.s.Failures = retries, failures }

// KFACEigen is K-FAC's refresh of one n x n factor m: d (eigenvalues,
// ascending, those below 1e-10 set to 0) and q (row-major, eigenvectors in
// its columns), as KFAC.updateInverse computes them; a failed
// decomposition leaves d and q alone.
func KFACEigen[T nn.Float](s *EigenSolver, m []T, n int, d, q []T) {
	if eigenDecompose(&s.s, m, n, d, q) {
		clipSmall(d)
	}
}

// ShampooInverseRoot is Shampoo's refresh of one n x n statistic:
// root = Q diag(max(w, eps)^(-1/4)) Q^T, as Shampoo.inverseRoot computes
// it; a failed decomposition leaves root alone.
func ShampooInverseRoot[T nn.Float](s *EigenSolver, stat []T, n int, eps float64, root []T) {
	w, q, qs := make([]T, n), make([]T, n*n), make([]T, n*n)
	if !eigenDecompose(&s.s, stat, n, w, q) {
		return
	}
	for k, v := range w {
		f := T(math.Pow(max(float64(v), eps), -0.25))
		for i := 0; i < n; i++ {
			qs[i*n+k] = q[i*n+k] * f
		}
	}
	nn.Gemm(false, true, n, n, n, 1, qs, n, q, n, 0, root, n)
}
