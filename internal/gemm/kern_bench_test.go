package gemm

import "testing"

func BenchmarkKernel(b *testing.B) {
	for _, cf := range all32 {
		b.Run("f32/"+cf.name, func(b *testing.B) {
			const k = 256
			a := make([]float32, k*cf.mr)
			bb := make([]float32, k*cf.nr)
			c := make([]float32, cf.mr*cf.nr)
			for b.Loop() {
				cf.kern(k, &a[0], 1, cf.mr, &bb[0], &c[0], cf.nr, cf.mr, cf.nr, 1, 1, 1)
			}
			b.ReportMetric(2*float64(k*cf.mr*cf.nr)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
	for _, cf := range all64 {
		b.Run("f64/"+cf.name, func(b *testing.B) {
			const k = 256
			a := make([]float64, k*cf.mr)
			bb := make([]float64, k*cf.nr)
			c := make([]float64, cf.mr*cf.nr)
			for b.Loop() {
				cf.kern(k, &a[0], 1, cf.mr, &bb[0], &c[0], cf.nr, cf.mr, cf.nr, 1, 1, 1)
			}
			b.ReportMetric(2*float64(k*cf.mr*cf.nr)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
