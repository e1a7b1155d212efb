//go:build !amd64 || purego

package gemm

func stride2RowsS(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	stride2RowsGo(dst, ldd, src, lds, rows, cols)
}

func addStride2RowsS(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	addStride2RowsGo(dst, ldd, src, lds, rows, cols)
}
