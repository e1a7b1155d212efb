package trajectory

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

// The hand-computed example: four snapshots in R^3 with mean zero,
//
//	(1,0,1), (-1,0,1), (0,2,-1), (0,-2,-1)
//
// so X^T X = diag(2, 8, 4). The top two directions are e2 (lambda 8) and
// e3 (lambda 4), shares 8/14 and 4/14; the coordinates are (0,1), (0,1),
// (2,-1), (-2,-1) and the residuals are the e1 parts: distances 1, 1, 0, 0.
func handExample() [][][]float64 {
	return [][][]float64{
		{{1, 0, 1}, {-1, 0, 1}},
		{{0, 2, -1}, {0, -2, -1}},
	}
}

func TestPCAHandExample(t *testing.T) {
	for _, route := range []PCARoute{RouteAuto, RouteGram, RouteCovariance} {
		p, err := FitPCA(handExample(), PCAOptions{K: 2, Route: route})
		if err != nil {
			t.Fatal(err)
		}
		wantDirs := [][]float64{{0, 1, 0}, {0, 0, 1}}
		for k := range wantDirs {
			for j := range wantDirs[k] {
				if !near(p.Directions[k][j], wantDirs[k][j], 1e-14) {
					t.Fatalf("route %d: direction %d = %v", route, k, p.Directions[k])
				}
			}
		}
		if !near(p.Eigenvalues[0], 8, 1e-13) || !near(p.Eigenvalues[1], 4, 1e-13) {
			t.Errorf("eigenvalues %v", p.Eigenvalues)
		}
		if !near(p.Share[0], 8.0/14, 1e-15) || !near(p.Share[1], 4.0/14, 1e-15) || !near(p.Total, 14, 1e-13) {
			t.Errorf("share %v total %v", p.Share, p.Total)
		}
		wantC := [][][]float64{{{0, 1}, {0, 1}}, {{2, -1}, {-2, -1}}}
		wantD := [][]float64{{1, 1}, {0, 0}}
		for r := range wantC {
			for s := range wantC[r] {
				for k := 0; k < 2; k++ {
					if !near(p.Coords[r][s][k], wantC[r][s][k], 1e-14) {
						t.Errorf("route %d: coords[%d][%d] = %v", route, r, s, p.Coords[r][s])
					}
				}
				if !near(p.Distance[r][s], wantD[r][s], 1e-14) {
					t.Errorf("route %d: distance[%d][%d] = %v", route, r, s, p.Distance[r][s])
				}
			}
		}
		wantRoute := route
		if route == RouteAuto {
			wantRoute = RouteCovariance // P = 3 < N = 4
		}
		if p.Route != wantRoute {
			t.Errorf("route %d used %d", route, p.Route)
		}
	}
}

// randomRuns makes runs of snapshots in R^p: a random walk near a
// low-dimensional subspace, like training trajectories.
func randomRuns(seed uint64, runs, steps, p int, noise float64) [][][]float64 {
	r := rand.New(rand.NewPCG(seed, 7))
	basis := make([][]float64, 3)
	for k := range basis {
		basis[k] = make([]float64, p)
		for j := range basis[k] {
			basis[k][j] = r.NormFloat64()
		}
	}
	out := make([][][]float64, runs)
	for i := range out {
		a, b, c := r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		for s := 0; s < steps; s++ {
			x := make([]float64, p)
			a += 0.3 * r.NormFloat64()
			b += 0.2 * r.NormFloat64()
			c += 0.05 * r.NormFloat64()
			for j := range x {
				x[j] = 1 + a*basis[0][j] + b*basis[1][j] + c*basis[2][j] + noise*r.NormFloat64()
			}
			out[i] = append(out[i], x)
		}
	}
	return out
}

func TestPCAOrthonormalAndRoutesAgree(t *testing.T) {
	runs := randomRuns(1, 3, 12, 30, 0.01) // N = 36 > P = 30
	for _, centre := range [][]float64{nil, runs[0][11]} {
		g, err := FitPCA(runs, PCAOptions{K: 3, Route: RouteGram, Centre: centre})
		if err != nil {
			t.Fatal(err)
		}
		c, err := FitPCA(runs, PCAOptions{K: 3, Route: RouteCovariance, Centre: centre})
		if err != nil {
			t.Fatal(err)
		}
		for a := range g.Directions {
			for b := range g.Directions {
				var dot float64
				for j := range g.Directions[a] {
					dot += g.Directions[a][j] * g.Directions[b][j]
				}
				want := 0.0
				if a == b {
					want = 1
				}
				if !near(dot, want, 1e-13) {
					t.Errorf("d%d.d%d = %g", a, b, dot)
				}
			}
			for j := range g.Directions[a] {
				if !near(g.Directions[a][j], c.Directions[a][j], 1e-10) {
					t.Fatalf("direction %d differs between routes: %v vs %v", a, g.Directions[a][j], c.Directions[a][j])
				}
			}
			if !near(g.Eigenvalues[a], c.Eigenvalues[a], 1e-10*g.Eigenvalues[0]) || !near(g.Share[a], c.Share[a], 1e-12) {
				t.Errorf("eigenvalue %d: %v vs %v", a, g.Eigenvalues[a], c.Eigenvalues[a])
			}
		}
		for r := range runs {
			for s := range runs[r] {
				if !near(g.Distance[r][s], c.Distance[r][s], 1e-10) {
					t.Errorf("distance %d/%d: %v vs %v", r, s, g.Distance[r][s], c.Distance[r][s])
				}
			}
		}
		if centre != nil && g.Distance[0][11] > 1e-14 {
			t.Errorf("the centre snapshot is %g from the plane", g.Distance[0][11])
		}
	}
}

