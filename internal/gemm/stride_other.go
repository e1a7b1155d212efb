//go:build !amd64 || purego

package gemm

func stride2S(dst, src []float32) { stride2Go(dst, src) }
