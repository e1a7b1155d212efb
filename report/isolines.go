package report

import "math"

// segment is one straight piece of an isoline: from (X1, Y1) to (X2, Y2) at
// the given level.
type segment struct {
	X1, Y1, X2, Y2, Level float64
}

// isolines returns the level sets of z on the grid x, y (z[i][j] at (x[j],
// y[i])) at each level, by marching squares with linear interpolation along
// cell edges. Cells with a NaN corner are skipped, so a grid that is NaN
// outside some region gives lines that stop at its boundary. Saddle cells
// are resolved by the mean of their corners.
func isolines(x, y []float64, z [][]float64, levels []float64) []segment {
	var out []segment
	for _, lv := range levels {
		for i := 0; i+1 < len(y); i++ {
			for j := 0; j+1 < len(x); j++ {
				// Corners counter-clockwise from the lower left.
				c := [4]float64{z[i][j], z[i][j+1], z[i+1][j+1], z[i+1][j]}
				px := [4]float64{x[j], x[j+1], x[j+1], x[j]}
				py := [4]float64{y[i], y[i], y[i+1], y[i+1]}
				if math.IsNaN(c[0]) || math.IsNaN(c[1]) || math.IsNaN(c[2]) || math.IsNaN(c[3]) {
					continue
				}
				idx := 0
				for k := range 4 {
					if c[k] >= lv {
						idx |= 1 << k
					}
				}
				if idx == 0 || idx == 15 {
					continue
				}
				// cross returns the point where the level crosses edge k (from
				// corner k to corner k+1).
				cross := func(k int) (float64, float64) {
					a, b := k, (k+1)%4
					t := (lv - c[a]) / (c[b] - c[a])
					return px[a] + t*(px[b]-px[a]), py[a] + t*(py[b]-py[a])
				}
				var edges []int // the edges crossed, paired in order
				for k := range 4 {
					if (idx>>k)&1 != (idx>>((k+1)%4))&1 {
						edges = append(edges, k)
					}
				}
				if len(edges) == 4 {
					// A saddle: pair edges so that the line keeps the higher
					// corners together when the centre is above the level.
					centre := (c[0] + c[1] + c[2] + c[3]) / 4
					above0 := idx&1 != 0
					if (centre >= lv) == above0 {
						edges = []int{0, 1, 2, 3}
					} else {
						edges = []int{3, 0, 1, 2}
					}
				}
				for e := 0; e+1 < len(edges); e += 2 {
					x1, y1 := cross(edges[e])
					x2, y2 := cross(edges[e+1])
					out = append(out, segment{x1, y1, x2, y2, lv})
				}
			}
		}
	}
	return out
}
