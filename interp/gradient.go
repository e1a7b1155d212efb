package interp

import (
	"fmt"
	"math"
)

// EstimateGradients estimates the gradient of a function at the vertices of
// a triangulation from its values there, by SciPy's global approximate
// curvature minimisation (estimate_gradients_2d_global in
// scipy/interpolate/interpnd.pyx, after Nielson 1983 and Renka and Cline
// 1984; ported from SciPy, BSD licence).
//
// The functional is the sum over all edges E of the integral along E of the
// squared second derivative of the Clough-Tocher cubic restricted to E.
// For one vertex V with the other gradients held fixed it is the quadratic
// g^T Q g + 2 s.g + const in V's gradient g, with
//
//	Q = 4 sum_E E E^T / L^3
//	s = sum_E (6 (f_V - f_W) + 2 E.grad_W) E / L^3
//
// over the edges E = W - V at V, so g = -Q^{-1} s. The sweep visits the
// points in input order and overwrites each gradient at once (Gauss-Seidel),
// and stops after the first sweep in which every change, divided by
// max(1, |new gradient|_inf), is below tol; it gives up after maxiter sweeps.
// Starting from zero gradients and visiting in the same order as SciPy, the
// iterates are SciPy's up to rounding, including where it stops.
//
// values must hold one value per input point of the triangulation. SciPy's
// defaults are tol = 1e-6 and maxiter = 400. The result has one [2]float64
// per input point; a duplicate point gets the gradient of the vertex that
// represents it. iterations is the number of sweeps made and converged
// whether the tolerance was met. A values slice of the wrong length is an
// error.
func EstimateGradients(tr *Triangulation, values []float64, tol float64, maxiter int) (grad [][2]float64, iterations int, converged bool, err error) {
	n := len(tr.X)
	if len(values) != n {
		return nil, 0, false, fmt.Errorf("interp: %d values for %d points", len(values), n)
	}
	indptr, indices := tr.VertexNeighbors()
	x, y := tr.X, tr.Y
	g := make([]float64, 2*n)
	for iter := 0; iter < maxiter; iter++ {
		var errMax float64
		for i := 0; i < n; i++ {
			if indptr[i] == indptr[i+1] {
				continue // not a vertex
			}
			var q0, q1, q3, s0, s1 float64
			f1 := values[i]
			for _, j := range indices[indptr[i]:indptr[i+1]] {
				ex := x[j] - x[i]
				ey := y[j] - y[i]
				l := math.Sqrt(ex*ex + ey*ey)
				l3 := l * l * l
				f2 := values[j]
				df2 := -ex*g[2*j] - ey*g[2*j+1]
				q0 += 4 * ex * ex / l3
				q1 += 4 * ex * ey / l3
				q3 += 4 * ey * ey / l3
				c := 6*(f1-f2) - 2*df2
				s0 += c * ex / l3
				s1 += c * ey / l3
			}
			det := q0*q3 - q1*q1
			r0 := (q3*s0 - q1*s1) / det
			r1 := (-q1*s0 + q0*s1) / det
			change := max(math.Abs(g[2*i]+r0), math.Abs(g[2*i+1]+r1))
			g[2*i] = -r0
			g[2*i+1] = -r1
			change /= max(1.0, max(math.Abs(r0), math.Abs(r1)))
			errMax = max(errMax, change)
		}
		if errMax < tol {
			iterations, converged = iter+1, true
			break
		}
		iterations = iter + 1
	}
	grad = make([][2]float64, n)
	for i := range grad {
		r := tr.Rep[i]
		grad[i] = [2]float64{g[2*r], g[2*r+1]}
	}
	return grad, iterations, converged, nil
}
