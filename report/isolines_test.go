package report

import (
	"math"
	"testing"
)

// The isolines of a plane are straight lines where the plane has the level;
// cells with a NaN corner have none.
func TestIsolines(t *testing.T) {
	x := []float64{0, 1, 2, 3}
	y := []float64{0, 1, 2}
	plane := func(a, b float64) [][]float64 {
		z := make([][]float64, len(y))
		for i := range y {
			z[i] = make([]float64, len(x))
			for j := range x {
				z[i][j] = a*x[j] + b*y[i]
			}
		}
		return z
	}
	cases := []struct {
		name   string
		z      [][]float64
		level  float64
		nSegs  int
		onLine func(x, y float64) bool
	}{
		{"x = 1.5", plane(1, 0), 1.5, 2, func(x, y float64) bool { return math.Abs(x-1.5) < 1e-12 }},
		{"x + y = 2.5", plane(1, 1), 2.5, 4, func(x, y float64) bool { return math.Abs(x+y-2.5) < 1e-12 }},
		{"outside the range", plane(1, 0), 7, 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			segs := isolines(x, y, c.z, []float64{c.level})
			if len(segs) != c.nSegs {
				t.Fatalf("%d segments, want %d: %v", len(segs), c.nSegs, segs)
			}
			for _, s := range segs {
				if !c.onLine(s.X1, s.Y1) || !c.onLine(s.X2, s.Y2) || s.Level != c.level {
					t.Errorf("segment %+v off the level set", s)
				}
			}
		})
	}
	z := plane(1, 0)
	z[1][1] = math.NaN() // touches the four cells around (1, 1)
	if segs := isolines(x, y, z, []float64{1.5}); len(segs) != 0 {
		t.Errorf("isolines through NaN cells: %v", segs)
	}
}
