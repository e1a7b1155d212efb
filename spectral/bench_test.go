package spectral

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

// benchmarkAnalyze times every measure of one n x n factor-like matrix with
// DefaultOptions: the general eigen-solve for the discs, the symmetric
// solves of the clean matrix and of the perturbed matrix in both modes, three
// FFTs, the SNRs and the images.
func benchmarkAnalyze(b *testing.B, n int) {
	in := Input{Name: "factor", Matrix: factorLike(rand.New(rand.NewPCG(1, 1)), n, 0.1)}
	opts := DefaultOptions()
	for b.Loop() {
		if _, err := Analyze(context.Background(), in, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAnalyze1024(b *testing.B) { benchmarkAnalyze(b, 1024) }

// BenchmarkAnalyzeN is BenchmarkAnalyze at the order LANDSCAPE_BENCH_N.
func BenchmarkAnalyzeN(b *testing.B) {
	n, err := strconv.Atoi(os.Getenv("LANDSCAPE_BENCH_N"))
	if err != nil {
		b.Skip("set LANDSCAPE_BENCH_N to the order")
	}
	benchmarkAnalyze(b, n)
}

// BenchmarkAnalyze4608 is a ResNet-18 layer4 factor; it takes minutes, so it
// runs only with LANDSCAPE_BENCH_LARGE=1.
func BenchmarkAnalyze4608(b *testing.B) {
	if os.Getenv("LANDSCAPE_BENCH_LARGE") == "" {
		b.Skip("set LANDSCAPE_BENCH_LARGE=1 to run")
	}
	benchmarkAnalyze(b, 4608)
}

func BenchmarkFFT2_1024(b *testing.B) {
	a := factorLike(rand.New(rand.NewPCG(1, 1)), 1024, 0.1)
	for b.Loop() {
		FFT2(a)
	}
}
