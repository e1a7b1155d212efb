// Package interp interpolates scattered 2-D data as SciPy's
// griddata(method='cubic') does: a robust Delaunay triangulation (an
// incremental Bowyer-Watson algorithm on exact orientation and in-circle
// predicates), SciPy's global gradient estimate, and the Clough-Tocher
// piecewise-cubic C1 interpolant on it, evaluated at single points or on
// np.mgrid-style grids over the data's bounding box. It is what draws a loss
// surface through the losses recorded along weight trajectories (the
// AdaFisher paper's Figure 1), and a general tool besides.
//
// Everything here returns plain Go values and prints nothing.
//
// # Relation to SciPy
//
// [CloughTocher] follows scipy.interpolate.CloughTocher2DInterpolator
// (scipy/interpolate/interpnd.pyx, BSD-licensed, Copyright Pauli Virtanen
// 2010; ported here): the same global curvature-minimising gradient estimate
// (Nielson 1983, Renka and Cline 1984) iterated Gauss-Seidel style over the
// points in input order with tolerance 1e-6 and at most 400 sweeps, the same
// Bezier control points on the three sub-triangles split at the centroid,
// the same affine-invariant cross-boundary derivative direction (towards the
// centroid of the neighbouring triangle), the same point-location tolerances
// and NaN outside the convex hull. No rescaling is done (SciPy's default
// rescale=False).
//
// The one deliberate difference is the triangulation: SciPy uses Qhull
// ("Qbb Qc Qz Q12 Qt"), this package an incremental Bowyer-Watson algorithm
// with exact predicates. For points in general position the Delaunay
// triangulation is unique and both agree, and so do the interpolated values
// (to about 1e-13 in the golden tests). Where four or more points are
// cocircular (a regular grid, for example) several triangulations are
// Delaunay and the two programs may pick different ones; the interpolant
// then differs between them, but only inside the affected quadrilaterals.
// Qhull may also leave a point that lies within rounding of a hull edge or
// of another point out of the triangulation ("coplanar"); here every
// distinct point is a vertex. Of exact duplicates this package keeps the
// first occurrence, while Qhull keeps one it chooses (not always the
// first); with different values at the copies the interpolants then differ
// near that point, and because the gradient sweep visits the kept vertex at
// its own index, the gradients can differ at the level of the 1e-6 stopping
// tolerance. SciPy reports NaN gradients for the dropped copies; here they
// share their vertex's gradient.
//
// Golden tests (testdata/gen_golden.py, SciPy 1.10.1) on random sets of 20
// to 100 points, an optimizer-path-like set and a nearly collinear set give
// the same triangles as Qhull, the same NaN pattern on np.mgrid grids over
// the bounding box, and values within 1e-14 absolute of SciPy's.
package interp
