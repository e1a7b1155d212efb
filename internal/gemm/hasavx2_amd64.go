//go:build amd64 && !purego

package gemm

// HasAVX2FMA reports whether this CPU and OS run AVX2 and FMA instructions,
// by the test the micro-kernels are chosen with, for other packages'
// assembly.
func HasAVX2FMA() bool {
	avx2, _ := features()
	return avx2
}
