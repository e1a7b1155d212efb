package interp

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// checkTriangulation verifies the structural invariants and, by brute force,
// the empty-circumcircle property: no vertex lies strictly inside the
// circumcircle of any triangle.
func checkTriangulation(t *testing.T, tr *Triangulation, name string, checkEmpty bool) {
	t.Helper()
	x, y := tr.X, tr.Y
	nv := 0
	for i := range x {
		if tr.IsVertex(i) {
			nv++
		} else if r := tr.Rep[i]; x[r] != x[i] || y[r] != y[i] || !tr.IsVertex(r) {
			t.Fatalf("%s: point %d represented by %d with other coordinates", name, i, r)
		}
	}
	used := make([]bool, len(x))
	hullEdges := 0
	for ti, v := range tr.Triangles {
		if o := orient2d(x[v[0]], y[v[0]], x[v[1]], y[v[1]], x[v[2]], y[v[2]]); o <= 0 {
			t.Fatalf("%s: triangle %d %v not counter-clockwise (%g)", name, ti, v, o)
		}
		for k := 0; k < 3; k++ {
			used[v[k]] = true
			nb := tr.Neighbors[ti][k]
			if nb < 0 {
				hullEdges++
				continue
			}
			// The neighbour must share the edge opposite v[k] and point back.
			a, b := v[(k+1)%3], v[(k+2)%3]
			back := -1
			for j := 0; j < 3; j++ {
				if tr.Neighbors[nb][j] == ti {
					back = j
				}
			}
			if back < 0 {
				t.Fatalf("%s: neighbour %d of %d does not point back", name, nb, ti)
			}
			w := tr.Triangles[nb]
			if w[(back+1)%3] != b || w[(back+2)%3] != a {
				t.Fatalf("%s: triangles %d %v and %d %v disagree on their edge", name, ti, v, nb, w)
			}
		}
	}
	for i := range x {
		if tr.IsVertex(i) != used[i] {
			t.Fatalf("%s: point %d vertex=%v but used=%v", name, i, tr.IsVertex(i), used[i])
		}
	}
	// Euler: T = 2V - 2 - H for a triangulated convex polygon with H hull vertices
	// (counting collinear hull vertices), and H = number of hull edges.
	if want := 2*nv - 2 - hullEdges; len(tr.Triangles) != want {
		t.Fatalf("%s: %d triangles, want 2V-2-H = %d", name, len(tr.Triangles), want)
	}
	if !checkEmpty {
		return
	}
	for ti, v := range tr.Triangles {
		for i := range x {
			if !tr.IsVertex(i) || i == v[0] || i == v[1] || i == v[2] {
				continue
			}
			if incircle(x[v[0]], y[v[0]], x[v[1]], y[v[1]], x[v[2]], y[v[2]], x[i], y[i]) > 0 {
				t.Fatalf("%s: point %d inside the circumcircle of triangle %d %v", name, i, ti, v)
			}
		}
	}
}

// checkLocallyDelaunay checks every interior edge: the vertex across it is
// not strictly inside the circumcircle. For a triangulation this local
// property is equivalent to the global one, and it costs O(T).
func checkLocallyDelaunay(t *testing.T, tr *Triangulation, name string) {
	t.Helper()
	x, y := tr.X, tr.Y
	for ti, v := range tr.Triangles {
		for k := 0; k < 3; k++ {
			nb := tr.Neighbors[ti][k]
			if nb < 0 {
				continue
			}
			w := tr.Triangles[nb]
			for j := 0; j < 3; j++ {
				if tr.Neighbors[nb][j] == ti {
					o := w[j]
					if incircle(x[v[0]], y[v[0]], x[v[1]], y[v[1]], x[v[2]], y[v[2]], x[o], y[o]) > 0 {
						t.Fatalf("%s: edge between triangles %d and %d is not locally Delaunay", name, ti, nb)
					}
				}
			}
		}
	}
}

