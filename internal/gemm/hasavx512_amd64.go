//go:build amd64 && !purego

package gemm

// HasAVX512 reports whether this CPU and OS run AVX-512F instructions (and
// AVX2 with FMA), by the test the micro-kernels are chosen with, for other
// packages' assembly.
func HasAVX512() bool { return hasAVX512 }