func TestPCAPlanarTrajectory(t *testing.T) {
	// Two runs moving in the plane spanned by u and v through o, in R^5000
	// (Gram route): every snapshot is on the fitted plane.
	const p = 5000
	r := rand.New(rand.NewPCG(3, 3))
	o, u, v := make([]float64, p), make([]float64, p), make([]float64, p)
	for j := 0; j < p; j++ {
		o[j], u[j], v[j] = r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
	}
	var runs [][][]float64
	for run := 0; run < 2; run++ {
		var snaps [][]float64
		for s := 0; s < 15; s++ {
			a := math.Cos(float64(s)*0.3+float64(run)) * float64(s+1)
			b := math.Sin(float64(s)*0.2) * 0.5 * float64(s)
			x := make([]float64, p)
			for j := range x {
				x[j] = o[j] + a*u[j] + b*v[j]
			}
			snaps = append(snaps, x)
		}
		runs = append(runs, snaps)
	}
	for _, centre := range [][]float64{nil, runs[1][14]} {
		pc, err := FitPCA(runs, PCAOptions{Centre: centre})
		if err != nil {
			t.Fatal(err)
		}
		if pc.Route != RouteGram {
			t.Errorf("route %d, want Gram", pc.Route)
		}
		var worst float64
		for r := range pc.Distance {
			for _, d := range pc.Distance[r] {
				worst = max(worst, d)
			}
		}
		if worst > 1e-10 {
			t.Errorf("planar trajectory: max distance %g", worst)
		}
		if s := pc.Share[0] + pc.Share[1]; !near(s, 1, 1e-12) {
			t.Errorf("planar trajectory: shares sum to %v", s)
		}
		// Reconstruct a snapshot from its coordinates.
		x := runs[0][7]
		c := pc.Coords[0][7]
		for j := 0; j < p; j += 97 {
			y := pc.Centre[j] + c[0]*pc.Directions[0][j] + c[1]*pc.Directions[1][j]
			if !near(y, x[j], 1e-10*(1+math.Abs(x[j]))) {
				t.Fatalf("reconstruction %v vs %v", y, x[j])
			}
		}
	}
}

func TestPCASignConventionAndProject(t *testing.T) {
	runs := randomRuns(5, 2, 10, 200, 0.1)
	p1, err := FitPCA(runs, PCAOptions{K: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Negating every snapshot flips the data; the convention fixes the sign.
	neg := make([][][]float64, len(runs))
	for r := range runs {
		for _, s := range runs[r] {
			x := make([]float64, len(s))
			for j := range s {
				x[j] = -s[j]
			}
			neg[r] = append(neg[r], x)
		}
	}
	p2, err := FitPCA(neg, PCAOptions{K: 2})
	if err != nil {
		t.Fatal(err)
	}
	for k, d := range p1.Directions {
		best, at := 0.0, 0
		for j, v := range d {
			if math.Abs(v) > best {
				best, at = math.Abs(v), j
			}
		}
		if d[at] <= 0 {
			t.Errorf("direction %d: largest component %v not positive", k, d[at])
		}
		for j := range d {
			if !near(d[j], p2.Directions[k][j], 1e-10) {
				t.Fatalf("direction %d depends on the data's sign", k)
			}
		}
	}
	c, dist := p1.Project(runs[1][3])
	if !near(c[0], p1.Coords[1][3][0], 1e-12) || !near(dist, p1.Distance[1][3], 1e-12) {
		t.Errorf("Project %v %v, fitted %v %v", c, dist, p1.Coords[1][3], p1.Distance[1][3])
	}
	final := runs[0][9]
	c, dist = p1.ProjectFrom(final, final)
	if c[0] != 0 || c[1] != 0 || dist != 0 {
		t.Errorf("ProjectFrom(final, final) = %v %v", c, dist)
	}
}

func TestPCAErrors(t *testing.T) {
	if _, err := FitPCA(nil, PCAOptions{}); err == nil {
		t.Error("no snapshots accepted")
	}
	if _, err := FitPCA([][][]float64{{{1, 2}, {3}}}, PCAOptions{}); err == nil {
		t.Error("ragged snapshots accepted")
	}
	// Two snapshots about their mean span one direction only.
	_, err := FitPCA([][][]float64{{{1, 2, 3}, {2, 2, 2}}}, PCAOptions{K: 2})
	if !errors.Is(err, ErrRank) {
		t.Errorf("rank-1 data, K=2: err = %v", err)
	}
	if _, err := FitPCA([][][]float64{{{1, 2, 3}, {2, 2, 2}}}, PCAOptions{K: 1}); err != nil {
		t.Errorf("rank-1 data, K=1: %v", err)
	}
	if _, err := FitPCA([][][]float64{{{1, 2, 3}}}, PCAOptions{K: 1, Centre: []float64{1, 2}}); err == nil {
		t.Error("centre of the wrong length accepted")
	}
}
