package linalg

import (
	"gonum.org/v1/gonum/lapack"
	"gonum.org/v1/gonum/lapack/gonum"

	"github.com/adafisher-go/landscape/internal/gemm"
)

// lapackImpl is gonum's LAPACK, for the panel factorisations.
var lapackImpl gonum.Implementation

// tile is the edge of the blocks of the trailing matrix that stage 1
// updates, in absolute coordinates so that the blocks on the diagonal, which
// are kept whole, are the same blocks from one panel to the next.
const tile = 384

// bandWork holds stage 1's buffers for one matrix order.
type bandWork struct {
	tau, work []float64
	p         []float64 // the panel, contiguous
	v, t, x   []float64 // V (m x b, unit lower trapezoidal), T (b x b), X = V*T
	y, s      []float64 // Y = A*X, then Z; S = V^T*Y, then M = T^T*S
	w1, w2    []float64 // [V Z] and [Z V], m x 2b
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// toBand reduces the symmetric n x n matrix in a (row-major, leading
// dimension lda, lower triangle read and written) to a band of half-width
// b by orthogonal similarities Q^T A Q: afterwards a[i*lda+j] for
// 0 <= i-j <= b is the band and the entries further below the diagonal are
// zero. Entries above the diagonal are scratch.
//
// Panel k (columns k..k+b-1) is factorised Q = I - V T V^T (Householder QR
// of the rows below the band) and the trailing matrix A22 of order m becomes
// Q^T A22 Q = A22 - V Z^T - Z V^T with Y = A22 V T and
// Z = Y - V (T^T V^T Y)/2 (the two-sided update of LAPACK's dsytrd_sy2sb).
// Only the lower triangle of A22 is updated, in row blocks of tile rows that
// each go up to the end of their diagonal block, so both products are
// matrix products.
func toBand(n, b int, a []float64, lda int, wk *bandWork) {
	for k := 0; k+b < n-1; k += b {
		r0 := k + b // first row (and column) of the trailing matrix
		m := n - r0
		kk := min(m, b)
		wk.tau = grow(wk.tau, kk)
		// The panel is factorised in a contiguous copy: in place its rows
		// are lda apart, a page each for a large matrix.
		panel := a[r0*lda+k:]
		p := grow(wk.p, m*b)
		wk.p = p
		for i := range m {
			copy(p[i*b:(i+1)*b], panel[i*lda:i*lda+b])
		}
		query := []float64{0}
		// All b columns: with m < b the last ones are not reduced but
		// still multiplied by Q^T.
		lapackImpl.Dgeqrf(m, b, p, b, wk.tau, query, -1)
		wk.work = grow(wk.work, max(int(query[0]), b))
		lapackImpl.Dgeqrf(m, b, p, b, wk.tau, wk.work, len(wk.work))

		// V, explicit; the panel gets R above its diagonal and zeros below.
		v := grow(wk.v, m*kk)
		wk.v = v
		for i := range m {
			pr := p[i*b : (i+1)*b]
			row := panel[i*lda : i*lda+b]
			vr := v[i*kk : (i+1)*kk]
			for j := range kk {
				switch {
				case j < i:
					vr[j] = pr[j]
					row[j] = 0
				case j == i:
					vr[j] = 1
				default:
					vr[j] = 0
				}
			}
			if i < b {
				copy(row[i:], pr[i:])
			}
		}
		t := grow(wk.t, kk*kk)
		wk.t = t
		clear(t) // Dlarft writes only the upper triangle
		lapackImpl.Dlarft(lapack.Forward, lapack.ColumnWise, m, kk, v, kk, wk.tau, t, kk)

		// X = V T.
		x := grow(wk.x, m*kk)
		wk.x = x
		gemm.Dgemm(false, false, m, kk, kk, 1, v, kk, t, kk, 0, x, kk)

		// Y = A22 X from the lower triangle, one row block at a time: the
		// block's row up to the end of its diagonal block, plus the
		// transpose of the column below it.
		y := grow(wk.y, m*kk)
		wk.y = y
		a22 := a[r0*lda+r0:]
		for i0 := 0; i0 < m; {
			i1 := min(m, (r0+i0)/tile*tile+tile-r0)
			gemm.Dgemm(false, false, i1-i0, kk, i1, 1, a22[i0*lda:], lda, x, kk, 0, y[i0*kk:], kk)
			if i1 < m {
				gemm.Dgemm(true, false, i1-i0, kk, m-i1, 1, a22[i1*lda+i0:], lda, x[i1*kk:], kk, 1, y[i0*kk:], kk)
			}
			i0 = i1
		}

		// M = T^T V^T Y (symmetric), then Z = Y - V M/2 in y.
		s := grow(wk.s, 2*kk*kk)
		wk.s = s
		gemm.Dgemm(true, false, kk, kk, m, 1, v, kk, y, kk, 0, s, kk)
		gemm.Dgemm(true, false, kk, kk, kk, 1, t, kk, s, kk, 0, s[kk*kk:], kk)
		gemm.Dgemm(false, false, m, kk, kk, -0.5, v, kk, s[kk*kk:], kk, 1, y, kk)

		// A22 -= [V Z] [Z V]^T on the lower block triangle.
		w1 := grow(wk.w1, 2*m*kk)
		w2 := grow(wk.w2, 2*m*kk)
		wk.w1, wk.w2 = w1, w2
		for i := range m {
			copy(w1[2*i*kk:], v[i*kk:(i+1)*kk])
			copy(w1[(2*i+1)*kk:], y[i*kk:(i+1)*kk])
			copy(w2[2*i*kk:], y[i*kk:(i+1)*kk])
			copy(w2[(2*i+1)*kk:], v[i*kk:(i+1)*kk])
		}
		for i0 := 0; i0 < m; {
			i1 := min(m, (r0+i0)/tile*tile+tile-r0)
			gemm.Dgemm(false, true, i1-i0, i1, 2*kk, -1, w1[2*i0*kk:], 2*kk, w2, 2*kk, 1, a22[i0*lda:], lda)
			i0 = i1
		}
	}
}
