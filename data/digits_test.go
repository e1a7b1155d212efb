package data

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestDigits(t *testing.T) {
	d, err := Digits()
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 1797 || d.Features() != 64 || len(d.X) != 1797*64 || d.Classes != 10 || !slices.Equal(d.Shape, []int{1, 8, 8}) {
		t.Fatalf("digits: %d samples, shape %v, %d values, %d classes", d.Len(), d.Shape, len(d.X), d.Classes)
	}
	lo, hi := slices.Min(d.X), slices.Max(d.X)
	if lo != 0 || hi != 1 {
		t.Errorf("pixel range [%g, %g], want [0, 1]", lo, hi)
	}
	// First row of scikit-learn's load_digits: 0,0,5,13,9,1,0,0,... label 0.
	if want := []float64{0, 0, 5.0 / 16, 13.0 / 16, 9.0 / 16, 1.0 / 16, 0, 0}; !slices.Equal(d.X[:8], want) || d.Y[0] != 0 {
		t.Errorf("first image row %v label %d, want %v label 0", d.X[:8], d.Y[0], want)
	}
	if !slices.Equal(d.Y[:10], []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) || d.Y[1796] != 8 {
		t.Errorf("labels start %v end %d, want 0..9 and 8", d.Y[:10], d.Y[1796])
	}
	counts := make([]int, 10)
	for _, y := range d.Y {
		counts[y]++
	}
	if slices.Min(counts) < 170 {
		t.Errorf("class counts %v", counts)
	}
}

func TestReadDigitsErrors(t *testing.T) {
	row := strings.Repeat("0,", 64) + "3\n"
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"not gzip", []byte(row), "digits.csv.gz: gzip"},
		{"pixel above 16", gzipped([]byte(row + "17," + row[2:])), "line 2: pixel 1 is 17"},
		{"negative pixel", gzipped([]byte(row + row + row[:4] + "-1," + row[6:])), "line 3: pixel 3 is -1"},
		{"label 10", gzipped([]byte(row + strings.Repeat("0,", 64) + "10\n")), "line 2: label 10"},
		{"63 pixels", gzipped([]byte(strings.Repeat("0,", 63) + "3\n")), "63 pixels per row, want 64"},
		{"ragged", gzipped([]byte(row + "1,2\n")), "line 2: 2 columns, want 65"},
		{"checksum", func() []byte { b := gzipped([]byte(row)); b[len(b)-6] ^= 1; return b }(), "checksum"},
	} {
		_, err := ReadDigits(bytes.NewReader(tc.in), "digits.csv.gz")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "digits.csv.gz") {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
