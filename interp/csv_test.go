package interp

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Points written as a grid read back as the same numbers; bad rows are
// errors naming the file, line and column.
func TestPointsCSV(t *testing.T) {
	var buf bytes.Buffer
	gx, gy := []float64{0, 0.1, 1e-300}, []float64{-2, 3.5}
	g := [][]float64{{1, 2}, {math.NaN(), 1.0 / 3}, {5, 6}}
	if err := WriteGridCSV(&buf, gx, gy, g); err != nil {
		t.Fatal(err)
	}
	want := "x,y,value\n0,-2,1\n0,3.5,2\n0.1,-2,\n0.1,3.5,0.3333333333333333\n1e-300,-2,5\n1e-300,3.5,6\n"
	if buf.String() != want {
		t.Fatalf("grid CSV:\n%s\nwant\n%s", buf.String(), want)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "p.csv")
	os.WriteFile(path, []byte("x,y,v\n0,0,1\n\n1,0,2\n0,1,3.25\n"), 0o644)
	x, y, v, err := ReadPointsCSV(path)
	if err != nil || len(x) != 3 || x[1] != 1 || y[2] != 1 || v[2] != 3.25 {
		t.Fatalf("ReadPointsCSV: %v %v %v %v", x, y, v, err)
	}
	for body, msg := range map[string]string{
		"x,y,v\n0,0,1\n1,0\n0,1,3\n":     "line 3: 2 columns, want 3",
		"x,y,v\n0,0,1\n1,0,NaN\n0,1,3\n": "line 3: column 3",
		"x,y,v\n0,0,1\n1,0,2\n":          "2 points, want at least 3",
	} {
		os.WriteFile(path, []byte(body), 0o644)
		if _, _, _, err := ReadPointsCSV(path); err == nil || !strings.Contains(err.Error(), msg) || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: %v, want an error naming the file and saying %q", body, err, msg)
		}
	}
}

// No input makes the reader panic; whatever it accepts is finite.
func FuzzReadPointsCSV(f *testing.F) {
	f.Add([]byte("x,y,v\n0,0,1\n1,0,2\n0,1,3\n"))
	f.Add([]byte("x,y,v\n\"0\",1,2\n"))
	f.Add([]byte("a\n1,2,3,4\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "p.csv")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Skip()
		}
		x, y, v, err := ReadPointsCSV(path)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error does not name the file: %v", err)
			}
			return
		}
		for i := range x {
			for _, c := range []float64{x[i], y[i], v[i]} {
				if math.IsNaN(c) || math.IsInf(c, 0) {
					t.Fatalf("accepted a non-finite point %g,%g,%g", x[i], y[i], v[i])
				}
			}
		}
	})
}