func TestDelaunayLarge(t *testing.T) {
	x, y := randomPoints(10000, 77)
	tr, err := Delaunay(x, y)
	if err != nil {
		t.Fatal(err)
	}
	checkTriangulation(t, tr, "10k", false)
	checkLocallyDelaunay(t, tr, "10k")
	var gx, gy []float64
	for i := 0; i < 60; i++ {
		for j := 0; j < 70; j++ {
			gx = append(gx, 3+float64(i)*0.01)
			gy = append(gy, float64(j)*0.01)
		}
	}
	tr, err = Delaunay(gx, gy)
	if err != nil {
		t.Fatal(err)
	}
	checkTriangulation(t, tr, "grid 60x70", false)
	checkLocallyDelaunay(t, tr, "grid 60x70")
	if len(tr.Triangles) != 2*59*69 {
		t.Fatalf("grid: %d triangles", len(tr.Triangles))
	}
}

// hullArea returns the area of the convex hull (monotone chain).
func hullArea(x, y []float64) float64 {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	sortIdx(idx, x, y)
	cross := func(o, a, b int) float64 {
		return (x[a]-x[o])*(y[b]-y[o]) - (y[a]-y[o])*(x[b]-x[o])
	}
	var h []int
	for _, p := range idx {
		for len(h) >= 2 && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	lower := len(h) + 1
	for k := len(idx) - 2; k >= 0; k-- {
		p := idx[k]
		for len(h) >= lower && cross(h[len(h)-2], h[len(h)-1], p) <= 0 {
			h = h[:len(h)-1]
		}
		h = append(h, p)
	}
	h = h[:len(h)-1]
	var a float64
	for k := range h {
		i, j := h[k], h[(k+1)%len(h)]
		a += x[i]*y[j] - x[j]*y[i]
	}
	return a / 2
}

func sortIdx(idx []int, x, y []float64) {
	for i := 1; i < len(idx); i++ {
		for j := i; j > 0; j-- {
			a, b := idx[j-1], idx[j]
			if x[a] > x[b] || (x[a] == x[b] && y[a] > y[b]) {
				idx[j-1], idx[j] = b, a
			} else {
				break
			}
		}
	}
}

func triArea(tr *Triangulation) float64 {
	var a float64
	x, y := tr.X, tr.Y
	for _, v := range tr.Triangles {
		a += ((x[v[1]]-x[v[0]])*(y[v[2]]-y[v[0]]) - (x[v[2]]-x[v[0]])*(y[v[1]]-y[v[0]])) / 2
	}
	return a
}

func randomPoints(n int, seed uint64) (x, y []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	x, y = make([]float64, n), make([]float64, n)
	for i := range x {
		x[i], y[i] = r.Float64(), r.Float64()
	}
	return
}

func TestDelaunayRandomEmptyCircumcircle(t *testing.T) {
	for seed := uint64(0); seed < 20; seed++ {
		n := 3 + int(seed)*23
		x, y := randomPoints(n, seed)
		tr, err := Delaunay(x, y)
		if err != nil {
			t.Fatal(err)
		}
		checkTriangulation(t, tr, "random", true)
		if a, h := triArea(tr), hullArea(x, y); math.Abs(a-h) > 1e-12 {
			t.Fatalf("seed %d: triangles cover %g, hull area %g", seed, a, h)
		}
	}
}

func TestDelaunayRegularGrid(t *testing.T) {
	// Every unit square of a grid is cocircular: many valid triangulations.
	var x, y []float64
	for i := 0; i < 15; i++ {
		for j := 0; j < 12; j++ {
			x = append(x, float64(i)*0.1)
			y = append(y, float64(j)*0.3)
		}
	}
	tr, err := Delaunay(x, y)
	if err != nil {
		t.Fatal(err)
	}
	checkTriangulation(t, tr, "grid", true)
	if len(tr.Triangles) != 2*14*11 {
		t.Fatalf("%d triangles, want %d", len(tr.Triangles), 2*14*11)
	}
	if a := triArea(tr); math.Abs(a-1.4*3.3) > 1e-12 {
		t.Fatalf("area %g", a)
	}
}

func TestDelaunayDuplicatesAndCollinear(t *testing.T) {
	// Collinear points along the hull and in the interior, exact duplicates.
	x := []float64{0, 1, 2, 3, 4, 0, 2, 2, 1, 3, 2, 0, 4, 2}
	y := []float64{0, 0, 0, 0, 0, 2, 2, 1, 0, 0, 1, 1, 2, 0.5}
	tr, err := Delaunay(x, y)
	if err != nil {
		t.Fatal(err)
	}
	checkTriangulation(t, tr, "dup", true)
	for i, want := range map[int]int{8: 1, 9: 3, 10: 7} {
		if tr.Rep[i] != want {
			t.Errorf("Rep[%d] = %d, want %d", i, tr.Rep[i], want)
		}
	}
	if a := triArea(tr); math.Abs(a-8) > 1e-12 {
		t.Fatalf("area %g, want 8", a)
	}
}

func TestDelaunayDegenerate(t *testing.T) {
	cases := [][2][]float64{
		{{0, 1}, {0, 1}},
		{{0, 1, 2, 3}, {0, 1, 2, 3}},
		{{1, 1, 1}, {2, 2, 2}},
		{{0, 0, 0, 0, 0}, {0, 1, 2, 1, 0}},
	}
	for _, c := range cases {
		if _, err := Delaunay(c[0], c[1]); !errors.Is(err, ErrDegenerate) {
			t.Errorf("%v: err = %v, want ErrDegenerate", c, err)
		}
	}
	if _, err := Delaunay([]float64{0, 1, math.NaN()}, []float64{0, 0, 1}); err == nil {
		t.Error("NaN coordinate accepted")
	}
}

func TestDelaunayNearDegenerate(t *testing.T) {
	// Points within a few ulps of a line and of a circle: only exact
	// predicates keep the triangulation consistent.
	var x, y []float64
	for i := 0; i < 60; i++ {
		u := float64(i) / 59
		x = append(x, u)
		y = append(y, 0.5*u+float64(i%3-1)*1e-17)
	}
	x = append(x, 0.3, 0.7)
	y = append(y, 0.9, -0.4)
	for i := 0; i < 40; i++ {
		a := 2 * math.Pi * float64(i) / 40
		x = append(x, 0.5+2*math.Cos(a))
		y = append(y, 0.25+2*math.Sin(a))
	}
	tr, err := Delaunay(x, y)
	if err != nil {
		t.Fatal(err)
	}
	checkTriangulation(t, tr, "near", true)
}

func TestPredicatesExact(t *testing.T) {
	// Points on a line through a tiny perturbation: the float filter fails
	// and the exact path must give the true sign.
	ax, ay := 0.5, 0.5
	bx, by := 12.0, 12.0
	cx, cy := 24.0, 24.0
	if o := orient2d(ax, ay, bx, by, cx, cy); o != 0 {
		t.Fatalf("collinear orient = %g", o)
	}
	for k := 1; k < 64; k++ {
		px := math.Nextafter(0.5, 1)
		for j := 0; j < k; j++ {
			px = math.Nextafter(px, 1)
		}
		// p slightly right of a along x: below the line y=x, right of b->c.
		if o := orient2d(px, 0.5, bx, by, cx, cy); o >= 0 {
			t.Fatalf("k=%d: orient %g, want < 0", k, o)
		}
	}
	// Four cocircular grid points, and a point a hair inside.
	if d := incircle(0, 0, 1, 0, 1, 1, 0, 1); d != 0 {
		t.Fatalf("cocircular incircle = %g", d)
	}
	if d := incircle(0, 0, 1, 0, 1, 1, 1e-300, 1); d <= 0 {
		t.Fatalf("inside incircle = %g", d)
	}
	if d := incircle(0.1, 0.1, 1.1, 0.1, 1.1, 1.1, 0.1, math.Nextafter(1.1, 2)); d >= 0 {
		t.Fatalf("outside incircle = %g", d)
	}
}
