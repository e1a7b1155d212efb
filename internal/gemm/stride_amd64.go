//go:build amd64 && !purego

package gemm

//go:noescape
func stride2AVX2(dst, src *float32, n, srcLen int)

func stride2S(dst, src []float32) {
	if hasAVX2 {
		stride2AVX2(&dst[0], &src[0], len(dst), len(src))
		return
	}
	stride2Go(dst, src)
}
