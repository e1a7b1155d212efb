package interp

import (
	"encoding/json"
	"math"
	"os"
	"slices"
	"testing"
)

// goldenSet is one point set of testdata/clough_tocher.json, written by
// testdata/gen_golden.py with SciPy's griddata(method='cubic') and
// CloughTocher2DInterpolator. null (NaN) becomes a nil pointer.
type goldenSet struct {
	X, Y, Values []float64
	NX, NY       int
	GX, GY       []float64
	Grid         []*float64
	AtData       []*float64 `json:"at_data"`
	QX, QY       []float64
	Q            []*float64
	Grad         [][2]*float64
	Simplices    [][3]int
	Coplanar     []int
}

type goldenFile struct {
	Scipy string
	Sets  map[string]*goldenSet
}

func loadGolden(t testing.TB) *goldenFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/clough_tocher.json")
	if err != nil {
		t.Fatal(err)
	}
	var g goldenFile
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// errStats accumulates the largest absolute and relative errors against
// SciPy, the relative error being |got-want| / max(|want|, 1e-300) counted
// only where |want| > 1e-3 (near zero the absolute error is the measure).
type errStats struct {
	maxAbs, maxRel float64
	n              int
}

func (s *errStats) add(got float64, want *float64) (nanMismatch bool) {
	if want == nil {
		return !math.IsNaN(got)
	}
	if math.IsNaN(got) {
		return true
	}
	d := math.Abs(got - *want)
	s.maxAbs = max(s.maxAbs, d)
	if math.Abs(*want) > 1e-3 {
		s.maxRel = max(s.maxRel, d/math.Abs(*want))
	}
	s.n++
	return false
}

func TestGoldenScipy(t *testing.T) {
	g := loadGolden(t)
	// Tolerances per set. Points in general position: the triangulation is
	// unique and the agreement is at rounding level. linear_grid: every
	// grid square is cocircular, so Qhull and we may split squares along
	// different diagonals; with linear data the interpolant is linear up
	// to the gradient-iteration tolerance whatever the split. duplicates:
	// Qhull kept the later copy of point 10 (our rule keeps the first), so
	// the Gauss-Seidel sweep visits that vertex at another position and
	// stops at a slightly different iterate (differences of the order of
	// the 1e-6 stopping tolerance).
	tol := map[string]float64{
		"random20": 1e-11, "random50": 1e-11, "random100": 1e-11,
		"spiral": 1e-11, "linear": 1e-11, "near_collinear": 1e-10,
		"linear_grid": 1e-6, "duplicates": 1e-5,
	}
	names := make([]string, 0, len(g.Sets))
	for name := range g.Sets {
		names = append(names, name)
	}
	slices.Sort(names)
	var all errStats
	for _, name := range names {
		s := g.Sets[name]
		t.Run(name, func(t *testing.T) {
			ct, err := NewCloughTocher(s.X, s.Y, s.Values)
			if err != nil {
				t.Fatal(err)
			}
			if !ct.Converged() {
				t.Errorf("gradient estimation did not converge")
			}
			gx, gy := BoundingBoxGrid(s.X, s.Y, s.NX, s.NY)
			for i := range gx {
				if gx[i] != s.GX[i] {
					t.Fatalf("mgrid x[%d] = %v, numpy %v", i, gx[i], s.GX[i])
				}
			}
			for j := range gy {
				if gy[j] != s.GY[j] {
					t.Fatalf("mgrid y[%d] = %v, numpy %v", j, gy[j], s.GY[j])
				}
			}
			unique := name != "linear_grid" && name != "duplicates"
			if unique {
				var ours [][3]int
				for _, v := range ct.Triangulation().Triangles {
					w := v
					slices.Sort(w[:])
					ours = append(ours, w)
				}
				slices.SortFunc(ours, func(a, b [3]int) int { return slices.Compare(a[:], b[:]) })
				if !slices.Equal(ours, s.Simplices) {
					t.Fatalf("triangulation differs from Qhull's (%d vs %d triangles)", len(ours), len(s.Simplices))
				}
			}
			grid := ct.Grid(gx, gy)
			var st errStats
			nan := 0
			for i := range gx {
				for j := range gy {
					if st.add(grid[i][j], s.Grid[i*s.NY+j]) {
						nan++
						t.Errorf("grid (%d,%d) = %v, scipy %v", i, j, grid[i][j], s.Grid[i*s.NY+j])
					}
				}
			}
			for k := range s.X {
				if st.add(ct.At(s.X[k], s.Y[k]), s.AtData[k]) {
					t.Errorf("at data point %d: NaN mismatch", k)
				}
			}
			q := ct.Points(s.QX, s.QY)
			for k := range q {
				if st.add(q[k], s.Q[k]) {
					t.Errorf("query %d (%v,%v) = %v, scipy %v", k, s.QX[k], s.QY[k], q[k], s.Q[k])
				}
			}
			var gs errStats
			for k, gr := range ct.Gradients() {
				if s.Grad[k][0] == nil {
					continue // SciPy leaves points it dropped at NaN
				}
				gs.add(gr[0], s.Grad[k][0])
				gs.add(gr[1], s.Grad[k][1])
			}
			t.Logf("%d values: max abs err %.3g, max rel err %.3g; gradients: max abs %.3g, rel %.3g; %d sweeps",
				st.n, st.maxAbs, st.maxRel, gs.maxAbs, gs.maxRel, ct.Iterations())
			if st.maxAbs > tol[name] || gs.maxAbs > 10*tol[name] {
				t.Errorf("values: max abs err %g, gradients %g, tolerance %g", st.maxAbs, gs.maxAbs, tol[name])
			}
			if unique {
				all.maxAbs = max(all.maxAbs, st.maxAbs)
				all.maxRel = max(all.maxRel, st.maxRel)
				all.n += st.n
			}
		})
	}
	t.Logf("general-position sets: %d values, max abs err %.3g, max rel err %.3g (SciPy %s)", all.n, all.maxAbs, all.maxRel, g.Scipy)
}
