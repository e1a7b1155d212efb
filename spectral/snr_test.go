package spectral

import (
	"encoding/json"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// The SNRs of a 3x3 example, by hand.
//
//	M = [ 2   1   0 ]   noise = [ 0    0.5  1 ]   (reference: the lower
//	    [ 1   3  -1 ]           [ *    0    0 ]    triangle is never read)
//	    [ 0  -1   4 ]           [ *    *    0 ]
//
// Signal power: (2^2 + 3^2 + 4^2) / 3 = 29/3.
//
// Reference: the noisy strict upper triangle is 1.5, 1, -1, whose squares
// sum to 2.25 + 1 + 1 = 4.25, over n^2 = 9. SNR = 10 log10((29/3) / (4.25/9))
// = 10 log10(87/4.25) = 13.1113 dB.
//
// Corrected, clean: the upper triangle of M is 1, 0, -1: squares 2 over the
// 3 pairs. SNR = 10 log10((29/3) / (2/3)) = 10 log10(14.5) = 11.6137 dB.
// Corrected, noise alone: 0.5, 1, 0: squares 1.25 over 3.
// SNR = 10 log10((29/3) / (1.25/3)) = 10 log10(23.2) = 13.6549 dB.
//
// Diagonal share: 29 / (29 + 2*2) = 29/33.
func TestSNRByHand(t *testing.T) {
	m := mat.NewDense(3, 3, []float64{2, 1, 0, 1, 3, -1, 0, -1, 4})
	noisy := mat.NewDense(3, 3, []float64{2, 1.5, 1, 7, 3, -1, 7, 7, 4})
	noise := mat.NewDense(3, 3, []float64{0, 0.5, 1, 0.5, 0, 0, 1, 0, 0})
	for _, tc := range []struct {
		name string
		got  func() (float64, error)
		want float64
	}{
		{"reference", func() (float64, error) { return ReferenceSNR(m, noisy) }, 10 * math.Log10(87/4.25)},
		{"corrected clean", func() (float64, error) { return CorrectedSNR(m, m) }, 10 * math.Log10(14.5)},
		{"corrected noise", func() (float64, error) { return CorrectedSNR(m, noise) }, 10 * math.Log10(23.2)},
		{"diagonal share", func() (float64, error) { return DiagonalShare(m) }, 29.0 / 33},
	} {
		got, err := tc.got()
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s = %.6f, want %.6f", tc.name, got, tc.want)
		}
	}
	if got, _ := ReferenceSNR(m, noisy); math.Abs(got-13.1113) > 1e-4 {
		t.Errorf("reference = %v, want 13.1113 dB", got)
	}
}

func TestSNRAgainstNumpy(t *testing.T) {
	for _, c := range readGolden(t).SNR {
		m := mat.NewDense(c.N, c.N, c.Matrix)
		noisy := mat.NewDense(c.N, c.N, c.Noisy)
		noise := mat.NewDense(c.N, c.N, c.SymNoise)
		ref, _ := ReferenceSNR(m, noisy)
		clean, _ := CorrectedSNR(m, m)
		ofNoise, _ := CorrectedSNR(m, noise)
		share, _ := DiagonalShare(m)
		for _, v := range [][2]float64{{ref, c.Reference}, {clean, c.CorrectedClean}, {ofNoise, c.CorrectedNoise}, {share, c.DiagonalShare}} {
			if math.Abs(v[0]-v[1]) > 1e-10 {
				t.Errorf("n=%d: got %v, numpy %v", c.N, v[0], v[1])
			}
		}
	}
}

func TestSNREdgeCases(t *testing.T) {
	diag := mat.NewDense(2, 2, []float64{1, 0, 0, 2})
	if snr, _ := CorrectedSNR(diag, diag); !math.IsInf(snr, 1) {
		t.Errorf("diagonal matrix: SNR %v, want +Inf", snr)
	}
	zero := mat.NewDense(2, 2, nil)
	if snr, _ := ReferenceSNR(zero, zero); !math.IsNaN(snr) {
		t.Errorf("zero matrix: SNR %v, want NaN", snr)
	}
	if share, _ := DiagonalShare(zero); !math.IsNaN(share) {
		t.Errorf("zero matrix: share %v, want NaN", share)
	}
	single := mat.NewDense(1, 1, []float64{3})
	if snr, _ := CorrectedSNR(single, single); !math.IsInf(snr, 1) {
		t.Errorf("1x1: SNR %v, want +Inf", snr)
	}
	if _, err := ReferenceSNR(diag, single); err == nil {
		t.Error("size mismatch: no error")
	}
	if _, err := DiagonalShare(mat.NewDense(2, 3, nil)); err == nil {
		t.Error("non-square: no error")
	}
	if _, err := CorrectedSNR(nil, diag); err == nil {
		t.Error("nil: no error")
	}
}

func TestFloatJSON(t *testing.T) {
	in := []Float{1.5, Float(math.Inf(1)), Float(math.Inf(-1)), Float(math.NaN()), -2e-300}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `[1.5,"+Inf","-Inf",null,-2e-300]` {
		t.Errorf("JSON = %s", b)
	}
	var out []Float
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for i := range in {
		if !(out[i] == in[i] || math.IsNaN(float64(out[i])) && math.IsNaN(float64(in[i]))) {
			t.Errorf("round trip [%d] = %v, want %v", i, out[i], in[i])
		}
	}
	var f Float
	if err := json.Unmarshal([]byte(`"x"`), &f); err == nil {
		t.Error("a string should not decode")
	}
}

func TestParseModes(t *testing.T) {
	for s, want := range map[string][]Mode{"both": {Reference, Corrected}, "reference": {Reference}, "corrected": {Corrected}} {
		got, err := ParseModes(s)
		if err != nil || len(got) != len(want) || got[0] != want[0] {
			t.Errorf("ParseModes(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseModes("paper"); err == nil {
		t.Error("ParseModes(paper): no error")
	}
}
