package interp

import "math"

// Point location with SciPy's tolerances (qhull._find_simplex and friends
// in scipy/spatial/_qhull.pyx): a point belongs to a triangle when each of
// its barycentric coordinates lies in [-eps, 1+eps], eps = 100 DBL_EPSILON,
// so points on the hull boundary, or outside it by a relative 2e-14, are
// inside. Points outside the bounding box of the vertices by more than eps
// (absolute) are outside at once.

const (
	locEps      = 100 * 0x1p-52          // 100 DBL_EPSILON
	locEpsBroad = 1.4901161193847656e-07 // sqrt(locEps): SciPy's eps_broad in the Clough-Tocher evaluation
)

// locator holds the affine maps from the plane to barycentric coordinates.
type locator struct {
	tr         *Triangulation
	transform  [][6]float64 // Tinv (row-major 2x2), then the third vertex r
	bad        []bool       // degenerate triangle: SciPy's NaN transform
	minX, maxX float64
	minY, maxY float64
}

func newLocator(tr *Triangulation) *locator {
	l := &locator{tr: tr, transform: make([][6]float64, len(tr.Triangles)), bad: make([]bool, len(tr.Triangles))}
	l.minX, l.maxX = math.Inf(1), math.Inf(-1)
	l.minY, l.maxY = math.Inf(1), math.Inf(-1)
	for i := range tr.X {
		if tr.IsVertex(i) {
			l.minX, l.maxX = min(l.minX, tr.X[i]), max(l.maxX, tr.X[i])
			l.minY, l.maxY = min(l.minY, tr.Y[i]), max(l.maxY, tr.Y[i])
		}
	}
	for t, v := range tr.Triangles {
		x, y := tr.X, tr.Y
		// T[i][j] = (vertex j - vertex 2) along coordinate i.
		t00, t01 := x[v[0]]-x[v[2]], x[v[1]]-x[v[2]]
		t10, t11 := y[v[0]]-y[v[2]], y[v[1]]-y[v[2]]
		det := t00*t11 - t01*t10
		inv := [4]float64{t11 / det, -t01 / det, -t10 / det, t00 / det}
		// SciPy marks a transform whose reciprocal 1-norm condition number
		// is below 1000 DBL_EPSILON as invalid (NaN).
		norm := max(math.Abs(t00)+math.Abs(t10), math.Abs(t01)+math.Abs(t11))
		inorm := max(math.Abs(inv[0])+math.Abs(inv[2]), math.Abs(inv[1])+math.Abs(inv[3]))
		if !(1/(norm*inorm) >= 1000*0x1p-52) {
			l.bad[t] = true
		}
		l.transform[t] = [6]float64{inv[0], inv[1], inv[2], inv[3], x[v[2]], y[v[2]]}
	}
	return l
}

// bary returns the barycentric coordinates of (px, py) in triangle t, the
// last one as 1 - c0 - c1, as SciPy does.
func (l *locator) bary(t int, px, py float64) (c [3]float64) {
	m := &l.transform[t]
	dx, dy := px-m[4], py-m[5]
	c[0] = m[0]*dx + m[1]*dy
	c[1] = m[2]*dx + m[3]*dy
	c[2] = 1 - c[0] - c[1]
	return c
}

// find returns the triangle containing (px, py) and the point's barycentric
// coordinates there, or -1 when it is outside the triangulation. start is
// the triangle to begin the walk at; find updates it, so that nearby
// queries in sequence are cheap.
func (l *locator) find(px, py float64, start *int) (int, [3]float64) {
	var c [3]float64
	if px < l.minX-locEps || px > l.maxX+locEps || py < l.minY-locEps || py > l.maxY+locEps ||
		math.IsNaN(px) || math.IsNaN(py) {
		return -1, c
	}
	nt := len(l.tr.Triangles)
	t := *start
	if t < 0 || t >= nt {
		t = 0
	}
	// Directed walk: move towards the first neighbour whose barycentric
	// coordinate is negative (SciPy's _find_simplex_directed).
	for cycle := 0; cycle < 1+nt/4; cycle++ {
		if l.bad[t] {
			break
		}
		c = l.bary(t, px, py)
		hop := -1
		inside := true
		for k := 0; k < 3; k++ {
			if c[k] < -locEps {
				m := l.tr.Neighbors[t][k]
				if m == -1 {
					*start = t
					return -1, c
				}
				hop = m
				break
			} else if !(c[k] <= 1+locEps) {
				inside = false
			}
		}
		if hop >= 0 {
			t = hop
			continue
		}
		if inside {
			*start = t
			return t, c
		}
		break
	}
	t, c = l.bruteForce(px, py)
	if t >= 0 {
		*start = t
	}
	return t, c
}

// bruteForce is SciPy's _find_simplex_bruteforce: test every triangle; a
// degenerate one is replaced by its neighbours, with the broad tolerance on
// the side facing it.
func (l *locator) bruteForce(px, py float64) (int, [3]float64) {
	var c [3]float64
	for t := range l.tr.Triangles {
		if !l.bad[t] {
			c = l.bary(t, px, py)
			if c[0] >= -locEps && c[0] <= 1+locEps && c[1] >= -locEps && c[1] <= 1+locEps &&
				c[2] >= -locEps && c[2] <= 1+locEps {
				return t, c
			}
			continue
		}
		for k := 0; k < 3; k++ {
			nb := l.tr.Neighbors[t][k]
			if nb == -1 || l.bad[nb] {
				continue
			}
			c = l.bary(nb, px, py)
			ok := true
			for m := 0; m < 3; m++ {
				lo := -locEps
				if l.tr.Neighbors[nb][m] == t {
					lo = -locEpsBroad
				}
				if !(c[m] >= lo && c[m] <= 1+locEps) {
					ok = false
					break
				}
			}
			if ok {
				return nb, c
			}
		}
	}
	return -1, c
}
