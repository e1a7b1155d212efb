package linalg

import (
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/adafisher-go/landscape/internal/gemm"
)

// FastBLAS is gonum's BLAS with the level-3 routines that gonum's LAPACK
// spends its time in (Dgemm, Dsyrk, Dsyr2k and Dtrmm) computed by
// internal/gemm. Small products, where the packing would cost more than it
// saves, stay with gonum.
type FastBLAS struct{ gonum.Implementation }

var _ blas.Float64 = FastBLAS{}

// fastMin is the least number of multiply-adds sent to internal/gemm.
const fastMin = 1 << 15

var useOnce sync.Once

// Use installs FastBLAS as gonum's blas64 implementation, for the whole
// process (blas64.Use), once; later calls do nothing. Results change only by
// rounding: the products are summed in another order.
func Use() { useOnce.Do(func() { blas64.Use(FastBLAS{}) }) }

// Dgemm computes C = alpha*op(A)*op(B) + beta*C.
func (f FastBLAS) Dgemm(tA, tB blas.Transpose, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if m*n*k < fastMin || !validTrans(tA) || !validTrans(tB) {
		f.Implementation.Dgemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	gemm.Dgemm(tA != blas.NoTrans, tB != blas.NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

func validTrans(t blas.Transpose) bool {
	return t == blas.NoTrans || t == blas.Trans || t == blas.ConjTrans
}

// symBlock is the edge of the blocks of C that Dsyrk and Dsyr2k compute as
// products; the blocks on the diagonal go through a scratch block.
const symBlock = 192

// Dsyrk computes C = alpha*A*A^T + beta*C (tA NoTrans) or
// C = alpha*A^T*A + beta*C on the ul triangle of the n x n C.
func (f FastBLAS) Dsyrk(ul blas.Uplo, tA blas.Transpose, n, k int, alpha float64, a []float64, lda int, beta float64, c []float64, ldc int) {
	if n*n*k < 2*fastMin || alpha == 0 || !validTrans(tA) || (ul != blas.Upper && ul != blas.Lower) {
		f.Implementation.Dsyrk(ul, tA, n, k, alpha, a, lda, beta, c, ldc)
		return
	}
	checkSym(tA, n, k, a, lda, c, ldc)
	symBlocks(ul, n, beta, c, ldc, func(i0, ib, j0, jb int, beta float64, dst []float64, ldd int) {
		product(tA, ib, jb, k, alpha, a, lda, i0, a, lda, j0, beta, dst, ldd)
	})
}

// Dsyr2k computes C = alpha*(A*B^T + B*A^T) + beta*C (tA NoTrans) or
// C = alpha*(A^T*B + B^T*A) + beta*C on the ul triangle of the n x n C.
func (f FastBLAS) Dsyr2k(ul blas.Uplo, tA blas.Transpose, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	if n*n*k < fastMin || alpha == 0 || !validTrans(tA) || (ul != blas.Upper && ul != blas.Lower) {
		f.Implementation.Dsyr2k(ul, tA, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	checkSym(tA, n, k, a, lda, c, ldc)
	checkSym(tA, n, k, b, ldb, c, ldc)
	symBlocks(ul, n, beta, c, ldc, func(i0, ib, j0, jb int, beta float64, dst []float64, ldd int) {
		product(tA, ib, jb, k, alpha, a, lda, i0, b, ldb, j0, beta, dst, ldd)
		product(tA, ib, jb, k, alpha, b, ldb, i0, a, lda, j0, 1, dst, ldd)
	})
}

// checkSym panics, as gonum does, on operands too short for their sizes.
func checkSym(tA blas.Transpose, n, k int, a []float64, lda int, c []float64, ldc int) {
	row, col := k, n
	if tA == blas.NoTrans {
		row, col = n, k
	}
	if lda < max(1, col) || ldc < max(1, n) || (row > 0 && len(a) < lda*(row-1)+col) || len(c) < ldc*(n-1)+n {
		panic("linalg: bad sizes in a symmetric rank update")
	}
}

// product sets dst (ib x jb) = alpha * X_i * Y_j^T + beta*dst, where X_i is
// rows i0.. of op(x) and Y_j rows j0.. of op(y), op(x) being x (n x k) for
// NoTrans and x^T otherwise.
func product(tA blas.Transpose, ib, jb, k int, alpha float64, x []float64, ldx, i0 int, y []float64, ldy, j0 int, beta float64, dst []float64, ldd int) {
	if tA == blas.NoTrans {
		gemm.Dgemm(false, true, ib, jb, k, alpha, x[i0*ldx:], ldx, y[j0*ldy:], ldy, beta, dst, ldd)
		return
	}
	gemm.Dgemm(true, false, ib, jb, k, alpha, x[i0:], ldx, y[j0:], ldy, beta, dst, ldd)
}

// symBlocks calls prod for the blocks of the ul triangle of C: directly on C
// off the diagonal, and on a scratch block, copied into the triangle, on it.
func symBlocks(ul blas.Uplo, n int, beta float64, c []float64, ldc int, prod func(i0, ib, j0, jb int, beta float64, dst []float64, ldd int)) {
	buf := getScratch(symBlock * symBlock)
	defer scratchPool.Put(buf)
	scratch := *buf
	for i0 := 0; i0 < n; i0 += symBlock {
		ib := min(symBlock, n-i0)
		if ul == blas.Lower && i0 > 0 {
			prod(i0, ib, 0, i0, beta, c[i0*ldc:], ldc)
		}
		if ul == blas.Upper && i0+ib < n {
			prod(i0, ib, i0+ib, n-i0-ib, beta, c[i0*ldc+i0+ib:], ldc)
		}
		prod(i0, ib, i0, ib, 0, scratch, ib)
		for i := range ib {
			lo, hi := 0, i+1
			if ul == blas.Upper {
				lo, hi = i, ib
			}
			row := c[(i0+i)*ldc+i0:]
			for j := lo; j < hi; j++ {
				if beta == 0 {
					row[j] = scratch[i*ib+j]
				} else {
					row[j] = scratch[i*ib+j] + beta*row[j]
				}
			}
		}
	}
}

// Dtrmm computes B = alpha*op(A)*B (side Left) or B = alpha*B*op(A) (side
// Right) for the triangular A, through a dense copy of A.
func (f FastBLAS) Dtrmm(s blas.Side, ul blas.Uplo, tA blas.Transpose, d blas.Diag, m, n int, alpha float64, a []float64, lda int, b []float64, ldb int) {
	ka := m
	if s == blas.Right {
		ka = n
	}
	if m*n*ka < 4*fastMin || alpha == 0 || !validTrans(tA) || (s != blas.Left && s != blas.Right) ||
		(ul != blas.Upper && ul != blas.Lower) || (d != blas.Unit && d != blas.NonUnit) ||
		lda < max(1, ka) || ldb < max(1, n) || len(a) < lda*(ka-1)+ka || len(b) < ldb*(m-1)+n {
		f.Implementation.Dtrmm(s, ul, tA, d, m, n, alpha, a, lda, b, ldb)
		return
	}
	fb, ob := getScratch(ka*ka), getScratch(m*n)
	defer scratchPool.Put(fb)
	defer scratchPool.Put(ob)
	full, out := *fb, *ob
	for i := range ka {
		lo, hi := 0, i
		if ul == blas.Upper {
			lo, hi = i+1, ka
		}
		clear(full[i*ka : (i+1)*ka])
		copy(full[i*ka+lo:i*ka+hi], a[i*lda+lo:i*lda+hi])
		if d == blas.Unit {
			full[i*ka+i] = 1
		} else {
			full[i*ka+i] = a[i*lda+i]
		}
	}
	if s == blas.Left {
		gemm.Dgemm(tA != blas.NoTrans, false, m, n, m, alpha, full, ka, b, ldb, 0, out, n)
	} else {
		gemm.Dgemm(false, tA != blas.NoTrans, m, n, n, alpha, b, ldb, full, ka, 0, out, n)
	}
	for i := range m {
		copy(b[i*ldb:i*ldb+n], out[i*n:(i+1)*n])
	}
}

// Dsymv computes y = alpha*A*x + beta*y for the symmetric n x n A stored in
// its ul triangle. With unit strides it reads each row of the triangle once,
// forming both its dot product with x and its contribution to y (gonum
// reads the triangle by rows and by columns); this is half of the work of
// the one-stage tridiagonal reduction behind SymEigen.Vectors.
func (f FastBLAS) Dsymv(ul blas.Uplo, n int, alpha float64, a []float64, lda int, x []float64, incX int, beta float64, y []float64, incY int) {
	if n < 32 || incX != 1 || incY != 1 || (ul != blas.Upper && ul != blas.Lower) || lda < n ||
		len(a) < lda*(n-1)+n || len(x) < n || len(y) < n || alpha == 0 {
		f.Implementation.Dsymv(ul, n, alpha, a, lda, x, incX, beta, y, incY)
		return
	}
	y = y[:n]
	switch beta {
	case 0:
		clear(y)
	case 1:
	default:
		for i := range y {
			y[i] *= beta
		}
	}
	for i := range n {
		t := alpha * x[i]
		row := a[i*lda : i*lda+n]
		var dot float64
		if ul == blas.Lower {
			dot = symvRow(row[:i], x, y, t)
		} else {
			dot = symvRow(row[i+1:], x[i+1:], y[i+1:], t)
		}
		y[i] += alpha*dot + t*row[i]
	}
}

// scratchPool holds the scratch matrices of Dsyrk, Dsyr2k and Dtrmm, which
// gonum's LAPACK calls once per panel.
var scratchPool sync.Pool

// getScratch returns a pooled slice of length n (contents undefined).
func getScratch(n int) *[]float64 {
	if p, ok := scratchPool.Get().(*[]float64); ok && cap(*p) >= n {
		*p = (*p)[:n]
		return p
	}
	s := make([]float64, n)
	return &s
}
