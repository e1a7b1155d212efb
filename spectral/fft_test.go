package spectral

import (
	"cmp"
	"encoding/json"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// spectrumWant is a centred spectrum given by its non-zero coefficients.
type spectrumWant map[[2]int]complex128

func checkSpectrum(t *testing.T, got Spectrum, rows, cols int, want spectrumWant, tol float64) {
	t.Helper()
	if got.Rows != rows || got.Cols != cols || len(got.Data) != rows*cols {
		t.Fatalf("spectrum %dx%d (%d values), want %dx%d", got.Rows, got.Cols, len(got.Data), rows, cols)
	}
	for i := range rows {
		for j := range cols {
			w := want[[2]int{i, j}]
			if z := got.At(i, j); cmplx.Abs(z-w) > tol {
				t.Errorf("F[%d][%d] = %v, want %v", i, j, z, w)
			}
		}
	}
}

// Hand-derived spectra. numpy's convention: F(k, l) = sum M[p, q]
// exp(-2 pi i (k p / n + l q / m)); fftshift puts frequency 0 at index n/2,
// so centred index i holds frequency (i + ceil(n/2)) mod n.
func TestFFT2KnownMatrices(t *testing.T) {
	r3 := math.Sqrt(3) / 2
	tests := []struct {
		name       string
		rows, cols int
		set        func(a *mat.Dense)
		want       spectrumWant
	}{
		// A constant c: only F(0, 0) = c*n*m, centred at (n/2, m/2).
		{"constant 4x5", 4, 5, fill(2.5), spectrumWant{{2, 2}: 50}},
		{"constant 5x4", 5, 4, fill(-1), spectrumWant{{2, 2}: -20}},
		{"constant 3x3", 3, 3, fill(1), spectrumWant{{1, 1}: 9}},
		{"constant 6x2", 6, 2, fill(0.5), spectrumWant{{3, 1}: 6}},
		{"constant 1x1", 1, 1, fill(7), spectrumWant{{0, 0}: 7}},
		// The identity: F(k, l) = sum_p exp(-2 pi i p (k + l) / n) = n where
		// k + l = 0 mod n. n = 4 (ceil 2): frequencies (2,2) (3,1) (0,0) (1,3)
		// sit at (0,0) (1,3) (2,2) (3,1). n = 5 (ceil 3): (3,2) (4,1) (0,0)
		// (1,4) (2,3) sit at (0,4) (1,3) (2,2) (3,1) (4,0).
		{"identity 4", 4, 4, identity, spectrumWant{{0, 0}: 4, {1, 3}: 4, {2, 2}: 4, {3, 1}: 4}},
		{"identity 5", 5, 5, identity, spectrumWant{{0, 4}: 5, {1, 3}: 5, {2, 2}: 5, {3, 1}: 5, {4, 0}: 5}},
		// A single one at (0, 1) of a 1x3 row: F(l) = exp(-2 pi i l / 3) =
		// 1, -1/2 - i sqrt(3)/2, -1/2 + i sqrt(3)/2; centred: F(2), F(0), F(1).
		{"one in 1x3", 1, 3, one(0, 1), spectrumWant{{0, 0}: complex(-0.5, r3), {0, 1}: 1, {0, 2}: complex(-0.5, -r3)}},
		// A single one at (1, 1) of 2x2: F(k, l) = (-1)^(k+l); the shift
		// swaps both axes, which keeps (-1)^(k+l).
		{"one in 2x2", 2, 2, one(1, 1), spectrumWant{{0, 0}: 1, {0, 1}: -1, {1, 0}: -1, {1, 1}: 1}},
		// A single one at (0, 0): every coefficient is 1.
		{"one at origin 3x4", 3, 4, one(0, 0), allOnes(3, 4)},
		// A single one at (1, 0) of 4x1: F(k) = (-i)^k = 1, -i, -1, i;
		// centred: F(2), F(3), F(0), F(1).
		{"one in 4x1", 4, 1, one(1, 0), spectrumWant{{0, 0}: -1, {1, 0}: 1i, {2, 0}: 1, {3, 0}: -1i}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mat.NewDense(tt.rows, tt.cols, nil)
			tt.set(a)
			checkSpectrum(t, FFT2(a), tt.rows, tt.cols, tt.want, 1e-12)
		})
	}
}

