package gemm

// AddS sets dst[i] += src[i] for i < len(src) (dst must be as long): the
// accumulation of a convolution's patch gradients into its input gradient,
// vectorised where the CPU allows. Each element takes one rounded addition,
// as the plain loop does, so the results are the same bits.
func AddS(dst, src []float32) {
	if len(dst) < len(src) {
		panic("gemm: AddS: dst shorter than src")
	}
	if len(src) == 0 {
		return
	}
	addS(dst[:len(src)], src)
}

func addGo(dst, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] += v
	}
}
