//go:build !amd64 || purego

package gemm

func addS(dst, src []float32) { addGo(dst, src) }
