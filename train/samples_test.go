package train

import (
	"math"
	"testing"

	"github.com/adafisher-go/landscape/data"
)

// TestSamplesBytes reads a dataset kept as bytes (data.Options.Bytes) back
// as exactly the values a conversion of its levels to T gives, in both
// precisions, and one kept as values as those values.
func TestSamplesBytes(t *testing.T) {
	levels := make([][]float64, 3)
	for c := range levels {
		levels[c] = make([]float64, 256)
		for b := range levels[c] {
			levels[c][b] = (float64(b)/255 - []float64{0.4914, 0.4822, 0.4465}[c]) / []float64{0.2023, 0.1994, 0.2010}[c]
		}
	}
	d := &data.Dataset{Shape: []int{3, 2, 2}, Levels: levels, Y: make([]int, 5)}
	var want []float64
	for i := range 5 * 12 {
		b := uint8((i*37 + 11) % 256)
		d.Pixels = append(d.Pixels, b)
		want = append(want, levels[i%12/4][b])
	}
	s64 := newSamples[float64](d)
	got := make([]float64, 3*12)
	s64.read(1, 4, got)
	for i, v := range got {
		if v != want[12+i] {
			t.Fatalf("float64: value %d is %v, want %v", i, v, want[12+i])
		}
	}
	s32 := newSamples[float32](d)
	got32 := make([]float32, 12)
	s32.read(4, 5, got32)
	for i, v := range got32 {
		if w := float32(want[48+i]); math.Float32bits(v) != math.Float32bits(w) {
			t.Fatalf("float32: value %d is %v, want %v", i, v, w)
		}
	}
	vals := &data.Dataset{Shape: d.Shape, X: want, Y: d.Y}
	sv := newSamples[float32](vals)
	sv.read(2, 3, got32)
	for i, v := range got32 {
		if v != float32(want[24+i]) {
			t.Fatalf("values: value %d is %v, want %v", i, v, float32(want[24+i]))
		}
	}
}
