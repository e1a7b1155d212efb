package gemm

import "fmt"

// An indirect product reads its left operand A (m x k) by columns stored at
// scattered offsets, A[i][p] = a[offs[p]+i]: column p of a convolution's
// patch matrix (transposed) is its zero-padded input shifted by the
// kernel entry of p, so the product runs on the padded input itself and no
// patch matrix is built. The kernels are the 14-row AVX-512 ones, walking
// offs instead of a constant column stride.

// indKernelFunc is an indirect micro-kernel: kernelFunc with offs in place
// of rsa (csa unused), broadcasting a[offs[p]+i].
type indKernelFunc func(k int, a *float32, offs *int, unused int, b, c *float32, ldc, m, n int, alpha, beta float32, load int)

// indirect is an indirect kernel with the configuration whose blocking and
// B packing it shares.
type indirect struct {
	cf   *config[float32]
	kern indKernelFunc
}

// The indirect kernels in use (nil without AVX-512): one for n <= 16, one
// for wider products.
var indNarrow, indWide *indirect

// IndirectS reports whether SgemmIndirectSerial runs on this machine.
func IndirectS() bool { return indWide != nil }

// SgemmIndirectSerial computes C = alpha*A*op(B) + beta*C in float32 on the
// calling goroutine, where A is m x k with A[i][p] = a[offs[p]+i], op(B) is
// k x n (B or its transpose, row-major with leading dimension ldb) and C is
// m x n with leading dimension ldc; when beta is 0, C is not read. The
// kernels read whole tiles of 14 rows, so a must hold roundUp(m, 14)
// values from every offs[p]. It panics on inconsistent sizes, and when
// IndirectS is false.
func SgemmIndirectSerial(m, n, k int, alpha float32, a []float32, offs []int, transB bool, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if indWide == nil {
		panic("gemm: SgemmIndirectSerial: no indirect kernel on this machine (IndirectS)")
	}
	if m < 0 || n < 0 || k < 0 || len(offs) < k {
		panic(fmt.Sprintf("gemm: SgemmIndirectSerial: m=%d n=%d k=%d with %d offsets", m, n, k, len(offs)))
	}
	if ldc < max(1, n) || (m > 0 && len(c) < (m-1)*ldc+n) {
		panic(fmt.Sprintf("gemm: SgemmIndirectSerial: len(c)=%d, ldc=%d for %dx%d", len(c), ldc, m, n))
	}
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	checkOperand("b", transB, k, n, b, ldb)
	ic := indWide
	if n <= indNarrow.cf.nr {
		ic = indNarrow
	}
	cf := ic.cf
	mr, nr := cf.mr, cf.nr
	span := roundUp(m, mr)
	for p, o := range offs[:k] {
		if o < 0 || o+span > len(a) {
			panic(fmt.Sprintf("gemm: SgemmIndirectSerial: offs[%d]=%d: want 0 <= offs[p] and offs[p]+%d <= len(a)=%d", p, o, span, len(a)))
		}
	}
	cx := getCtx()
	defer putCtx(cx)
	bf := bufsOf[float32](cx)
	for jc := 0; jc < n; jc += cf.nc {
		nb := min(cf.nc, n-jc)
		for pc := 0; pc < k; pc += cf.kc {
			kb := min(cf.kc, k-pc)
			bp := bf.b.get(kb * roundUp(nb, nr))
			cf.packB(bp, b, ldb, transB, pc, kb, jc, nb)
			bet, load := float32(1), 1
			if pc == 0 {
				bet = beta
				if beta == 0 {
					load = 0
				}
			}
			for ir := 0; ir < m; ir += mr {
				for jr := 0; jr < nb; jr += nr {
					ic.kern(kb, &a[ir], &offs[pc], 0, &bp[jr*kb], &c[ir*ldc+jc+jr], ldc, min(mr, m-ir), min(nr, nb-jr), alpha, bet, load)
				}
			}
		}
	}
}

// TransposeS sets dst[p*ldd+i] = src[i*lds+p] for i < rows, p < cols, with
// the vector transposes of the packing routines.
func TransposeS(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	if ldd < rows || lds < cols || len(dst) < (cols-1)*ldd+rows || len(src) < (rows-1)*lds+cols {
		panic(fmt.Sprintf("gemm: TransposeS: %dx%d with len(dst)=%d, ldd=%d, len(src)=%d, lds=%d", rows, cols, len(dst), ldd, len(src), lds))
	}
	cfg32.transpose(dst, ldd, src, 0, lds, rows, cols, rows)
}
