package gemm

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func init() {
	get := func(k string, v *int) {
		if s := os.Getenv(k); s != "" {
			*v, _ = strconv.Atoi(s)
		}
	}
	get("GEMM_DIRECTN", &directN)
	get("GEMM_KC", &cfg32.kc)
	get("GEMM_MC", &cfg32.mc)
	get("GEMM_NC", &cfg32.nc)
	get("GEMM_KC64", &cfg64.kc)
	get("GEMM_MC64", &cfg64.mc)
	get("GEMM_NC64", &cfg64.nc)
	get("GEMM_PARMIN", &parallelMin)
	if os.Getenv("GEMM_NOKERN") != "" {
		cfg32.kern = func(k int, a *float32, rsa, csa int, b, c *float32, ldc, m, n int, alpha, beta float32, load int) {}
	}
	if os.Getenv("GEMM_NOCOPY") != "" {
		cfg32.copy = func(dst *float32, ldd int, src *float32, lds int, rows, cols, width int) {}
	}
}

func cpuTime() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// BenchmarkTune reports CPU time per op of the workload shapes (for tuning
// on a busy machine).
func BenchmarkTune(b *testing.B) {
	re := os.Getenv("GEMM_SHAPES")
	for _, s := range workloadShapes {
		ok := re == ""
		for _, f := range strings.Fields(re) {
			ok = ok || strings.HasPrefix(s.name, f)
		}
		if !ok {
			continue
		}
		lda, ldb := s.k, s.n
		if s.ta {
			lda = s.m
		}
		if s.tb {
			ldb = s.k
		}
		b.Run(s.name, func(b *testing.B) {
			a, bb, c := fill32(s.m*s.k), fill32(s.k*s.n), fill32(s.m*s.n)
			f := func() { Sgemm(s.ta, s.tb, s.m, s.n, s.k, 1, a, lda, bb, ldb, s.beta, c, s.n) }
			f()
			t0 := cpuTime()
			for b.Loop() {
				f()
			}
			cpu := cpuTime() - t0
			b.ReportMetric(cpu/float64(b.N)*1e6, "cpu-us/op")
			b.ReportMetric(2*float64(s.m*s.n)*float64(s.k)*float64(b.N)/cpu/1e9, "cpuGF/s")
		})
	}
}
