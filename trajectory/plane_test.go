package trajectory

import (
	"errors"
	"math"
	"testing"
)

func TestPlanePoint(t *testing.T) {
	c := []float64{1, 2, 3}
	d1 := []float64{0.5, 0, -1}
	d2 := []float64{0, 2, 1}
	p, err := NewPlane(c, d1, d2)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]float64, 3)
	got := p.Point(buf, 2, -1)
	want := []float64{2, 0, 0}
	for j := range want {
		if got[j] != want[j] {
			t.Fatalf("Point = %v, want %v", got, want)
		}
	}
	if &got[0] != &buf[0] {
		t.Error("Point did not write into the buffer")
	}
	if got := p.Point(buf, 0, 0); got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("Point(0,0) = %v, want the centre", got)
	}
	alphas := Linspace(-1, 1, 5)
	betas := Linspace(-1, 1, 3)
	for k := 0; k < 15; k++ {
		i, j := p.GridPoint(buf, alphas, betas, k)
		if i != k/3 || j != k%3 {
			t.Fatalf("GridPoint %d -> (%d,%d)", k, i, j)
		}
		for m := range c {
			if w := c[m] + alphas[i]*d1[m] + betas[j]*d2[m]; buf[m] != w {
				t.Fatalf("GridPoint %d: %v", k, buf)
			}
		}
	}
	if allocs := testing.AllocsPerRun(100, func() { p.Point(buf, 0.3, 0.7) }); allocs != 0 {
		t.Errorf("Point allocates %v times", allocs)
	}
	if _, err := NewPlane(c, d1[:2], d2); err == nil {
		t.Error("length mismatch accepted")
	}
}

func TestPlaneThrough(t *testing.T) {
	w0 := []float64{1, 1, 1, 1}
	w1 := []float64{3, 1, 1, 1}
	w2 := []float64{2, 4, 1, 1}
	buf := make([]float64, 4)
	for _, ortho := range []bool{false, true} {
		p, coords, err := PlaneThrough(w0, w1, w2, ortho)
		if err != nil {
			t.Fatal(err)
		}
		for k, w := range [][]float64{w0, w1, w2} {
			got := p.Point(buf, coords[k][0], coords[k][1])
			for j := range w {
				if math.Abs(got[j]-w[j]) > 1e-14 {
					t.Fatalf("ortho=%v point %d at %v gives %v, want %v", ortho, k, coords[k], got, w)
				}
			}
		}
		if ortho {
			if coords[1] != [2]float64{2, 0} || coords[2] != [2]float64{1, 3} {
				t.Errorf("orthonormal coords %v", coords)
			}
		}
	}
	if _, _, err := PlaneThrough(w0, w1, []float64{5, 1, 1, 1}, true); !errors.Is(err, ErrCollinear) {
		t.Errorf("collinear: %v", err)
	}
	if _, _, err := PlaneThrough(w0, w1, []float64{5, 1, 1, 1}, false); !errors.Is(err, ErrCollinear) {
		t.Errorf("collinear: %v", err)
	}
}

// A line ignores b; Coordinates recovers the coordinates of a point built
// on a plane with skewed, unnormalised directions, and measures the
// distance of a point moved off it along the normal.
func TestPlaneLineAndCoordinates(t *testing.T) {
	line, err := NewPlane([]float64{1, 2}, []float64{1, -1}, nil)
	if err != nil || !line.IsLine() {
		t.Fatalf("line: %v", err)
	}
	if got := line.Point(make([]float64, 2), 2, 99); got[0] != 3 || got[1] != 0 {
		t.Errorf("line point %v", got)
	}
	buf := make([]float64, 2)
	if i, j := line.GridPoint(buf, []float64{0, 1, 2}, nil, 2); i != 2 || j != 0 || buf[0] != 3 || buf[1] != 0 {
		t.Errorf("line grid point 2: (%d, %d) at %v", i, j, buf)
	}
	if a, _, _ := line.Coordinates([]float64{1, 2}); !math.IsNaN(a) {
		t.Errorf("coordinates on a line: %v, want NaN", a)
	}
	c := []float64{1, 0, 2}
	d1 := []float64{2, 0, 0}
	d2 := []float64{1, 3, 0} // not orthogonal to d1
	p, _ := NewPlane(c, d1, d2)
	for _, tc := range []struct{ a, b, off float64 }{{0, 0, 0}, {0.25, -2, 0}, {-1.5, 0.5, 3}} {
		w := p.Point(make([]float64, 3), tc.a, tc.b)
		w[2] += tc.off // the normal of the plane is the third axis
		a, b, dist := p.Coordinates(w)
		if math.Abs(a-tc.a) > 1e-15 || math.Abs(b-tc.b) > 1e-15 || math.Abs(dist-tc.off) > 1e-15 {
			t.Errorf("%+v: coordinates (%v, %v), distance %v", tc, a, b, dist)
		}
	}
	if a, _, _ := (Plane{Centre: c, D1: d1, D2: []float64{4, 0, 0}}).Coordinates(c); !math.IsNaN(a) {
		t.Errorf("parallel directions: %v, want NaN", a)
	}
}
