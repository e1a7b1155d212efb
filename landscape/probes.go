package landscape

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// The probes of PyHessian (Yao, Gholami, Keutzer, Mahoney, 2020) on any
// symmetric [Operator]: the top eigenvalues and eigenvectors by power
// iteration with deflation, the trace by Hutchinson's estimator, and the
// eigenvalue spectral density by stochastic Lanczos quadrature. Each only
// multiplies vectors by the operator.
//
// Random vectors come from the rng the caller passes (PyHessian draws from
// torch's generator, unseeded): the numbers differ from PyHessian's, the
// distributions do not.

func dotF(a, b []float64) float64 {
	var s float64
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// normalize scales v to unit length (PyHessian divides by |v| + 1e-6,
// which biases its Rayleigh quotients by about -2e-6 relative and shrinks a
// nearly zero vector instead of normalising it; here the division is
// exact).
func normalize(v []float64) {
	n := math.Sqrt(dotF(v, v))
	if n == 0 {
		return
	}
	s := 1 / n
	for i := range v {
		v[i] *= s
	}
}

// orthonormalize removes from w its components along each of vs (two passes
// of Gram-Schmidt), then normalizes it (PyHessian's orthnormal, with one
// pass).
func orthonormalize(w []float64, vs [][]float64) {
	for pass := 0; pass < 2 && len(vs) > 0; pass++ {
		for _, u := range vs {
			a := dotF(w, u)
			for i := range w {
				w[i] -= a * u[i]
			}
		}
	}
	normalize(w)
}

func gaussianVector(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	return v
}

func rademacher(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
		if rng.IntN(2) == 0 {
			v[i] = -1
		}
	}
	return v
}

// Eigen is the result of TopEigen.
type Eigen struct {
	Values     []float64   // in the order found: largest magnitude first
	Vectors    [][]float64 // unit vectors, Dim values each
	Iterations []int       // power iterations each took
}

// TopEigen finds the k eigenvalues of largest magnitude and their
// eigenvectors by power iteration, as PyHessian's eigenvalues(maxIter, tol,
// top_n): for each, from a normal random unit vector, up to maxIter times:
// orthonormalize v against the eigenvectors found, Hv, the estimate
// lambda = <Hv, v>, v = Hv/|Hv|; stop when the estimate changes by less
// than tol relative to the previous one (|prev - new| / (|prev| + 1e-6)),
// and keep the previous estimate (PyHessian's choice). PyHessian's defaults
// are maxIter 100 and tol 1e-3.
func TopEigen(op Operator, k, maxIter int, tol float64, rng *rand.Rand) (*Eigen, error) {
	dim := op.Dim()
	if k < 1 || k > dim || maxIter < 1 {
		return nil, fmt.Errorf("landscape: %d eigenvalues of a %d-dimensional operator in %d iterations: want 1 <= k <= dimension and iterations >= 1", k, dim, maxIter)
	}
	res := &Eigen{}
	hv := make([]float64, dim)
	for len(res.Values) < k {
		v := gaussianVector(rng, dim)
		normalize(v)
		var value float64
		has := false
		it := 0
		for it < maxIter {
			it++
			orthonormalize(v, res.Vectors)
			if err := op.Apply(v, hv); err != nil {
				return nil, err
			}
			est := dotF(hv, v)
			copy(v, hv)
			normalize(v)
			if has && math.Abs(value-est)/(math.Abs(value)+1e-6) < tol {
				break
			}
			value, has = est, true
		}
		res.Values = append(res.Values, value)
		res.Vectors = append(res.Vectors, v)
		res.Iterations = append(res.Iterations, it)
	}
	return res, nil
}

// Trace estimates the trace by Hutchinson's method, as PyHessian's
// trace(maxIter, tol): Rademacher vectors v, samples <Hv, v>, stopping when
// their running mean changes by less than tol relative to the previous mean
// (|prev - new| / (|prev| + 1e-6)) or after maxIter samples. It returns the
// samples; the estimate is their mean. PyHessian's defaults are maxIter 100
// and tol 1e-3.
func Trace(op Operator, maxIter int, tol float64, rng *rand.Rand) ([]float64, error) {
	dim := op.Dim()
	if maxIter < 1 {
		return nil, fmt.Errorf("landscape: trace in %d samples, want at least 1", maxIter)
	}
	var samples []float64
	hv := make([]float64, dim)
	var trace, sum float64
	for i := 0; i < maxIter; i++ {
		v := rademacher(rng, dim)
		if err := op.Apply(v, hv); err != nil {
			return nil, err
		}
		samples = append(samples, dotF(hv, v))
		sum += samples[i]
		mean := sum / float64(len(samples))
		if math.Abs(mean-trace)/(math.Abs(trace)+1e-6) < tol {
			break
		}
		trace = mean
	}
	return samples, nil
}

// Mean is the mean of the samples.
func Mean(s []float64) float64 {
	var sum float64
	for _, x := range s {
		sum += x
	}
	return sum / float64(max(len(s), 1))
}

// Quadrature is the result of Density: per run of stochastic Lanczos
// quadrature, the nodes (Ritz values) and their weights (which sum to 1).
type Quadrature struct {
	Nodes, Weights [][]float64
}

