package gemm

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// workloadShapes are the products of the standard training workloads, as
// nn calls them: the MLP 784-256-128-10 and the CNN of nn's zoo at batch
// 128, then a square.
var workloadShapes = []struct {
	name    string
	ta, tb  bool
	m, n, k int
	beta    float32
}{
	{"mlp_fc1_fwd", false, true, 128, 256, 784, 1},
	{"mlp_fc1_dW", true, false, 256, 784, 128, 1},
	{"mlp_fc2_fwd", false, true, 128, 128, 256, 1},
	{"mlp_fc2_dW", true, false, 128, 256, 128, 1},
	{"mlp_fc2_dx", false, false, 128, 256, 128, 0},
	{"mlp_fc3_fwd", false, true, 128, 10, 128, 1},
	{"mlp_fc3_dW", true, false, 10, 128, 128, 1},
	{"mlp_fc3_dx", false, false, 128, 128, 10, 0},
	{"conv1_fwd", false, false, 100352, 16, 9, 0},
	{"conv1_fwdT", false, true, 100352, 16, 9, 0},
	{"conv1_dW", true, false, 9, 16, 100352, 0},
	{"conv1_dWT", true, false, 16, 9, 100352, 1},
	{"conv2_fwd", false, true, 25088, 32, 144, 0},
	{"conv2_dW", true, false, 32, 144, 25088, 1},
	{"conv2_dx", false, false, 25088, 144, 32, 0},
	{"cnn_fc_fwd", false, true, 128, 10, 1568, 1},
	{"cnn_fc_dW", true, false, 10, 1568, 128, 1},
	{"square1024", false, false, 1024, 1024, 1024, 0},
}

// BenchmarkGemm times each workload shape in float32 and float64 with this
// package and with gonum: go test -bench Gemm ./internal/gemm/
func BenchmarkGemm(b *testing.B) {
	for _, s := range workloadShapes {
		lda, ldb := s.k, s.n
		if s.ta {
			lda = s.m
		}
		if s.tb {
			ldb = s.k
		}
		ta, tb := blas.NoTrans, blas.NoTrans
		if s.ta {
			ta = blas.Trans
		}
		if s.tb {
			tb = blas.Trans
		}
		var impl gonum.Implementation
		flops := 2 * float64(s.m) * float64(s.n) * float64(s.k)
		for _, dt := range []string{"f32", "f64"} {
			for _, lib := range []string{"gemm", "gonum"} {
				b.Run(fmt.Sprintf("%s/%s/%s", s.name, dt, lib), func(b *testing.B) {
					var f func()
					if dt == "f32" {
						a, bb, c := fill32(s.m*s.k), fill32(s.k*s.n), fill32(s.m*s.n)
						f = func() { Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, s.beta, c, s.n) }
						if lib == "gonum" {
							f = func() { impl.Sgemm(ta, tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, s.beta, c, s.n) }
						}
					} else {
						a, bb, c := fill64(s.m*s.k), fill64(s.k*s.n), fill64(s.m*s.n)
						beta := float64(s.beta)
						f = func() { Dgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, beta, c, s.n) }
						if lib == "gonum" {
							f = func() { impl.Dgemm(ta, tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, beta, c, s.n) }
						}
					}
					f()
					b.ReportAllocs()
					b.ResetTimer()
					for b.Loop() {
						f()
					}
					b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
				})
			}
		}
	}
}

func fill32(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%17)/17 - 0.5
	}
	return x
}

func fill64(n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(i%17)/17 - 0.5
	}
	return x
}

// BenchmarkKernel times the micro-kernels alone on L1-resident panels: the
// ceiling of each configuration.
func BenchmarkKernel(b *testing.B) {
	for _, cf := range all32 {
		b.Run("f32/"+cf.name, func(b *testing.B) { benchKernel(b, cf) })
	}
	for _, cf := range all64 {
		b.Run("f64/"+cf.name, func(b *testing.B) { benchKernel(b, cf) })
	}
}

func benchKernel[T float](b *testing.B, cf *config[T]) {
	const k = 256
	a, bb, c := make([]T, k*cf.mr), make([]T, k*cf.nr), make([]T, cf.mr*cf.nr)
	for b.Loop() {
		cf.kern(k, &a[0], 1, cf.mr, &bb[0], &c[0], cf.nr, cf.mr, cf.nr, 1, 1, 1)
	}
	b.ReportMetric(2*float64(k*cf.mr*cf.nr)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
