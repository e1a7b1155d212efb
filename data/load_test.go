package data

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func TestLoadSpecs(t *testing.T) {
	csvPath := filepath.Join(t.TempDir(), "two.CSV")
	if err := os.WriteFile(csvPath, []byte("a,b,y\n1,2,0\n3,4,1\n5,6,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spec             string
		n, features, cls int
		name             string
	}{
		{"iris", 150, 4, 3, "iris"},
		{"digits", 1797, 64, 10, "digits"},
		{csvPath, 3, 2, 2, csvPath},
	} {
		train, test, err := Load(tc.spec, Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.spec, err)
			continue
		}
		if test != nil {
			t.Errorf("%s: test split without TestFraction", tc.spec)
		}
		if train.Len() != tc.n || train.Features() != tc.features || train.Classes != tc.cls || train.Name != tc.name {
			t.Errorf("%s: %q: %d samples of %d features, %d classes", tc.spec, train.Name, train.Len(), train.Features(), train.Classes)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		spec string
		o    Options
		want []string
	}{
		{"mnist", Options{}, []string{`"mnist"`, "iris", "digits", "fashion-mnist", ".csv"}},
		{"iris.txt", Options{}, []string{"unknown dataset"}},
		{"iris", Options{TestFraction: 1}, []string{"test fraction 1"}},
		{"iris", Options{TestFraction: -0.1}, []string{"test fraction -0.1"}},
		{"iris", Options{TestFraction: math.NaN()}, []string{"test fraction NaN"}},
		{"iris", Options{TestFraction: 0.001}, []string{"empty split"}},
		{"iris", Options{TestFraction: 0.999}, []string{"empty split"}},
		{"/nonexistent/x.csv", Options{}, []string{"/nonexistent/x.csv"}},
		{"fashion-mnist", Options{FashionDir: "/nonexistent/fm"}, []string{"apt-get install dataset-fashion-mnist", "/nonexistent/fm", "train-images-idx3-ubyte"}},
	} {
		_, _, err := Load(tc.spec, tc.o)
		if err == nil {
			t.Errorf("Load(%q, %+v): no error", tc.spec, tc.o)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Load(%q, %+v): error %q does not contain %q", tc.spec, tc.o, err, w)
			}
		}
	}
}

func TestLoadDefaultFashionDir(t *testing.T) {
	if _, err := os.Stat(DefaultFashionDir); err == nil {
		t.Skip(DefaultFashionDir, " exists")
	}
	_, _, err := Load("fashion-mnist", Options{})
	if err == nil || !strings.Contains(err.Error(), DefaultFashionDir) || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") {
		t.Errorf("missing Fashion-MNIST: %v", err)
	}
}

