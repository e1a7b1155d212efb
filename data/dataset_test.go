package data

import (
	"math"
	"slices"
	"testing"
)

func tinyDataset() *Dataset {
	return &Dataset{
		Name:         "tiny",
		X:            []float64{0, 1, 10, 11, 20, 21, 30, 31},
		Shape:        []int{2},
		Y:            []int{0, 1, 2, 1},
		Classes:      3,
		FeatureNames: []string{"a", "b"},
	}
}

func TestDatasetLenFeatures(t *testing.T) {
	for _, tc := range []struct {
		shape []int
		want  int
	}{
		{[]int{4}, 4},
		{[]int{1, 8, 8}, 64},
		{[]int{3, 2, 5}, 30},
		{nil, 1},
	} {
		d := &Dataset{Shape: tc.shape, Y: make([]int, 3)}
		if got := d.Features(); got != tc.want {
			t.Errorf("Features() of shape %v = %d, want %d", tc.shape, got, tc.want)
		}
		if d.Len() != 3 {
			t.Errorf("Len() = %d, want 3", d.Len())
		}
	}
}

func TestSubset(t *testing.T) {
	d := tinyDataset()
	for _, tc := range []struct {
		idx   []int
		wantX []float64
		wantY []int
	}{
		{[]int{2, 0}, []float64{20, 21, 0, 1}, []int{2, 0}},
		{[]int{3, 3}, []float64{30, 31, 30, 31}, []int{1, 1}},
		{[]int{}, []float64{}, []int{}},
	} {
		s := d.Subset(tc.idx)
		if !slices.Equal(s.X, tc.wantX) || !slices.Equal(s.Y, tc.wantY) {
			t.Errorf("Subset(%v) = %v %v, want %v %v", tc.idx, s.X, s.Y, tc.wantX, tc.wantY)
		}
		if s.Name != d.Name || s.Classes != d.Classes || !slices.Equal(s.Shape, d.Shape) || !slices.Equal(s.FeatureNames, d.FeatureNames) {
			t.Errorf("Subset(%v) metadata = %q %d %v %v", tc.idx, s.Name, s.Classes, s.Shape, s.FeatureNames)
		}
	}
	// The subset is a copy.
	s := d.Subset([]int{0})
	s.X[0], s.Y[0], s.Shape[0], s.FeatureNames[0] = 99, 99, 99, "z"
	if d.X[0] != 0 || d.Y[0] != 0 || d.Shape[0] != 2 || d.FeatureNames[0] != "a" {
		t.Error("Subset shares memory with its parent")
	}
}

func TestFingerprint(t *testing.T) {
	base := tinyDataset().Fingerprint()
	if len(base) != 64 {
		t.Fatalf("Fingerprint() = %q, want 64 hex digits", base)
	}
	for _, tc := range []struct {
		name   string
		change func(d *Dataset)
		same   bool
	}{
		{"copy", func(d *Dataset) {}, true},
		{"name", func(d *Dataset) { d.Name = "other" }, true},
		{"feature names", func(d *Dataset) { d.FeatureNames = nil }, true},
		{"one X value", func(d *Dataset) { d.X[5] = math.Nextafter(d.X[5], 100) }, false},
		{"negative zero", func(d *Dataset) { d.X[0] = math.Copysign(0, -1) }, false},
		{"one label", func(d *Dataset) { d.Y[3] = 0 }, false},
		{"shape", func(d *Dataset) { d.Shape = []int{1, 2} }, false},
		{"fewer samples", func(d *Dataset) { d.X, d.Y = d.X[:6], d.Y[:3] }, false},
	} {
		d := tinyDataset()
		tc.change(d)
		if got := d.Fingerprint(); (got == base) != tc.same {
			t.Errorf("%s: fingerprint %s vs %s, want same=%v", tc.name, got, base, tc.same)
		}
	}
	// Large enough to cross the internal buffer.
	a := &Dataset{X: make([]float64, 5000), Shape: []int{5}, Y: make([]int, 1000)}
	fa := a.Fingerprint()
	a.X[4999] = 1
	if a.Fingerprint() == fa {
		t.Error("changing the last value of a large dataset kept its fingerprint")
	}
}
