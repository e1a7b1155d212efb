//go:build !amd64 || purego

package gemm

// HasAVX2FMA reports whether this CPU and OS run AVX2 and FMA instructions:
// never without the amd64 assembly.
func HasAVX2FMA() bool { return false }