func fill(c float64) func(*mat.Dense) {
	return func(a *mat.Dense) {
		r, k := a.Dims()
		for i := range r {
			for j := range k {
				a.Set(i, j, c)
			}
		}
	}
}

func identity(a *mat.Dense) {
	n, _ := a.Dims()
	for i := range n {
		a.Set(i, i, 1)
	}
}

func one(p, q int) func(*mat.Dense) { return func(a *mat.Dense) { a.Set(p, q, 1) } }

func allOnes(rows, cols int) spectrumWant {
	w := spectrumWant{}
	for i := range rows {
		for j := range cols {
			w[[2]int{i, j}] = 1
		}
	}
	return w
}

// A single one anywhere has |F| = 1 everywhere and the phase of its shift.
func TestFFT2SingleOneEverywhere(t *testing.T) {
	for _, size := range [][2]int{{4, 4}, {5, 5}, {4, 7}, {6, 3}, {11, 13}} {
		n, m := size[0], size[1]
		for _, pos := range [][2]int{{0, 0}, {1, 2}, {n - 1, m - 1}} {
			a := mat.NewDense(n, m, nil)
			a.Set(pos[0], pos[1], 1)
			want := spectrumWant{}
			for i := range n {
				for j := range m {
					k, l := (i+(n+1)/2)%n, (j+(m+1)/2)%m
					phase := -2 * math.Pi * (float64(k*pos[0])/float64(n) + float64(l*pos[1])/float64(m))
					want[[2]int{i, j}] = cmplx.Exp(complex(0, phase))
				}
			}
			checkSpectrum(t, FFT2(a), n, m, want, 1e-12)
			for _, v := range FFT2(a).Magnitude(Reference).Data {
				if math.Abs(v) > 1e-12 {
					t.Fatalf("%v in %dx%d: magnitude %v, want 0 (20 ln 1)", pos, n, m, v)
				}
			}
		}
	}
}

type golden struct {
	FFT []struct {
		Rows, Cols             int
		Matrix, Re, Im, Ln, Db []float64
	}
	SNR []struct {
		N              int
		Matrix, Noisy  []float64
		SymNoise       []float64 `json:"sym_noise"`
		Reference      float64
		CorrectedClean float64 `json:"corrected_clean"`
		CorrectedNoise float64 `json:"corrected_noise"`
		DiagonalShare  float64 `json:"diagonal_share"`
	}
}

