package gersgorin

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPerturbSigmaZeroChangesNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	a := randomMatrix(rng, 30, 1, true)
	for _, mode := range []Mode{Reference, Corrected} {
		noisy, noise, err := Perturb(a, 0, rng, mode)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(noisy, a) || mat.Norm(noise, 1) != 0 {
			t.Errorf("%s: sigma 0 changed the matrix", mode)
		}
		p, err := PerturbationTest(a, 0, rng, mode)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Clean, p.Perturbed) || p.MaxAbsShift != 0 || p.KaiserClean != p.KaiserPerturbed {
			t.Errorf("%s: sigma 0 moved eigenvalues by up to %v", mode, p.MaxAbsShift)
		}
	}
}

func TestPerturbNoiseStructure(t *testing.T) {
	const n, sigma = 200, 0.25
	rng := rand.New(rand.NewPCG(8, 9))
	a := randomMatrix(rng, n, 1, true)
	for _, mode := range []Mode{Reference, Corrected} {
		noisy, noise, err := Perturb(a, sigma, rng, mode)
		if err != nil {
			t.Fatal(err)
		}
		var sumSq float64
		symmetric := true
		for i := range n {
			if noise.At(i, i) != 0 || noisy.At(i, i) != a.At(i, i) {
				t.Fatalf("%s: diagonal touched at %d", mode, i)
			}
			for j := range n {
				if j == i {
					continue
				}
				e := noise.At(i, j)
				sumSq += e * e
				if noisy.At(i, j) != a.At(i, j)+e {
					t.Fatalf("%s: noisy != a + noise at (%d, %d)", mode, i, j)
				}
				if e != noise.At(j, i) || noisy.At(i, j) != noisy.At(j, i) {
					symmetric = false
				}
			}
		}
		if symmetric != (mode == Corrected) {
			t.Errorf("%s: noisy matrix symmetric = %v", mode, symmetric)
		}
		// n(n-1) = 39800 entries: the sample std is within 2% of sigma.
		if std := math.Sqrt(sumSq / (n * (n - 1))); math.Abs(std-sigma) > 0.02*sigma {
			t.Errorf("%s: noise std %v, want %v", mode, std, sigma)
		}
	}
}

// Corrected mode perturbs the symmetric part of a non-symmetric input.
func TestPerturbCorrectedSymmetrizes(t *testing.T) {
	a := denseOf([][]float64{{1, 2}, {4, 3}})
	noisy, _, err := Perturb(a, 0, rand.New(rand.NewPCG(1, 1)), Corrected)
	if err != nil {
		t.Fatal(err)
	}
	if want := denseOf([][]float64{{1, 3}, {3, 3}}); !mat.Equal(noisy, want) {
		t.Errorf("got %v", mat.Formatted(noisy))
	}
}

func TestPerturbDeterministicBySeed(t *testing.T) {
	a := randomMatrix(rand.New(rand.NewPCG(1, 2)), 25, 1, true)
	run := func(seed uint64, mode Mode) Perturbation {
		p, err := PerturbationTest(a, 1e-2, rand.New(rand.NewPCG(seed, 0)), mode)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, mode := range []Mode{Reference, Corrected} {
		first, again, other := run(42, mode), run(42, mode), run(43, mode)
		if !slices.Equal(first.Perturbed, again.Perturbed) {
			t.Errorf("%s: same seed, different eigenvalues", mode)
		}
		if slices.Equal(first.Perturbed, other.Perturbed) {
			t.Errorf("%s: different seeds, same eigenvalues", mode)
		}
		if first.MaxAbsShift == 0 || first.MaxAbsShift > 1 {
			t.Errorf("%s: max shift %v for sigma 1e-2", mode, first.MaxAbsShift)
		}
	}
}

func TestKaiserCountsDiagonal(t *testing.T) {
	tests := []struct {
		name string
		diag []float64
		want Kaiser
	}{
		// Eigenvalue exactly 1 is not above 1; mean 16/5 = 3.2.
		{"mixed", []float64{10, 0.5, 1, 3, 1.5}, Kaiser{AboveOne: 3, AboveMean: 1, Mean: 3.2}},
		// A scaled-down factor: nothing above 1, yet half above its mean.
		{"small scale", []float64{1e-3, 2e-3, 3e-3, 4e-3}, Kaiser{AboveOne: 0, AboveMean: 2, Mean: 2.5e-3}},
		{"identity", []float64{1, 1, 1}, Kaiser{AboveOne: 0, AboveMean: 0, Mean: 1}},
		{"negative", []float64{-2, 4}, Kaiser{AboveOne: 1, AboveMean: 1, Mean: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := len(tt.diag)
			a := mat.NewDense(n, n, nil)
			for i, v := range tt.diag {
				a.Set(i, i, v)
			}
			p, err := PerturbationTest(a, 0, rand.New(rand.NewPCG(1, 1)), Reference)
			if err != nil {
				t.Fatal(err)
			}
			got := p.KaiserClean
			if got.AboveOne != tt.want.AboveOne || got.AboveMean != tt.want.AboveMean || !closeTo(got.Mean, tt.want.Mean, 1e-15) {
				t.Errorf("Kaiser = %+v, want %+v", got, tt.want)
			}
			sorted := slices.Clone(tt.diag)
			slices.Sort(sorted)
			if !slices.Equal(p.Clean, sorted) {
				t.Errorf("eigenvalues %v, want %v", p.Clean, sorted)
			}
		})
	}
	if (KaiserCounts(nil) != Kaiser{}) {
		t.Error("KaiserCounts(nil) should be zero")
	}
}

func TestNewPerturbationLengthMismatch(t *testing.T) {
	if _, err := NewPerturbation(Reference, 1, []float64{1}, nil); err == nil {
		t.Error("no error")
	}
}

// The draws go row by row, column by column: every off-diagonal entry in
// Reference, every pair i < j in Corrected, and the noisy matrix is a plus
// the noise (Corrected: its symmetric part plus the noise), exactly.
func TestPerturbDrawOrder(t *testing.T) {
	a := randomMatrix(rand.New(rand.NewPCG(1, 1)), 70, 1, false)
	for _, mode := range []Mode{Reference, Corrected} {
		noisy, noise, err := Perturb(a, 0.1, rand.New(rand.NewPCG(5, 5)), mode)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(5, 5))
		for i := range 70 {
			for j := range 70 {
				if i == j || (mode == Corrected && j < i) {
					continue
				}
				e := 0.1 * rng.NormFloat64()
				want := a.At(i, j) + e
				if mode == Corrected {
					want = 0.5*(a.At(i, j)+a.At(j, i)) + e
					if noise.At(j, i) != e || noisy.At(j, i) != want {
						t.Fatalf("%s: (%d, %d) not mirrored", mode, j, i)
					}
				}
				if noise.At(i, j) != e || noisy.At(i, j) != want {
					t.Fatalf("%s: (%d, %d) = %v, %v; want %v, %v", mode, i, j, noise.At(i, j), noisy.At(i, j), e, want)
				}
			}
			if noisy.At(i, i) != a.At(i, i) || noise.At(i, i) != 0 {
				t.Fatalf("%s: diagonal %d changed", mode, i)
			}
		}
	}
}
