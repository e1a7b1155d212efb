package interp

import (
	"fmt"
	"math"
)

// CloughTocher is a piecewise-cubic, C1, curvature-minimising interpolant of
// scattered 2-D data: a port of scipy.interpolate.CloughTocher2DInterpolator,
// which is also what scipy.interpolate.griddata(method='cubic') computes in
// two dimensions (interpnd.pyx, BSD licence, ported from SciPy).
//
// The data points are triangulated ([Delaunay]); the gradient at every
// vertex is estimated by [EstimateGradients]; on each triangle the
// interpolant is the Clough-Tocher macro-element: the triangle is split at
// its centroid into three sub-triangles, each carrying a cubic in Bernstein-
// Bezier form. The control points next to the vertices come from the values
// and gradients; the cross-boundary derivative along each edge is made
// linear in the direction from this triangle's centroid to the neighbour's
// centroid (towards the centroid direction on the hull), SciPy's
// affine-invariant choice, which makes the surface C1 across edges.
//
// Outside the convex hull the value is NaN (SciPy's fill_value default).
// Points on the hull boundary, or outside it by rounding only, are inside
// (SciPy's tolerance, see the package notes). The zero value is not usable;
// build one with [NewCloughTocher]. A CloughTocher is safe for concurrent
// use.
type CloughTocher struct {
	tri        *Triangulation
	loc        *locator
	values     []float64
	grad       [][2]float64
	coef       [][19]float64
	iterations int
	converged  bool
	start      int
}

// CloughTocherOptions are the gradient-estimation settings; zero fields take
// SciPy's defaults.
type CloughTocherOptions struct {
	Tol     float64 // relative/absolute stop tolerance, default 1e-6
	MaxIter int     // maximum Gauss-Seidel sweeps, default 400
}

// NewCloughTocher builds the interpolant of values[i] at (x[i], y[i]) with
// SciPy's defaults (tol 1e-6, maxiter 400).
func NewCloughTocher(x, y, values []float64) (*CloughTocher, error) {
	return NewCloughTocherOptions(x, y, values, CloughTocherOptions{})
}

// NewCloughTocherOptions is [NewCloughTocher] with explicit gradient
// settings.
func NewCloughTocherOptions(x, y, values []float64, opt CloughTocherOptions) (*CloughTocher, error) {
	tr, err := Delaunay(x, y)
	if err != nil {
		return nil, err
	}
	return NewCloughTocherOn(tr, values, opt)
}

// NewCloughTocherOn builds the interpolant on an existing triangulation, so
// that several value sets over the same points share one triangulation.
func NewCloughTocherOn(tr *Triangulation, values []float64, opt CloughTocherOptions) (*CloughTocher, error) {
	if len(values) != len(tr.X) {
		return nil, fmt.Errorf("interp: %d values for %d points", len(values), len(tr.X))
	}
	if opt.Tol == 0 {
		opt.Tol = 1e-6
	}
	if opt.MaxIter == 0 {
		opt.MaxIter = 400
	}
	ct := &CloughTocher{tri: tr, loc: newLocator(tr), values: values}
	var err error
	ct.grad, ct.iterations, ct.converged, err = EstimateGradients(tr, values, opt.Tol, opt.MaxIter)
	if err != nil {
		return nil, err
	}
	ct.coef = make([][19]float64, len(tr.Triangles))
	for t := range tr.Triangles {
		ct.coef[t] = ct.controlPoints(t)
	}
	// Start walks for isolated queries near the middle of the data.
	ct.start = len(tr.Triangles) / 2
	return ct, nil
}

// Triangulation returns the triangulation the interpolant is built on.
func (ct *CloughTocher) Triangulation() *Triangulation { return ct.tri }

// Gradients returns the estimated gradient at every input point (SciPy's
// CloughTocher2DInterpolator.grad). The slice is the interpolant's own: do
// not modify it.
func (ct *CloughTocher) Gradients() [][2]float64 { return ct.grad }

// Iterations returns the number of gradient-estimation sweeps made, and
// Converged whether the tolerance was met within MaxIter (SciPy warns with
// GradientEstimationWarning when it was not).
func (ct *CloughTocher) Iterations() int { return ct.iterations }

// Converged reports whether the gradient estimation met its tolerance.
func (ct *CloughTocher) Converged() bool { return ct.converged }

// At returns the interpolated value at (x, y), or NaN outside the convex
// hull of the data.
func (ct *CloughTocher) At(x, y float64) float64 {
	start := ct.start
	return ct.at(x, y, &start)
}

func (ct *CloughTocher) at(x, y float64, start *int) float64 {
	t, b := ct.loc.find(x, y, start)
	if t < 0 {
		return math.NaN()
	}
	return evalCT(&ct.coef[t], b)
}

// Grid evaluates the interpolant on the tensor grid xs x ys: out[i][j] is
// the value at (xs[i], ys[j]), the layout of np.mgrid arrays (first index
// x). Values outside the hull are NaN.
func (ct *CloughTocher) Grid(xs, ys []float64) [][]float64 {
	out := make([][]float64, len(xs))
	flat := make([]float64, len(xs)*len(ys))
	start := ct.start
	for i, x := range xs {
		row := flat[i*len(ys) : (i+1)*len(ys) : (i+1)*len(ys)]
		for j, y := range ys {
			row[j] = ct.at(x, y, &start)
		}
		out[i] = row
	}
	return out
}

// Points evaluates the interpolant at the points (x[k], y[k]).
func (ct *CloughTocher) Points(x, y []float64) []float64 {
	out := make([]float64, len(x))
	start := ct.start
	for k := range x {
		out[k] = ct.at(x[k], y[k], &start)
	}
	return out
}

