package optim

import "github.com/adafisher-go/landscape/nn"

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
	invFourthRootEig(&s.s, stat, n, eps, root, make([]T, n), make([]T, n*n), make([]T, n*n))
}
