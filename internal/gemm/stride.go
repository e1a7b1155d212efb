package gemm

import "fmt"

// The column gathers of a stride-2 convolution and their adjoint: the
// patch rows read every other input column, and their gradients add back
// into every other column. Both move values (one rounded addition per
// element for the adjoint, in the plain loop's order), so their results
// are the plain loops' bits.

// Stride2RowsS sets dst[r*ldd+t] = src[r*lds+2*t] for r < rows, t < cols.
func Stride2RowsS(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	checkStride2("Stride2RowsS", len(dst), ldd, len(src), lds, rows, cols)
	stride2RowsS(dst, ldd, src, lds, rows, cols)
}

// AddStride2RowsS sets dst[r*ldd+2*t] += src[r*lds+t] for r < rows, t <
// cols: the adjoint of Stride2RowsS.
func AddStride2RowsS(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	if rows <= 0 || cols <= 0 {
		return
	}
	checkStride2("AddStride2RowsS", len(src), lds, len(dst), ldd, rows, cols)
	addStride2RowsS(dst, ldd, src, lds, rows, cols)
}

// checkStride2 panics unless the dense operand (nd values, stride ld) holds
// rows x cols and the strided one (ns values, stride ls) rows x 2*cols-1.
func checkStride2(name string, nd, ld, ns, ls, rows, cols int) {
	if ld < cols || nd < (rows-1)*ld+cols || ls < 2*cols-1 || ns < (rows-1)*ls+2*cols-1 {
		panic(fmt.Sprintf("gemm: %s: %d x %d rows do not fit (dense %d values, stride %d; strided %d values, stride %d)",
			name, rows, cols, nd, ld, ns, ls))
	}
}

func stride2RowsGo(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	for r := 0; r < rows; r++ {
		s := src[r*lds : r*lds+2*cols-1]
		for t := range dst[r*ldd : r*ldd+cols] {
			dst[r*ldd+t] = s[2*t]
		}
	}
}

func addStride2RowsGo(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	for r := 0; r < rows; r++ {
		d := dst[r*ldd : r*ldd+2*cols-1]
		for t, v := range src[r*lds : r*lds+cols] {
			d[2*t] += v
		}
	}
}
