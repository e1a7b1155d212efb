// Package linalg is the project's fast dense symmetric eigen-solver and a
// gonum BLAS whose level-3 routines run on internal/gemm.
//
// gonum's LAPACK reduces a symmetric matrix to tridiagonal form in one
// stage (dsytrd): half of its work is a matrix-vector product with the
// whole trailing matrix per column, bound by memory bandwidth, and it calls
// BLAS through gonum's pure-Go implementation. For the eigenvalues alone
// this package uses the two-stage reduction of LAPACK 3.7's dsyevd_2stage
// (Haidar, Ltaief and Dongarra, SC'11; Bischof, Lang and Sun's successive
// band reduction, ACM TOMS 26, 2000):
//
//   - Stage 1 (band.go) reduces the matrix to a band of half-width b with
//     block Householder transformations whose two-sided updates are matrix
//     products on internal/gemm, the cache-blocked AVX2/AVX-512 GEMM.
//   - Stage 2 (chase.go) reduces the band to tridiagonal form by chasing
//     bulges with Householder reflectors of length b, on data that stays in
//     cache.
//   - The tridiagonal eigenvalues come from LAPACK's dsterf (gonum), the
//     root-free QL/QR iteration numpy.linalg.eigvalsh's dsyevd also uses
//     when no vectors are wanted.
//
// Every step is an orthogonal similarity, so the eigenvalues are those of
// the input up to a backward error of a small multiple of n*eps*||A||, as
// for numpy.
//
// FastBLAS is a gonum blas64 implementation that computes Dgemm, Dsyrk,
// Dsyr2k and Dtrmm with internal/gemm; Use installs it, so that gonum's own
// LAPACK (eigenvectors, general eigenvalues) also runs its level-3 work on
// it.
package linalg
