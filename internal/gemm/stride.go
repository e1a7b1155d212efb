package gemm

// Stride2S sets dst[i] = src[2*i] for i < len(dst): the columns a stride-2
// convolution reads from an input row. src must hold 2*len(dst)-1 values.
// It copies values, so the results are the same bits as the plain loop's.
func Stride2S(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	if len(src) < 2*len(dst)-1 {
		panic("gemm: Stride2S: src shorter than 2*len(dst)-1")
	}
	stride2S(dst, src)
}

func stride2Go(dst, src []float32) {
	if len(dst) == 0 {
		return
	}
	src = src[:2*len(dst)-1]
	for i := range dst {
		dst[i] = src[2*i]
	}
}
