// Package gersgorin tests how much of a square matrix's weight sits on its
// diagonal, the way the AdaFisher paper (Gomes et al., ICLR 2025, Figures 3
// and 7, appendix A.1) argues it for Kronecker factors:
//
//   - Gersgorin discs: for row i a disc centred at M_ii with radius
//     R_i = sum_{j != i} |M_ij|. Every eigenvalue of M lies in their union.
//     Discs reports the centres and radii, the fraction of eigenvalues inside
//     the union (1 up to rounding, a check of the solver) and the fraction of
//     diagonally dominant rows (|M_ii| >= R_i).
//   - All eigenvalues from a general, non-symmetric solver (LAPACK's dgeev, as
//     numpy.linalg.eigvals), for the disc plot. An exactly symmetric matrix,
//     as every Kronecker factor is, has real eigenvalues and takes the
//     symmetric solver instead, in a fraction of the time.
//   - The perturbation test: N(0, sigma) noise on every off-diagonal entry,
//     the eigenvalues before and after from a symmetric solver, their shift,
//     and the Kaiser counts (eigenvalues above 1, as the paper draws the
//     rule; and above the mean eigenvalue, the scale-free form of the rule
//     for a matrix that is not a correlation matrix).
//
// # Modes
//
// Reference reproduces the official notebooks: independent noise draws in
// both triangles (so the noisy matrix is not symmetric) and a symmetric
// solver that reads only the lower triangle, as numpy.linalg.eigh does.
// Corrected draws one value per off-diagonal pair, so the noisy matrix stays
// symmetric, and solves the symmetric part (M + M^T)/2 of its input, which is
// M itself for a symmetric M.
//
// # Solvers
//
// The symmetric eigenvalues come from internal/linalg's two-stage
// tridiagonal reduction (dense to band with matrix products on the
// project's AVX2/AVX-512 GEMM, then band to tridiagonal), the method of
// LAPACK's dsyevd_2stage; they match numpy.linalg.eigvalsh to a relative
// 1e-12 or so of the largest eigenvalue. Only a matrix that is not exactly
// symmetric goes to gonum's dgeev.
//
// The notebooks set no seed; here the noise comes from a caller's
// *rand.Rand (math/rand/v2), so a seed reproduces a run exactly.
package gersgorin
