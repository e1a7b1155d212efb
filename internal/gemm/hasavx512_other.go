//go:build !amd64 || purego

package gemm

// HasAVX512 reports whether this CPU and OS run AVX-512F instructions:
// never without the amd64 assembly.
func HasAVX512() bool { return false }
