package spectral

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/gersgorin"
	"gonum.org/v1/gonum/mat"
)

// factorLike returns a symmetric positive definite n x n matrix with a heavy
// diagonal, like a Kronecker factor: X^T X / m + d I.
func factorLike(rng *rand.Rand, n int, d float64) *mat.Dense {
	x := mat.NewDense(2*n, n, nil)
	for i := range 2 * n {
		for j := range n {
			x.Set(i, j, rng.NormFloat64())
		}
	}
	var a mat.Dense
	a.Mul(x.T(), x)
	a.Scale(1/float64(2*n), &a)
	for i := range n {
		a.Set(i, i, a.At(i, i)+d)
	}
	// Mul's rounding can differ between (i, j) and (j, i); make it exact.
	for i := range n {
		for j := range i {
			a.Set(j, i, a.At(i, j))
		}
	}
	return &a
}

func analyzeOne(t *testing.T, in Input, opts Options) Result {
	t.Helper()
	r, err := Analyze(context.Background(), in, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// With sigma 0 the perturbation changes nothing, in either mode.
func TestAnalyzeSigmaZero(t *testing.T) {
	a := factorLike(rand.New(rand.NewPCG(1, 1)), 12, 1)
	r := analyzeOne(t, Input{Name: "a", Matrix: a}, Options{Sigma: 0, Images: true})
	for _, mr := range r.Modes {
		if !slices.Equal(mr.Clean, mr.Perturbed) || mr.MaxAbsShift != 0 || mr.KaiserClean != mr.KaiserPerturbed {
			t.Errorf("%s: sigma 0 moved eigenvalues by %v", mr.Mode, mr.MaxAbsShift)
		}
		if !equalFloats(mr.Spectrum.Data, mr.PerturbedSpectrum.Data) {
			t.Errorf("%s: sigma 0 changed the spectrum", mr.Mode)
		}
	}
	// Without noise the reference SNR sees only M's upper triangle, over n^2
	// instead of n(n-1)/2 entries: higher by 10 log10(2n/(n-1)).
	ref, _ := r.Mode(Reference)
	cor, _ := r.Mode(Corrected)
	if diff := float64(ref.SNR - cor.SNR); math.Abs(diff-10*math.Log10(24.0/11)) > 1e-9 {
		t.Errorf("reference - corrected SNR = %v dB, want %v", diff, 10*math.Log10(24.0/11))
	}
	if !math.IsInf(float64(*cor.NoiseSNR), 1) || ref.NoiseSNR != nil {
		t.Errorf("noise SNR: corrected %v (want +Inf), reference %v (want none)", *cor.NoiseSNR, ref.NoiseSNR)
	}
}

func TestAnalyzeDiagonal(t *testing.T) {
	diag := []float64{0.5, 1, 2, 3, 8.5}
	a := mat.NewDense(5, 5, nil)
	for i, v := range diag {
		a.Set(i, i, v)
	}
	r := analyzeOne(t, Input{Name: "d", Layer: "fc", Step: 3, Side: "A", Matrix: a}, Options{Sigma: 1e-3, Seed: 9})
	if r.N != 5 || r.InsideFraction != 1 || r.DominantFraction != 1 || r.DiagonalShare != 1 {
		t.Errorf("n %d inside %v dominant %v share %v", r.N, r.InsideFraction, r.DominantFraction, r.DiagonalShare)
	}
	if !slices.Equal(r.Discs.Centres, diag) || !slices.Equal(r.Eigenvalues.Real(), diag) {
		t.Errorf("centres %v eigenvalues %v", r.Discs.Centres, r.Eigenvalues)
	}
	for _, mr := range r.Modes {
		// Above 1: 2, 3, 8.5. Mean 3: only 8.5.
		if mr.KaiserClean.AboveOne != 3 || mr.KaiserClean.AboveMean != 1 || mr.KaiserClean.Mean != 3 {
			t.Errorf("%s: Kaiser %+v", mr.Mode, mr.KaiserClean)
		}
		if mr.MaxAbsShift == 0 || mr.MaxAbsShift > 0.05 {
			t.Errorf("%s: shift %v for sigma 1e-3", mr.Mode, mr.MaxAbsShift)
		}
	}
	if cor, _ := r.Mode(Corrected); !math.IsInf(float64(cor.SNR), 1) {
		t.Errorf("corrected SNR of a diagonal matrix = %v, want +Inf", cor.SNR)
	}
	if ref, _ := r.Mode(Reference); math.IsInf(float64(ref.SNR), 0) || ref.SNR < 50 {
		t.Errorf("reference SNR (noise only in the upper triangle) = %v", ref.SNR)
	}
	if r.Layer != "fc" || r.Step != 3 || r.Side != "A" || r.Seconds <= 0 {
		t.Errorf("labels %+v", r)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("JSON: %v", err)
	}
}

// A non-symmetric matrix: each mode's solver sees its own symmetric matrix.
func TestAnalyzeNonSymmetric(t *testing.T) {
	a := mat.NewDense(3, 3, []float64{4, 9, 9, 1, 3, 9, 0, 0.5, 1})
	r := analyzeOne(t, Input{Name: "n", Matrix: a}, Options{Modes: []Mode{Corrected, Reference}, Sigma: 0})
	if r.Modes[0].Mode != Corrected || r.Modes[1].Mode != Reference {
		t.Fatalf("modes out of order: %v, %v", r.Modes[0].Mode, r.Modes[1].Mode)
	}
	lower, _ := gersgorin.SymmetricEigenvalues(mat.NewDense(3, 3, []float64{4, 1, 0, 1, 3, 0.5, 0, 0.5, 1}), gersgorin.Corrected)
	part, _ := gersgorin.SymmetricEigenvalues(mat.NewDense(3, 3, []float64{4, 5, 4.5, 5, 3, 4.75, 4.5, 4.75, 1}), gersgorin.Corrected)
	ref, _ := r.Mode(Reference)
	cor, _ := r.Mode(Corrected)
	if !slices.Equal(ref.Clean, lower) || !slices.Equal(cor.Clean, part) {
		t.Errorf("reference %v (want %v), corrected %v (want %v)", ref.Clean, lower, cor.Clean, part)
	}
	if r.InsideFraction != 1 {
		t.Errorf("inside fraction %v", r.InsideFraction)
	}
}

func TestAnalyzeDeterministicBySeed(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	a, b := factorLike(rng, 10, 0.1), factorLike(rng, 7, 0.1)
	run := func(opts Options, inputs ...Input) map[string]string {
		rs, err := AnalyzeBatch(context.Background(), inputs, opts, nil)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, r := range rs {
			r.Seconds = 0
			j, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			out[r.Name] = string(j)
		}
		return out
	}
	ia, ib := Input{Name: "a", Matrix: a}, Input{Name: "b", Matrix: b}
	first := run(Options{Sigma: 1e-2, Seed: 5}, ia, ib)
	for name, again := range map[string]map[string]string{
		"same seed":     run(Options{Sigma: 1e-2, Seed: 5}, ia, ib),
		"reversed":      run(Options{Sigma: 1e-2, Seed: 5}, ib, ia),
		"one worker":    run(Options{Sigma: 1e-2, Seed: 5, Workers: 1}, ia, ib),
		"alone":         run(Options{Sigma: 1e-2, Seed: 5}, ib),
		"three workers": run(Options{Sigma: 1e-2, Seed: 5, Workers: 3}, ia, ib),
	} {
		for n, j := range again {
			if j != first[n] {
				t.Errorf("%s: matrix %s differs", name, n)
			}
		}
	}
	if other := run(Options{Sigma: 1e-2, Seed: 6}, ia, ib); other["a"] == first["a"] {
		t.Error("a different seed gave the same result")
	}
}

func TestAnalyzeImages(t *testing.T) {
	a := factorLike(rand.New(rand.NewPCG(3, 3)), 20, 1)
	r := analyzeOne(t, Input{Name: "a", Matrix: a}, Options{Sigma: 1e-2, Images: true, MaxImageSide: 8})
	// Blocks of ceil(20/8) = 3 pixels: 7x7 images.
	for name, im := range map[string]Image{"matrix": r.MatrixImage, "spectrum": r.Modes[0].Spectrum, "perturbed": r.Modes[1].PerturbedSpectrum} {
		if im.Rows != 7 || im.Cols != 7 || len(im.Data) != 49 {
			t.Errorf("%s image %dx%d", name, im.Rows, im.Cols)
		}
	}
	// The same spectrum in two units: 20 ln|F| = ln(10) * 20 log10|F|.
	ref, cor := r.Modes[0].Spectrum, r.Modes[1].Spectrum
	for k := range ref.Data {
		if math.Abs(ref.Data[k]-math.Ln10*cor.Data[k]) > 1e-9*max(1, math.Abs(ref.Data[k])) {
			t.Fatalf("pixel %d: %v vs %v", k, ref.Data[k], cor.Data[k])
		}
	}
	full := analyzeOne(t, Input{Name: "a", Matrix: a}, Options{Sigma: 1e-2, Images: true})
	if full.MatrixImage.Rows != 20 || full.Modes[0].PerturbedSpectrum.Rows != 20 {
		t.Error("MaxImageSide 0 should keep full resolution")
	}
	none := analyzeOne(t, Input{Name: "a", Matrix: a}, Options{Sigma: 1e-2})
	if none.MatrixImage.Data != nil || none.Modes[0].Spectrum.Data != nil {
		t.Error("images kept without Options.Images")
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	good := mat.NewDense(2, 2, []float64{1, 0, 0, 1})
	nan := mat.NewDense(2, 2, []float64{1, math.NaN(), 0, 1})
	tests := []struct {
		name   string
		inputs []Input
		opts   Options
		want   string
	}{
		{"non-square", []Input{{Name: "g", Matrix: good}, {Name: "layer1.A", Matrix: mat.NewDense(2, 3, nil)}}, Options{}, "layer1.A: matrix is 2x3, not square"},
		{"NaN", []Input{{Name: "fc.G", Matrix: nan}}, Options{}, "fc.G: entry (0, 1) is NaN"},
		{"nil", []Input{{Name: "x"}}, Options{}, "x: empty matrix"},
		{"duplicate names", []Input{{Name: "g", Matrix: good}, {Name: "g", Matrix: good}}, Options{}, `two matrices named "g"`},
		{"bad mode", []Input{{Name: "g", Matrix: good}}, Options{Modes: []Mode{"both"}}, "mode"},
		{"no modes", []Input{{Name: "g", Matrix: good}}, Options{Modes: []Mode{}}, "no modes"},
		{"repeated mode", []Input{{Name: "g", Matrix: good}}, Options{Modes: []Mode{Reference, Reference}}, "repeated"},
		{"negative sigma", []Input{{Name: "g", Matrix: good}}, Options{Sigma: -1}, "sigma"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := AnalyzeBatch(context.Background(), tt.inputs, tt.opts, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
			if rs != nil {
				t.Error("results returned with an error")
			}
		})
	}
}

// A symmetric factor is solved once for its discs' eigenvalues and its
// clean spectrum: both are the general solver's values, and the clean
// values are the same in both modes.
func TestAnalyzeSymmetricSolvedOnce(t *testing.T) {
	a := factorLike(rand.New(rand.NewPCG(6, 6)), 50, 0.3)
	r, err := Analyze(context.Background(), Input{Name: "f", Matrix: a}, Options{Sigma: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	want, err := gersgorin.GeneralEigenvalues(a)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Eigenvalues, want) {
		t.Errorf("eigenvalues %v, general solver %v", r.Eigenvalues[:3], want[:3])
	}
	for _, m := range r.Modes {
		if !slices.Equal(m.Clean, want.Real()) {
			t.Errorf("%s clean eigenvalues differ from the general solver's", m.Mode)
		}
	}
}
