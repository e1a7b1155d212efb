package gemm

import "testing"

func BenchmarkPackB(b *testing.B) {
	const k, n = 25088, 144
	src := fill32(k * n)
	cf := cfg32
	dst := make([]float32, cf.kc*160)
	for b.Loop() {
		for pc := 0; pc < k; pc += cf.kc {
			kb := min(cf.kc, k-pc)
			cf.packB(dst, src, n, false, pc, kb, 0, n)
		}
	}
	b.ReportMetric(float64(k*n*4)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
}

func BenchmarkMemmove(b *testing.B) {
	const k, n = 25088, 144
	src := fill32(k * n)
	dst := make([]float32, 256*144)
	for b.Loop() {
		for pc := 0; pc < k; pc += 256 {
			copy(dst, src[pc*n:min(k, pc+256)*n])
		}
	}
	b.ReportMetric(float64(k*n*4)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
}
