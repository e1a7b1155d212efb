package trajectory

import (
	"errors"
	"fmt"
	"math"
)

// Plane is the affine plane Centre + a*D1 + b*D2 in parameter space, the
// domain of a loss surface: a point of the surface grid is the pair (a, b).
// With D2 nil it is the line Centre + a*D1, and b is ignored.
type Plane struct {
	Centre, D1, D2 []float64
}

// NewPlane checks that the vectors have one length and returns the plane
// (the slices are used, not copied); d2 nil makes a line.
func NewPlane(centre, d1, d2 []float64) (Plane, error) {
	if len(d1) != len(centre) || (d2 != nil && len(d2) != len(centre)) {
		return Plane{}, fmt.Errorf("trajectory: plane vectors of lengths %d, %d, %d, want one length", len(centre), len(d1), len(d2))
	}
	return Plane{Centre: centre, D1: d1, D2: d2}, nil
}

// IsLine reports whether the plane is a line (no second direction).
func (p Plane) IsLine() bool { return p.D2 == nil }

// Point writes Centre + a*D1 + b*D2 into dst, which must have the length of
// Centre, and returns dst. It does not allocate, so each worker of a
// parallel grid evaluation can reuse one buffer. Point(dst, 0, 0) is
// exactly Centre.
func (p Plane) Point(dst []float64, a, b float64) []float64 {
	c, d1 := p.Centre, p.D1[:len(p.Centre)]
	dst = dst[:len(c)]
	if p.D2 == nil {
		for j := range c {
			dst[j] = c[j] + a*d1[j]
		}
		return dst
	}
	d2 := p.D2[:len(c)]
	for j := range c {
		dst[j] = c[j] + a*d1[j] + b*d2[j]
	}
	return dst
}

// Coordinates returns the least-squares plane coordinates (a, b) of w: the
// point of the plane nearest to w is Point(a, b), and dist is the distance
// of w from it. The directions need not be orthogonal or of unit length;
// when they are parallel (or a line) the coordinates are NaN.
func (p Plane) Coordinates(w []float64) (a, b, dist float64) {
	c, d1, d2 := p.Centre, p.D1, p.D2
	if d2 == nil || len(w) != len(c) {
		return math.NaN(), math.NaN(), math.NaN()
	}
	var g11, g12, g22, r1, r2 float64
	for k := range w {
		x := w[k] - c[k]
		g11 += d1[k] * d1[k]
		g12 += d1[k] * d2[k]
		g22 += d2[k] * d2[k]
		r1 += d1[k] * x
		r2 += d2[k] * x
	}
	det := g11*g22 - g12*g12
	if det == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	a = (g22*r1 - g12*r2) / det
	b = (g11*r2 - g12*r1) / det
	var res float64
	for k := range w {
		e := w[k] - c[k] - a*d1[k] - b*d2[k]
		res += e * e
	}
	return a, b, math.Sqrt(res)
}

// GridPoint writes the parameters of grid point k into dst, numbering the
// points of alphas x betas row by row (alpha slowest, as np.mgrid and
// interp's CloughTocher.Grid), and returns its indices: the point is
// (alphas[i], betas[j]). k runs over 0 .. len(alphas)*len(betas)-1, so a
// pool of workers can share one counter, resume at any k, or split the
// grid by k. On a line betas is ignored: the grid has one column and k is
// i.
func (p Plane) GridPoint(dst []float64, alphas, betas []float64, k int) (i, j int) {
	if p.IsLine() {
		p.Point(dst, alphas[k], 0)
		return k, 0
	}
	i, j = k/len(betas), k%len(betas)
	p.Point(dst, alphas[i], betas[j])
	return i, j
}

// ErrCollinear is returned by [PlaneThrough] when the three points do not
// span a plane.
var ErrCollinear = errors.New("trajectory: the three points do not span a plane")

// PlaneThrough returns the plane through three parameter vectors (three
// checkpoints) and the plane coordinates of each.
//
// Without orthonormal, the plane is w0 + a (w1-w0) + b (w2-w0) and the
// points sit at (0,0), (1,0) and (0,1). With orthonormal (as Garipov et
// al. 2018 draw mode connectivity), D1 is the unit vector towards w1 and D2
// the unit vector of the part of w2-w0 orthogonal to D1, so that distances
// in (a, b) are distances in parameter space; the points sit at (0,0),
// (|w1-w0|, 0) and ((w2-w0).D1, |residual|).
func PlaneThrough(w0, w1, w2 []float64, orthonormal bool) (Plane, [3][2]float64, error) {
	var coords [3][2]float64
	if len(w1) != len(w0) || len(w2) != len(w0) {
		return Plane{}, coords, fmt.Errorf("trajectory: points of lengths %d, %d, %d", len(w0), len(w1), len(w2))
	}
	u := make([]float64, len(w0))
	v := make([]float64, len(w0))
	for j := range w0 {
		u[j] = w1[j] - w0[j]
		v[j] = w2[j] - w0[j]
	}
	nu, nv := norm2(u), norm2(v)
	if nu == 0 || nv == 0 {
		return Plane{}, coords, ErrCollinear
	}
	// The part of w2-w0 orthogonal to w1-w0, and the plane coordinates.
	var dot float64
	for j := range u {
		dot += (u[j] / nu) * v[j]
	}
	r := make([]float64, len(v))
	for j := range r {
		r[j] = v[j] - dot*(u[j]/nu)
	}
	nr := norm2(r)
	if nr <= 1e-12*nv {
		return Plane{}, coords, ErrCollinear
	}
	if !orthonormal {
		coords[1] = [2]float64{1, 0}
		coords[2] = [2]float64{0, 1}
		return Plane{Centre: w0, D1: u, D2: v}, coords, nil
	}
	for j := range u {
		u[j] /= nu
		r[j] /= nr
	}
	v = r
	coords[1] = [2]float64{nu, 0}
	coords[2] = [2]float64{dot, nr}
	return Plane{Centre: w0, D1: u, D2: v}, coords, nil
}