// Control-point order in coef.
const (
	c3000 = iota
	c0300
	c0030
	c0003
	c2100
	c2010
	c2001
	c0210
	c0201
	c0021
	c1200
	c1020
	c1002
	c0120
	c0102
	c0012
	c1101
	c1011
	c0111
)

// controlPoints computes the Bezier control points of triangle t, following
// SciPy's _clough_tocher_2d_single line by line (indices 1, 2, 3 are the
// triangle's vertices and 4 its centroid).
func (ct *CloughTocher) controlPoints(t int) (c [19]float64) {
	tr := ct.tri
	v := tr.Triangles[t]
	x, y := tr.X, tr.Y

	e12x, e12y := x[v[1]]-x[v[0]], y[v[1]]-y[v[0]]
	e23x, e23y := x[v[2]]-x[v[1]], y[v[2]]-y[v[1]]
	e31x, e31y := x[v[0]]-x[v[2]], y[v[0]]-y[v[2]]

	f1, f2, f3 := ct.values[v[0]], ct.values[v[1]], ct.values[v[2]]
	d1, d2, d3 := ct.grad[v[0]], ct.grad[v[1]], ct.grad[v[2]]

	df12 := +(d1[0]*e12x + d1[1]*e12y)
	df21 := -(d2[0]*e12x + d2[1]*e12y)
	df23 := +(d2[0]*e23x + d2[1]*e23y)
	df32 := -(d3[0]*e23x + d3[1]*e23y)
	df31 := +(d3[0]*e31x + d3[1]*e31y)
	df13 := -(d1[0]*e31x + d1[1]*e31y)

	c[c3000] = f1
	c[c2100] = (df12 + 3*c[c3000]) / 3
	c[c2010] = (df13 + 3*c[c3000]) / 3
	c[c0300] = f2
	c[c1200] = (df21 + 3*c[c0300]) / 3
	c[c0210] = (df23 + 3*c[c0300]) / 3
	c[c0030] = f3
	c[c1020] = (df31 + 3*c[c0030]) / 3
	c[c0120] = (df32 + 3*c[c0030]) / 3

	c[c2001] = (c[c2100] + c[c2010] + c[c3000]) / 3
	c[c0201] = (c[c1200] + c[c0300] + c[c0210]) / 3
	c[c0021] = (c[c1020] + c[c0120] + c[c0030]) / 3

	// Cross-boundary derivative direction: from this centroid to the
	// neighbour's, written in this triangle's barycentric coordinates so
	// that the choice is affine-invariant; on the hull, the direction to
	// the centroid, g = -1/2.
	var g [3]float64
	for k := 0; k < 3; k++ {
		nb := tr.Neighbors[t][k]
		if nb == -1 {
			g[k] = -1. / 2
			continue
		}
		w := tr.Triangles[nb]
		cx := (x[w[0]] + x[w[1]] + x[w[2]]) / 3
		cy := (y[w[0]] + y[w[1]] + y[w[2]]) / 3
		b := ct.loc.bary(t, cx, cy)
		switch k {
		case 0:
			g[k] = (2*b[2] + b[1] - 1) / (2 - 3*b[2] - 3*b[1])
		case 1:
			g[k] = (2*b[0] + b[2] - 1) / (2 - 3*b[0] - 3*b[2])
		case 2:
			g[k] = (2*b[1] + b[0] - 1) / (2 - 3*b[1] - 3*b[0])
		}
	}

	c[c0111] = (g[0]*(-c[c0300]+3*c[c0210]-3*c[c0120]+c[c0030]) +
		(-c[c0300] + 2*c[c0210] - c[c0120] + c[c0021] + c[c0201])) / 2
	c[c1011] = (g[1]*(-c[c0030]+3*c[c1020]-3*c[c2010]+c[c3000]) +
		(-c[c0030] + 2*c[c1020] - c[c2010] + c[c2001] + c[c0021])) / 2
	c[c1101] = (g[2]*(-c[c3000]+3*c[c2100]-3*c[c1200]+c[c0300]) +
		(-c[c3000] + 2*c[c2100] - c[c1200] + c[c2001] + c[c0201])) / 2

	c[c1002] = (c[c1101] + c[c1011] + c[c2001]) / 3
	c[c0102] = (c[c1101] + c[c0111] + c[c0201]) / 3
	c[c0012] = (c[c1011] + c[c0111] + c[c0021]) / 3

	c[c0003] = (c[c1002] + c[c0102] + c[c0012]) / 3
	return c
}

// evalCT evaluates the macro-element at barycentric coordinates b. The
// extended coordinates (b - min b, 3 min b) are those of the sub-triangle
// that holds the point (one of the first three is zero), as in SciPy.
func evalCT(c *[19]float64, b [3]float64) float64 {
	minval := min(b[0], b[1], b[2])
	b1 := b[0] - minval
	b2 := b[1] - minval
	b3 := b[2] - minval
	b4 := 3 * minval
	return b1*b1*b1*c[c3000] + 3*b1*b1*b2*c[c2100] + 3*b1*b1*b3*c[c2010] +
		3*b1*b1*b4*c[c2001] + 3*b1*b2*b2*c[c1200] +
		6*b1*b2*b4*c[c1101] + 3*b1*b3*b3*c[c1020] + 6*b1*b3*b4*c[c1011] +
		3*b1*b4*b4*c[c1002] + b2*b2*b2*c[c0300] + 3*b2*b2*b3*c[c0210] +
		3*b2*b2*b4*c[c0201] + 3*b2*b3*b3*c[c0120] + 6*b2*b3*b4*c[c0111] +
		3*b2*b4*b4*c[c0102] + b3*b3*b3*c[c0030] + 3*b3*b3*b4*c[c0021] +
		3*b3*b4*b4*c[c0012] + b4*b4*b4*c[c0003]
}
