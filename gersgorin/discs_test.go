package gersgorin

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestNewDiscs(t *testing.T) {
	tests := []struct {
		name             string
		rows             [][]float64
		centres, radii   []float64
		dominantFraction float64
	}{
		{"1x1", [][]float64{{-4}}, []float64{-4}, []float64{0}, 1},
		{"hand 3x3", [][]float64{
			{2, -1, 0},
			{0.5, -3, 1},
			{0, 0, 0}, // a row of zeros is (weakly) dominant
		}, []float64{2, -3, 0}, []float64{1, 1.5, 0}, 1},
		{"one row not dominant", [][]float64{
			{1, 2},   // |1| < 2
			{-1, -1}, // |-1| >= 1
		}, []float64{1, -1}, []float64{2, 1}, 0.5},
		{"none dominant", [][]float64{
			{0, 1, 1},
			{1, 0, 1},
			{1, 1, 0},
		}, []float64{0, 0, 0}, []float64{2, 2, 2}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewDiscs(denseOf(tt.rows))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(d.Centres, tt.centres) || !slices.Equal(d.Radii, tt.radii) {
				t.Errorf("discs = %v, %v; want %v, %v", d.Centres, d.Radii, tt.centres, tt.radii)
			}
			if got := d.DominantFraction(); got != tt.dominantFraction {
				t.Errorf("DominantFraction = %v, want %v", got, tt.dominantFraction)
			}
		})
	}
}

func denseOf(rows [][]float64) *mat.Dense {
	a := mat.NewDense(len(rows), len(rows[0]), nil)
	for i, r := range rows {
		a.SetRow(i, r)
	}
	return a
}

func TestDiscsRowSumsScaleContains(t *testing.T) {
	d := Discs{Centres: []float64{2, -3}, Radii: []float64{1, 0.5}}
	if got := d.RowSums(); !slices.Equal(got, []float64{3, 3.5}) {
		t.Errorf("RowSums = %v", got)
	}
	if d.Scale() != 3.5 {
		t.Errorf("Scale = %v", d.Scale())
	}
	for _, tc := range []struct {
		z    complex128
		want bool
	}{
		{2, true}, {3, true}, {complex(2, 1), true}, {complex(2, 1.001), false},
		{-3.5, true}, {-2.4, false}, {0, false}, {complex(3+1e-12, 0), true},
	} {
		if got := d.Contains(tc.z); got != tc.want {
			t.Errorf("Contains(%v) = %v, want %v", tc.z, got, tc.want)
		}
	}
	if got := d.InsideFraction([]complex128{2, 0, -3, 10}); got != 0.5 {
		t.Errorf("InsideFraction = %v, want 0.5", got)
	}
	if !math.IsNaN(d.InsideFraction(nil)) || !math.IsNaN((Discs{}).DominantFraction()) {
		t.Error("fractions of nothing should be NaN")
	}
}

// Gersgorin's theorem: every eigenvalue lies in the union of the discs.
func TestEigenvaluesLieInDiscs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name      string
		n         int
		scale     float64
		symmetric bool
	}{
		{"symmetric 1", 1, 1, true},
		{"symmetric 2", 2, 1, true},
		{"symmetric 8", 8, 1, true},
		{"symmetric 60", 60, 1, true},
		{"symmetric 60 tiny", 60, 1e-9, true},
		{"symmetric 60 huge", 60, 1e9, true},
		{"nonsymmetric 2", 2, 1, false},
		{"nonsymmetric 9", 9, 1, false},
		{"nonsymmetric 60", 60, 1, false},
		{"nonsymmetric 150", 150, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := randomMatrix(rng, tt.n, tt.scale, tt.symmetric)
			an, err := Analyze(a)
			if err != nil {
				t.Fatal(err)
			}
			if len(an.Eigenvalues) != tt.n || an.N != tt.n {
				t.Fatalf("%d eigenvalues, N %d, want %d", len(an.Eigenvalues), an.N, tt.n)
			}
			for _, z := range an.Eigenvalues {
				if !an.Discs.Contains(z) {
					t.Errorf("eigenvalue %v outside every disc", z)
				}
			}
			if an.InsideFraction != 1 {
				t.Errorf("InsideFraction = %v, want 1", an.InsideFraction)
			}
			if !tt.symmetric && tt.n > 2 && an.Eigenvalues.MaxAbsImag() == 0 {
				t.Errorf("a random non-symmetric matrix should have complex eigenvalues")
			}
		})
	}
}

// A triangular matrix has its diagonal as eigenvalues, which sit exactly on
// the disc centres; a diagonally dominant one has them well inside.
func TestInsideFractionStructured(t *testing.T) {
	upper := denseOf([][]float64{{1, 5, 5}, {0, 2, 5}, {0, 0, 3}})
	an, err := Analyze(upper)
	if err != nil {
		t.Fatal(err)
	}
	want := Eigenvalues{1, 2, 3}
	for i, z := range an.Eigenvalues {
		if math.Abs(real(z-want[i])) > 1e-12 || imag(z) != 0 {
			t.Errorf("eigenvalues = %v, want %v", an.Eigenvalues, want)
		}
	}
	if an.InsideFraction != 1 || an.DominantFraction != 1.0/3 {
		t.Errorf("inside %v dominant %v, want 1 and 1/3", an.InsideFraction, an.DominantFraction)
	}
}