// TestHoldOut checks split sizes, that the splits partition the data, keep
// its order, and depend on the seed alone.
func TestHoldOut(t *testing.T) {
	full, err := Iris()
	if err != nil {
		t.Fatal(err)
	}
	// Tag every sample with its index in a copy whose first feature is the index.
	tagged := full.Subset(seq(full.Len()))
	for i := range tagged.Len() {
		tagged.X[i*4] = float64(i)
	}
	for _, tc := range []struct {
		fraction float64
		wantTest int
	}{
		{0.2, 30}, {0.1, 15}, {0.5, 75}, {0.33, 50}, {0.335, 50}, {0.9, 135}, {0.004, 1},
	} {
		for _, seed := range []uint64{0, 1, 42} {
			train, test, err := HoldOut(tagged, tc.fraction, seed)
			if err != nil {
				t.Fatal(err)
			}
			if test.Len() != tc.wantTest || train.Len() != 150-tc.wantTest {
				t.Errorf("fraction %g: %d/%d samples, want %d test", tc.fraction, train.Len(), test.Len(), tc.wantTest)
			}
			seen := make([]int, 150)
			for _, d := range []*Dataset{train, test} {
				prev := -1
				for i := range d.Len() {
					id := int(d.X[i*4])
					seen[id]++
					if id <= prev {
						t.Errorf("fraction %g: split out of order", tc.fraction)
					}
					prev = id
					if d.Y[i] != full.Y[id] || !slices.Equal(d.X[i*4+1:i*4+4], full.X[id*4+1:id*4+4]) {
						t.Errorf("fraction %g: sample %d altered", tc.fraction, id)
					}
				}
			}
			for id, c := range seen {
				if c != 1 {
					t.Fatalf("fraction %g seed %d: sample %d in %d splits", tc.fraction, seed, id, c)
				}
			}
		}
	}

	// Same seed, same split; other seeds, other splits.
	fp := func(o Options) string {
		_, test, err := Load("iris", o)
		if err != nil {
			t.Fatal(err)
		}
		return test.Fingerprint()
	}
	a := fp(Options{TestFraction: 0.2, Seed: 7})
	if b := fp(Options{TestFraction: 0.2, Seed: 7}); a != b {
		t.Error("same seed gave different splits")
	}
	if b := fp(Options{TestFraction: 0.2, Seed: 8}); a == b {
		t.Error("seeds 7 and 8 gave the same split")
	}
	if b := fp(Options{TestFraction: 0.2, Seed: 0}); a == b {
		t.Error("seeds 7 and 0 gave the same split")
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

// TestStandardize compares Load's standardisation with statistics computed
// independently by gonum (population mean and standard deviation of the
// training split).
func TestStandardize(t *testing.T) {
	for _, tc := range []struct {
		spec     string
		fraction float64
	}{
		{"iris", 0}, {"iris", 0.25}, {"digits", 0.2},
	} {
		o := Options{TestFraction: tc.fraction, Seed: 3}
		rawTrain, rawTest, err := Load(tc.spec, o)
		if err != nil {
			t.Fatal(err)
		}
		o.Standardize = true
		train, test, err := Load(tc.spec, o)
		if err != nil {
			t.Fatal(err)
		}
		f := train.Features()
		for j := range f {
			col := column(rawTrain, j)
			mean, std := stat.PopMeanStdDev(col, nil)
			constant := slices.Min(col) == slices.Max(col)
			scale := std
			if constant {
				scale = 1
			}
			for _, pair := range [][2]*Dataset{{rawTrain, train}, {rawTest, test}} {
				raw, std := pair[0], pair[1]
				if raw == nil {
					continue
				}
				for i := range raw.Len() {
					want := (raw.X[i*f+j] - mean) / scale
					if got := std.X[i*f+j]; math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
						t.Fatalf("%s: feature %d of sample %d: %g, want %g", tc.spec, j, i, got, want)
					}
				}
			}
			m, s := stat.PopMeanStdDev(column(train, j), nil)
			wantStd := 1.0
			if constant {
				wantStd = 0
			}
			if math.Abs(m) > 1e-12 || math.Abs(s-wantStd) > 1e-12 {
				t.Errorf("%s: standardised feature %d has mean %g, std %g", tc.spec, j, m, s)
			}
		}
		if tc.spec == "digits" && !slices.Equal(train.Y, rawTrain.Y) {
			t.Error("standardisation changed labels")
		}
	}

	// scikit-learn: StandardScaler().fit_transform(load_iris().data)[[0, -1]].
	train, _, err := Load("iris", Options{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		row  int
		want []float64
	}{
		{0, []float64{-0.90068117, 1.01900435, -1.34022653, -1.3154443}},
		{149, []float64{0.06866179, -0.13197948, 0.76275827, 0.79067065}},
	} {
		for j, w := range tc.want {
			if got := train.X[tc.row*4+j]; math.Abs(got-w) > 1e-7 {
				t.Errorf("row %d feature %d: %.8f, scikit-learn has %.8f", tc.row, j, got, w)
			}
		}
	}
}

// TestStandardizeConstant checks that a constant feature is centred but not
// scaled, and that the test split uses the training statistics.
func TestStandardizeConstant(t *testing.T) {
	train := &Dataset{X: []float64{0.1, 1, 0.1, 3, 0.1, 5}, Shape: []int{2}, Y: []int{0, 1, 0}}
	test := &Dataset{X: []float64{1.1, 7}, Shape: []int{2}, Y: []int{1}}
	s := FitScaler(train)
	s.Apply(train)
	s.Apply(test)
	sd := math.Sqrt(8.0 / 3)
	want := []float64{0, -2 / sd, 0, 0, 0, 2 / sd}
	for i, w := range want {
		if math.Abs(train.X[i]-w) > 1e-15 {
			t.Errorf("train X[%d] = %g, want %g", i, train.X[i], w)
		}
	}
	if math.Abs(test.X[0]-1) > 1e-15 || math.Abs(test.X[1]-4/sd) > 1e-15 {
		t.Errorf("test X = %v, want [1 %g]", test.X, 4/sd)
	}
}

func column(d *Dataset, j int) []float64 {
	f := d.Features()
	c := make([]float64, d.Len())
	for i := range c {
		c[i] = d.X[i*f+j]
	}
	return c
}

// TestLoadFashion checks Fashion-MNIST's own split with small IDX files, the
// training files gzipped and the test files raw.
func TestLoadFashion(t *testing.T) {
	dir := t.TempDir()
	trImg, trLab, trPix, trY := idxPair(6, 2, 3) // labels 0..3
	teImg, teLab, _, _ := idxPair(2, 2, 3)
	writeFile(t, dir, "train-images-idx3-ubyte.gz", gzipped(trImg))
	writeFile(t, dir, "train-labels-idx1-ubyte.gz", gzipped(trLab))
	teLab[len(teLab)-1] = 9 // the test split alone holds class 9
	writeFile(t, dir, "t10k-images-idx3-ubyte", teImg)
	writeFile(t, dir, "t10k-labels-idx1-ubyte", teLab)

	train, test, err := Load("fashion-mnist", Options{FashionDir: dir, TestFraction: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 6 || test.Len() != 2 || !slices.Equal(train.Shape, []int{1, 2, 3}) || !slices.Equal(test.Shape, []int{1, 2, 3}) {
		t.Fatalf("train %d %v, test %d %v", train.Len(), train.Shape, test.Len(), test.Shape)
	}
	if train.Classes != 10 || test.Classes != 10 || train.Name != "fashion-mnist" || test.Name != "fashion-mnist" {
		t.Errorf("classes %d/%d, names %q/%q", train.Classes, test.Classes, train.Name, test.Name)
	}
	if !slices.Equal(train.Y, trY) || train.X[5] != float64(trPix[5])/255 || test.Y[1] != 9 {
		t.Errorf("train labels %v, test labels %v", train.Y, test.Y)
	}

	// Standardisation uses the training split's statistics for both.
	strain, stest, err := Load("fashion-mnist", Options{FashionDir: dir, Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	for j := range 6 {
		m, s := stat.PopMeanStdDev(column(train, j), nil)
		if got, want := stest.X[j], (test.X[j]-m)/s; math.Abs(got-want) > 1e-12 {
			t.Errorf("test pixel %d: %g, want %g", j, got, want)
		}
		if m2, s2 := stat.PopMeanStdDev(column(strain, j), nil); math.Abs(m2) > 1e-12 || math.Abs(s2-1) > 1e-12 {
			t.Errorf("train pixel %d: mean %g std %g", j, m2, s2)
		}
	}

	// A missing test split is reported with the install hint.
	os.Remove(filepath.Join(dir, "t10k-labels-idx1-ubyte"))
	if _, _, err := Load("fashion-mnist", Options{FashionDir: dir}); err == nil ||
		!strings.Contains(err.Error(), "t10k-labels-idx1-ubyte") || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") {
		t.Errorf("missing t10k labels: %v", err)
	}
	// A corrupt file is reported by name.
	writeFile(t, dir, "t10k-labels-idx1-ubyte", teLab[:9])
	if _, _, err := Load("fashion-mnist", Options{FashionDir: dir}); err == nil || !strings.Contains(err.Error(), "t10k-labels-idx1-ubyte: truncated") {
		t.Errorf("truncated t10k labels: %v", err)
	}
}
