package spectral_test

import (
	"context"
	"fmt"
	"log"

	"gonum.org/v1/gonum/mat"

	"github.com/adafisher-go/landscape/spectral"
)

// The centred spectrum of a constant matrix has one non-zero coefficient,
// n*m*c, at (n/2, m/2).
func ExampleFFT2() {
	a := mat.NewDense(3, 4, []float64{
		2, 2, 2, 2,
		2, 2, 2, 2,
		2, 2, 2, 2,
	})
	s := spectral.FFT2(a)
	fmt.Println(s.At(1, 2))
	fmt.Printf("%.4f dB\n", s.Magnitude(spectral.Corrected).At(1, 2))
	// Output:
	// (24+0i)
	// 27.6042 dB
}

// Analyse two factors of one layer at two steps and follow the diagonal
// share over training.
func ExampleAnalyzeBatch() {
	factor := func(off float64) *mat.Dense {
		return mat.NewDense(3, 3, []float64{
			2, off, 0,
			off, 2, off,
			0, off, 2,
		})
	}
	inputs := []spectral.Input{
		{Name: "fc1.A@100", Layer: "fc1", Side: "A", Step: 100, Matrix: factor(1)},
		{Name: "fc1.A@200", Layer: "fc1", Side: "A", Step: 200, Matrix: factor(0.5)},
	}
	results, err := spectral.AnalyzeBatch(context.Background(), inputs, spectral.Options{Sigma: 1e-3, Seed: 1}, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range results {
		ref, _ := r.Mode(spectral.Reference)
		cor, _ := r.Mode(spectral.Corrected)
		fmt.Printf("%s: dominant rows %.2f, diagonal share %.3f, SNR %.2f dB (reference), %.2f dB (corrected)\n",
			r.Name, r.DominantFraction, r.DiagonalShare, ref.SNR, cor.SNR)
	}
	for _, s := range spectral.SeriesByLayer(results, spectral.DiagonalShareOf) {
		fmt.Println(s.Layer, s.Side, s.Steps, s.Values)
	}
	// Output:
	// fc1.A@100: dominant rows 1.00, diagonal share 0.750, SNR 12.55 dB (reference), 7.78 dB (corrected)
	// fc1.A@200: dominant rows 1.00, diagonal share 0.923, SNR 18.56 dB (reference), 13.80 dB (corrected)
	// fc1 A [100 200] [0.75 0.9230769230769231]
}
