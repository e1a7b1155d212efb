//go:build amd64 && !purego

package gemm

//go:noescape
func addAVX2(dst, src *float32, n int)

var hasAVX2, _ = features()

func addS(dst, src []float32) {
	if hasAVX2 {
		addAVX2(&dst[0], &src[0], len(src))
		return
	}
	addGo(dst, src)
}
