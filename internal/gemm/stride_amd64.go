//go:build amd64 && !purego

package gemm

//go:noescape
func stride2RowsAVX512(dst *float32, ldd int, src *float32, lds int, rows, cols int)

//go:noescape
func addStride2RowsAVX512(dst *float32, ldd int, src *float32, lds int, rows, cols int)

var _, hasAVX512 = features()

func stride2RowsS(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	if hasAVX512 {
		stride2RowsAVX512(&dst[0], ldd, &src[0], lds, rows, cols)
		return
	}
	stride2RowsGo(dst, ldd, src, lds, rows, cols)
}

func addStride2RowsS(dst []float32, ldd int, src []float32, lds int, rows, cols int) {
	if hasAVX512 {
		addStride2RowsAVX512(&dst[0], ldd, &src[0], lds, rows, cols)
		return
	}
	addStride2RowsGo(dst, ldd, src, lds, rows, cols)
}
