package data

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestIris(t *testing.T) {
	d, err := Iris()
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 150 || d.Features() != 4 || d.Classes != 3 || len(d.X) != 600 {
		t.Fatalf("iris: %d samples, %d features, %d classes, %d values; want 150, 4, 3, 600", d.Len(), d.Features(), d.Classes, len(d.X))
	}
	if want := []string{"sepal_length", "sepal_width", "petal_length", "petal_width"}; !slices.Equal(d.FeatureNames, want) {
		t.Errorf("feature names %v, want %v", d.FeatureNames, want)
	}
	if !slices.Equal(d.X[:4], []float64{5.1, 3.5, 1.4, 0.2}) || d.Y[0] != 0 {
		t.Errorf("first row %v label %d, want [5.1 3.5 1.4 0.2] label 0", d.X[:4], d.Y[0])
	}
	if !slices.Equal(d.X[596:], []float64{5.9, 3.0, 5.1, 1.8}) || d.Y[149] != 2 {
		t.Errorf("last row %v label %d, want [5.9 3 5.1 1.8] label 2", d.X[596:], d.Y[149])
	}
	counts := make([]int, 3)
	for _, y := range d.Y {
		counts[y]++
	}
	if !slices.Equal(counts, []int{50, 50, 50}) {
		t.Errorf("class counts %v, want 50 each", counts)
	}
}

// TestReadCSVAccepts checks the dialects ReadCSV must accept.
func TestReadCSVAccepts(t *testing.T) {
	want := &Dataset{X: []float64{1, 2.5, -3, 4e-2}, Y: []int{1, 0}, Shape: []int{2}, Classes: 2, FeatureNames: []string{"a", "b"}}
	for _, tc := range []struct {
		name, in string
		header   bool
	}{
		{"plain", "a,b,y\n1,2.5,1\n-3,4e-2,0\n", true},
		{"no trailing newline", "a,b,y\n1,2.5,1\n-3,4e-2,0", true},
		{"CRLF", "a,b,y\r\n1,2.5,1\r\n-3,4e-2,0\r\n", true},
		{"blank trailing lines", "a,b,y\n1,2.5,1\n-3,4e-2,0\n\n\n", true},
		{"CRLF blank trailing lines", "a,b,y\r\n1,2.5,1\r\n-3,4e-2,0\r\n\r\n\r\n", true},
		{"byte-order mark", "\ufeffa,b,y\n1,2.5,1\n-3,4e-2,0\n", true},
		{"spaces", "a, b , y\n 1 , 2.5,1 \n-3,  4e-2 , 0\n", true},
		{"quoted", "\"a\",\"b\",\"y\"\n\"1\",2.5,1\n-3,4e-2,\"0\"\n", true},
		{"float labels", "a,b,y\n1,2.5,1.0\n-3,4e-2,0e0\n", true},
		{"no header", "1,2.5,1\n-3,4e-2,0\n", false},
	} {
		d, err := ReadCSV(strings.NewReader(tc.in), "t.csv", tc.header)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		wantNames := want.FeatureNames
		if !tc.header {
			wantNames = nil
		}
		if !slices.Equal(d.X, want.X) || !slices.Equal(d.Y, want.Y) || !slices.Equal(d.Shape, want.Shape) ||
			d.Classes != want.Classes || !slices.Equal(d.FeatureNames, wantNames) || d.Name != "t.csv" {
			t.Errorf("%s: got %+v", tc.name, d)
		}
	}
}

// TestLoadCSVErrors checks that every malformed file is rejected with an
// error naming the file and, where there is one, the line.
func TestLoadCSVErrors(t *testing.T) {
	const head = "sepal_length,sepal_width,petal_length,petal_width,species\n"
	const row = "5.1,3.5,1.4,0.2,0\n"
	for _, tc := range []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"ragged short", head + strings.Repeat(row, 5) + "5.1,3.5,1.4\n" + row, []string{"line 7: 3 columns, want 5"}},
		{"ragged long", head + row + "5.1,3.5,1.4,0.2,0,9\n", []string{"line 3: 6 columns, want 5"}},
		{"ragged CRLF", strings.ReplaceAll(head+row+row+"1,2\n", "\n", "\r\n"), []string{"line 4: 2 columns, want 5"}},
		{"ragged after blank line", head + row + "\n" + "1,2\n", []string{"line 4: 2 columns, want 5"}},
		{"non-numeric", head + row + "5.1,abc,1.4,0.2,0\n", []string{"line 3", `column 2 ("sepal_width")`, `"abc" is not a number`}},
		{"non-numeric no name", "a,b,,y\n1,2,x,0\n", []string{"line 2", "column 3", `"x" is not a number`}},
		{"empty feature", head + "5.1,,1.4,0.2,0\n", []string{"line 2", `column 2 ("sepal_width")`, "empty cell"}},
		{"NaN feature", head + row + row + "5.1,3.5,NaN,0.2,0\n", []string{"line 4", `column 3 ("petal_length")`, "not a finite number"}},
		{"Inf feature", head + "5.1,3.5,1.4,-Inf,0\n", []string{"line 2", `column 4 ("petal_width")`, "not a finite number"}},
		{"overflowing feature", head + "1e999,3.5,1.4,0.2,0\n", []string{"line 2", `column 1 ("sepal_length")`, "not a finite number"}},
		{"fractional label", head + "5.1,3.5,1.4,0.2,1.5\n", []string{"line 2", `column 5 ("species")`, `"1.5" is not an integer`}},
		{"text label", head + row + "5.1,3.5,1.4,0.2,setosa\n", []string{"line 3", "label", `"setosa" is not an integer`}},
		{"negative label", head + "5.1,3.5,1.4,0.2,-1\n", []string{"line 2", "label", "negative"}},
		{"negative float label", head + "5.1,3.5,1.4,0.2,-2.0\n", []string{"line 2", "label", "negative"}},
		{"NaN label", head + "5.1,3.5,1.4,0.2,NaN\n", []string{"line 2", "label", "not an integer"}},
		{"huge label", head + "5.1,3.5,1.4,0.2,1e12\n", []string{"line 2", "label", "larger than"}},
		{"empty label", head + "5.1,3.5,1.4,0.2,\n", []string{"line 2", "label", "empty cell"}},
		{"bare quote", head + row + "5.1,3\"5,1.4,0.2,0\n", []string{"line 3", "quote"}},
		{"one column", "y\n1\n", []string{"line 1: 1 column, want at least 2"}},
		{"empty file", "", []string{"empty file"}},
		{"blank lines only", "\n\n\r\n", []string{"empty file"}},
		{"header only", head, []string{"header only"}},
		{"header only, blank lines", head + "\n\n", []string{"header only"}},
	} {
		path := filepath.Join(t.TempDir(), "bad.csv")
		if err := os.WriteFile(path, []byte(tc.in), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadCSV(path)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, path) {
			t.Errorf("%s: error %q does not name the file", tc.name, msg)
		}
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q does not contain %q", tc.name, msg, w)
			}
		}
	}
}

func TestLoadCSVMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.csv")
	if _, err := LoadCSV(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("LoadCSV of a missing file: %v", err)
	}
}
