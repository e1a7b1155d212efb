// Package trajectory holds the numerical core of weight-trajectory and
// loss-surface pictures: a robust 2-D Delaunay triangulation, a port of
// SciPy's Clough-Tocher interpolator (what griddata(method='cubic') uses in
// 2-D, and what the AdaFisher notebook uses to draw Figure 1), PCA of
// parameter snapshots with one shared basis for several runs,
// filter-normalised random directions (Li et al. 2018) and helpers that turn
// plane coordinates into parameter vectors.
//
// Everything here returns plain Go values and prints nothing; commands and
// reports are built on top of it elsewhere.
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
package trajectory