// Density runs stochastic Lanczos quadrature as PyHessian's density(iter,
// n_v): per run, from a normalized Rademacher vector, iter steps of Lanczos
// with full reorthogonalization, then the tridiagonal matrix's eigenvalues
// are the nodes and the squared first components of its eigenvectors the
// weights. When Lanczos breaks down (the Krylov space of the start is
// exhausted: beta below 1e-10 times the largest |alpha| or beta so far) it
// goes on from a normal random direction orthogonal to the vectors so far,
// with beta 0 (PyHessian does so only when beta is exactly zero, and then
// goes on with a vector of norm about |w|/1e-6). iter is capped at Dim
// (beyond it there is no new direction). PyHessian's defaults are iter 100
// and one run.
func Density(op Operator, iter, runs int, rng *rand.Rand) (*Quadrature, error) {
	dim := op.Dim()
	if iter < 1 || runs < 1 {
		return nil, fmt.Errorf("landscape: density with %d Lanczos steps and %d runs, want at least 1 of each", iter, runs)
	}
	iter = min(iter, dim)
	q := &Quadrature{}
	wp := make([]float64, dim)
	for r := 0; r < runs; r++ {
		v := rademacher(rng, dim)
		normalize(v)
		vs := [][]float64{v}
		var alphas, betas []float64
		var scale float64
		w := make([]float64, dim)
		for i := 0; i < iter; i++ {
			if i > 0 {
				beta := math.Sqrt(dotF(w, w))
				if beta > 1e-10*scale {
					v = append([]float64(nil), w...)
				} else {
					beta = 0
					v = gaussianVector(rng, dim)
				}
				scale = max(scale, beta)
				betas = append(betas, beta)
				orthonormalize(v, vs)
				vs = append(vs, v)
			}
			if err := op.Apply(v, wp); err != nil {
				return nil, err
			}
			alpha := dotF(wp, v)
			scale = max(scale, math.Abs(alpha))
			alphas = append(alphas, alpha)
			for j := range w {
				w[j] = wp[j] - alpha*v[j]
			}
			if i > 0 {
				prev, beta := vs[len(vs)-2], betas[i-1]
				for j := range w {
					w[j] -= beta * prev[j]
				}
			}
		}
		t := mat.NewSymDense(iter, nil)
		for i, a := range alphas {
			t.SetSym(i, i, a)
			if i+1 < iter {
				t.SetSym(i, i+1, betas[i])
			}
		}
		var es mat.EigenSym
		if !es.Factorize(t, true) {
			return nil, errors.New("landscape: the Lanczos tridiagonal matrix could not be decomposed")
		}
		var vec mat.Dense
		es.VectorsTo(&vec)
		nodes := es.Values(nil)
		weights := make([]float64, iter)
		for j := range weights {
			x := vec.At(0, j)
			weights[j] = x * x
		}
		q.Nodes = append(q.Nodes, nodes)
		q.Weights = append(q.Weights, weights)
	}
	return q, nil
}

// DensityGrid turns quadrature nodes and weights into a density on a grid,
// as PyHessian's density_generate(eigenvalues, weights, num_bins,
// sigma_squared, overhead): the grid runs over [mean of the runs' smallest
// node - overhead, mean of their largest + overhead] in bins points (ends
// included); each node is a Gaussian of variance
// sigmaSq * max(1, grid width) weighted by its weight, the runs are
// averaged, and the density is scaled so that its sum times the grid
// spacing is 1. PyHessian's defaults are 10000 bins, sigmaSq 1e-5 and
// overhead 0.01.
func DensityGrid(q *Quadrature, bins int, sigmaSq, overhead float64) (grid, density []float64, err error) {
	if len(q.Nodes) == 0 || bins < 2 || !(sigmaSq > 0) {
		return nil, nil, fmt.Errorf("landscape: density of %d runs on %d bins with variance %g: want runs, at least 2 bins and a positive variance", len(q.Nodes), bins, sigmaSq)
	}
	var lo, hi float64
	for _, nodes := range q.Nodes {
		a, b := math.Inf(1), math.Inf(-1)
		for _, x := range nodes {
			a, b = min(a, x), max(b, x)
		}
		lo += a
		hi += b
	}
	runs := float64(len(q.Nodes))
	lo, hi = lo/runs-overhead, hi/runs+overhead
	grid = make([]float64, bins)
	for j := range grid {
		grid[j] = lo + (hi-lo)*float64(j)/float64(bins-1)
	}
	s2 := sigmaSq * max(1, hi-lo)
	norm := 1 / math.Sqrt(2*math.Pi*s2)
	density = make([]float64, bins)
	for r, nodes := range q.Nodes {
		for k, x := range nodes {
			w := q.Weights[r][k] / runs
			for j, g := range grid {
				d := g - x
				density[j] += w * norm * math.Exp(-d*d/(2*s2))
			}
		}
	}
	var sum float64
	for _, v := range density {
		sum += v
	}
	if scale := sum * (grid[1] - grid[0]); scale > 0 {
		for j := range density {
			density[j] /= scale
		}
	}
	return grid, density, nil
}
