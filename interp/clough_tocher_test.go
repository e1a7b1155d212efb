package interp

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestCloughTocherDataValues(t *testing.T) {
	for seed := uint64(0); seed < 5; seed++ {
		x, y := randomPoints(30+20*int(seed), seed+10)
		v := make([]float64, len(x))
		r := rand.New(rand.NewPCG(seed, 2))
		for i := range v {
			v[i] = r.NormFloat64()
		}
		ct, err := NewCloughTocher(x, y, v)
		if err != nil {
			t.Fatal(err)
		}
		for i := range x {
			if got := ct.At(x[i], y[i]); math.Abs(got-v[i]) > 1e-13*(1+math.Abs(v[i])) {
				t.Fatalf("seed %d point %d: %v, want %v", seed, i, got, v[i])
			}
		}
	}
}

func TestCloughTocherLinearExact(t *testing.T) {
	f := func(x, y float64) float64 { return 3 + 2*x - 1.5*y }
	sets := map[string][2][]float64{}
	x, y := randomPoints(60, 3)
	sets["random"] = [2][]float64{x, y}
	var gx, gy []float64
	for i := 0; i < 9; i++ {
		for j := 0; j < 7; j++ {
			gx = append(gx, float64(i)*0.25)
			gy = append(gy, float64(j)*0.5)
		}
	}
	sets["grid"] = [2][]float64{gx, gy}
	for name, p := range sets {
		v := make([]float64, len(p[0]))
		for i := range v {
			v[i] = f(p[0][i], p[1][i])
		}
		// With SciPy's default tolerance the gradients are the linear
		// function's to within the stopping tolerance; with a tight one the
		// interpolant is linear to rounding.
		for _, c := range []struct {
			opt CloughTocherOptions
			tol float64
		}{
			{CloughTocherOptions{}, 1e-6},
			{CloughTocherOptions{Tol: 1e-14, MaxIter: 5000}, 1e-12},
		} {
			ct, err := NewCloughTocherOptions(p[0], p[1], v, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			gxs, gys := BoundingBoxGrid(p[0], p[1], 80, 80)
			grid := ct.Grid(gxs, gys)
			var worst float64
			inside := 0
			for i := range gxs {
				for j := range gys {
					if math.IsNaN(grid[i][j]) {
						continue
					}
					inside++
					worst = max(worst, math.Abs(grid[i][j]-f(gxs[i], gys[j])))
				}
			}
			if inside < 1000 || worst > c.tol {
				t.Errorf("%s tol %g: %d points inside, max error %g (> %g)", name, c.opt.Tol, inside, worst, c.tol)
			}
			t.Logf("%s tol %g: max error %.3g over %d points, %d sweeps", name, c.opt.Tol, worst, inside, ct.Iterations())
		}
	}
}

// TestCloughTocherContinuity evaluates both triangles' cubics at points of
// every shared edge (C0), and one-sided derivatives across the edge (C1).
func TestCloughTocherContinuity(t *testing.T) {
	x, y := randomPoints(80, 21)
	v := make([]float64, len(x))
	for i := range v {
		v[i] = math.Sin(4*x[i]) + math.Cos(3*y[i]) + x[i]*y[i]
	}
	ct, err := NewCloughTocher(x, y, v)
	if err != nil {
		t.Fatal(err)
	}
	tr := ct.Triangulation()
	evalIn := func(tri int, px, py float64) float64 {
		return evalCT(&ct.coef[tri], ct.loc.bary(tri, px, py))
	}
	var worst0, worst1 float64
	edges := 0
	for ti, vs := range tr.Triangles {
		for k := 0; k < 3; k++ {
			nb := tr.Neighbors[ti][k]
			if nb < ti { // hull edge, or seen from the other side
				continue
			}
			edges++
			a, b := vs[(k+1)%3], vs[(k+2)%3]
			ex, ey := x[b]-x[a], y[b]-y[a]
			l := math.Hypot(ex, ey)
			// Unit normal pointing out of ti (ti is ccw, so to the right of a->b).
			nx, ny := ey/l, -ex/l
			for _, s := range []float64{0.1, 0.25, 0.5, 0.8, 0.95} {
				px, py := x[a]+s*ex, y[a]+s*ey
				f0, f1 := evalIn(ti, px, py), evalIn(nb, px, py)
				worst0 = max(worst0, math.Abs(f0-f1))
				// Second-order one-sided differences along the normal, each
				// inside its own triangle.
				h := 1e-6 * l
				out := (-3*f1 + 4*evalIn(nb, px+h*nx, py+h*ny) - evalIn(nb, px+2*h*nx, py+2*h*ny)) / (2 * h)
				in := (3*f0 - 4*evalIn(ti, px-h*nx, py-h*ny) + evalIn(ti, px-2*h*nx, py-2*h*ny)) / (2 * h)
				worst1 = max(worst1, math.Abs(out-in)/(1+math.Abs(in)))
			}
		}
	}
	t.Logf("%d interior edges: max jump %.3g, max derivative jump %.3g", edges, worst0, worst1)
	if worst0 > 1e-12 {
		t.Errorf("value jumps by %g across an edge", worst0)
	}
	if worst1 > 1e-5 {
		t.Errorf("normal derivative jumps by %g across an edge", worst1)
	}
	// The public path agrees on the edges too.
	for ti, vs := range tr.Triangles {
		a, b := vs[0], vs[1]
		px, py := (x[a]+x[b])/2, (y[a]+y[b])/2
		if d := math.Abs(ct.At(px, py) - evalIn(ti, px, py)); d > 1e-12 {
			t.Fatalf("At on edge differs from triangle %d by %g", ti, d)
		}
	}
}

func TestCloughTocherOutsideHull(t *testing.T) {
	// A square with a point in the middle: the hull is the square.
	x := []float64{0, 1, 1, 0, 0.5, 0.3}
	y := []float64{0, 0, 1, 1, 0.5, 0.6}
	v := []float64{1, 2, 3, 4, 5, 6}
	ct, err := NewCloughTocher(x, y, v)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range [][2]float64{{-0.1, 0.5}, {1.0000001, 0.5}, {1 + 1e-12, 0.5}, {0.5, -1e-12}, {0.5, 2}, {-5, -5}, {math.NaN(), 0.5}, {math.Inf(1), 0}} {
		if got := ct.At(p[0], p[1]); !math.IsNaN(got) {
			t.Errorf("At(%v) = %v outside the hull, want NaN", p, got)
		}
	}
	// On the boundary (edges and corners), and outside by less than the
	// tolerance: defined.
	for _, p := range [][2]float64{{0, 0.5}, {1, 0.25}, {0.5, 0}, {0.5, 1}, {1, 1}, {0, 0}, {1 + 1e-15, 0.5}, {0.5, -1e-15}} {
		if got := ct.At(p[0], p[1]); math.IsNaN(got) {
			t.Errorf("At(%v) = NaN on the hull boundary", p)
		}
	}
	// A triangle-shaped hull inside the bounding box: the corners of the box
	// outside the hull are NaN.
	x2 := []float64{0, 1, 0, 0.2}
	y2 := []float64{0, 0, 1, 0.2}
	ct2, err := NewCloughTocher(x2, y2, []float64{0, 1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := ct2.At(0.9, 0.9); !math.IsNaN(got) {
		t.Errorf("At(0.9, 0.9) = %v, outside the triangle", got)
	}
	if got := ct2.At(0.5, 0.5); math.IsNaN(got) {
		t.Errorf("At(0.5, 0.5) on the hypotenuse is NaN")
	}
}

func TestCloughTocherQuadratic(t *testing.T) {
	f := func(x, y float64) float64 { return x*x + x*y - 0.5*y*y + 0.3*x }
	x, y := randomPoints(400, 33)
	v := make([]float64, len(x))
	for i := range v {
		v[i] = f(x[i], y[i])
	}
	ct, err := NewCloughTocher(x, y, v)
	if err != nil {
		t.Fatal(err)
	}
	// Interior region, away from the hull where the estimated gradients are
	// one-sided.
	var worst float64
	for _, px := range MGridAxis(0.15, 0.85, 41) {
		for _, py := range MGridAxis(0.15, 0.85, 41) {
			worst = max(worst, math.Abs(ct.At(px, py)-f(px, py)))
		}
	}
	t.Logf("quadratic: max interior error %.3g", worst)
	if worst > 2e-3 {
		t.Errorf("quadratic reproduced with max error %g", worst)
	}
}

func TestCloughTocherDuplicates(t *testing.T) {
	x := []float64{0, 1, 0, 1, 0.4, 1, 0.4}
	y := []float64{0, 0, 1, 1, 0.6, 0, 0.6}
	v := []float64{0, 1, 2, 3, 4, 9, 9}
	ct, err := NewCloughTocher(x, y, v)
	if err != nil {
		t.Fatal(err)
	}
	// The first occurrence is kept: values 1 and 4, not 9.
	if got := ct.At(1, 0); got != 1 {
		t.Errorf("At(1,0) = %v, want 1", got)
	}
	if got := ct.At(0.4, 0.6); math.Abs(got-4) > 1e-14 {
		t.Errorf("At(0.4,0.6) = %v, want 4", got)
	}
	g := ct.Gradients()
	if g[5] != g[1] || g[6] != g[4] {
		t.Errorf("duplicates do not share their vertex's gradient: %v", g)
	}
	if _, err := NewCloughTocher(x, y, v[:3]); err == nil {
		t.Error("length mismatch accepted")
	}
	if _, err := NewCloughTocher([]float64{0, 1, 2}, []float64{0, 1, 2}, []float64{1, 2, 3}); err == nil {
		t.Error("collinear points accepted")
	}
}

func TestMGridAxis(t *testing.T) {
	// numpy: np.mgrid[a:b:200j] ends one ulp off b here.
	a, b := 0.04097352393619469, 0.016527635528529094
	if m := MGridAxis(a, b, 200); m[199] != 0.016527635528529098 || m[77] != 0.03151456209001252 || m[0] != a {
		t.Fatalf("MGridAxis = %v ... %v", m[0], m[199])
	}
	if m := MGridAxis(2, 3, 1); len(m) != 1 || m[0] != 2 {
		t.Fatalf("MGridAxis(2,3,1) = %v", m)
	}
}
