//go:build !amd64 || purego

package gemm

func init() {
	cfg32, cfg64 = go32, go64
	all32, all64 = []*config[float32]{go32}, []*config[float64]{go64}
}