func readGolden(t *testing.T) golden {
	t.Helper()
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

// Against numpy.fft.fftshift(numpy.fft.fft2(M)) (testdata/generate.py),
// including prime sizes and single rows and columns.
func TestFFT2AgainstNumpy(t *testing.T) {
	for _, c := range readGolden(t).FFT {
		s := FFT2(mat.NewDense(c.Rows, c.Cols, c.Matrix))
		ln, db := s.Magnitude(Reference), s.Magnitude(Corrected)
		for k, z := range s.Data {
			if math.Abs(real(z)-c.Re[k]) > 1e-12 || math.Abs(imag(z)-c.Im[k]) > 1e-12 {
				t.Errorf("%dx%d: F[%d] = %v, numpy %v%+vi", c.Rows, c.Cols, k, z, c.Re[k], c.Im[k])
			}
			if math.Abs(ln.Data[k]-c.Ln[k]) > 1e-9 || math.Abs(db.Data[k]-c.Db[k]) > 1e-9 {
				t.Errorf("%dx%d: magnitude[%d] = %v, %v; numpy %v, %v", c.Rows, c.Cols, k, ln.Data[k], db.Data[k], c.Ln[k], c.Db[k])
			}
		}
	}
}

func TestMagnitudeUnitsAndZeros(t *testing.T) {
	s := Spectrum{Rows: 1, Cols: 3, Data: []complex128{complex(3, 4), 0, 1e-3}}
	ref, cor := s.Magnitude(Reference), s.Magnitude(Corrected)
	want := map[Mode][]float64{
		Reference: {20 * math.Log(5), math.Inf(-1), 20 * math.Log(1e-3)},
		Corrected: {20 * math.Log10(5), math.Inf(-1), -60},
	}
	for mode, im := range map[Mode]Image{Reference: ref, Corrected: cor} {
		for k, w := range want[mode] {
			if got := im.Data[k]; got != w && math.Abs(got-w) > 1e-12 {
				t.Errorf("%s magnitude[%d] = %v, want %v", mode, k, got, w)
			}
		}
	}
	lo, hi, ok := cor.FiniteRange()
	if !ok || math.Abs(lo+60) > 1e-12 || hi != 20*math.Log10(5) {
		t.Errorf("FiniteRange = %v, %v, %v", lo, hi, ok)
	}
	if _, _, ok := (Image{Rows: 1, Cols: 1, Data: []float64{math.Inf(-1)}}).FiniteRange(); ok {
		t.Error("an all -Inf image has no finite range")
	}
}

func TestDownsample(t *testing.T) {
	im := Image{Rows: 5, Cols: 4}
	for k := range 20 {
		im.Data = append(im.Data, float64(k))
	}
	im.Data[0] = math.Inf(-1)
	// maxSide 2: blocks of ceil(5/2) = 3; rows 0-2 and 3-4, columns 0-2 and 3.
	mx := im.Downsample(2, MaxPool)
	if mx.Rows != 2 || mx.Cols != 2 || !equalFloats(mx.Data, []float64{10, 11, 18, 19}) {
		t.Errorf("max pool = %+v", mx)
	}
	mean := im.Downsample(2, MeanPool)
	if mean.Data[1] != (3.0+7+11)/3 || !math.IsInf(mean.Data[0], -1) || mean.Data[3] != (15.0+19)/2 {
		t.Errorf("mean pool = %+v", mean)
	}
	if same := im.Downsample(5, MaxPool); same.Rows != 5 || &same.Data[0] != &im.Data[0] {
		t.Error("an image small enough should come back as it is")
	}
	if same := im.Downsample(0, MaxPool); same.Rows != 5 {
		t.Error("maxSide 0 keeps full resolution")
	}
	if got := MatrixImage(mat.NewDense(2, 2, []float64{1, 2, 3, 4})); got.At(1, 0) != 3 {
		t.Errorf("MatrixImage = %+v", got)
	}
}

func equalFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if cmp.Compare(a[i], b[i]) != 0 {
			return false
		}
	}
	return true
}

// magnitudeImages gives what the whole transform, its magnitude image and
// max-pooling give, bit for bit, for even and odd sizes and every
// shrinking factor.
func TestMagnitudeImagesExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 12))
	modes := []Mode{Reference, Corrected}
	for _, c := range []struct{ rows, cols, side int }{{40, 40, 16}, {33, 33, 10}, {30, 45, 8}, {64, 64, 64}, {17, 50, 0}, {50, 17, 7}} {
		a := mat.NewDense(c.rows, c.cols, nil)
		for i := range c.rows {
			for j := range c.cols {
				a.Set(i, j, rng.NormFloat64())
			}
		}
		a.Set(0, 0, 0)
		got := magnitudeImages(a, c.side, modes)
		s := FFT2(a)
		for k, m := range modes {
			want := s.Magnitude(m).Downsample(c.side, MaxPool)
			if got[k].Rows != want.Rows || got[k].Cols != want.Cols || !slices.Equal(got[k].Data, want.Data) {
				t.Errorf("%dx%d to %d, %s: images differ", c.rows, c.cols, c.side, m)
			}
		}
	}
}
