package data

import (
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// Projection maps samples onto their principal components: x' = (x - Mean)
// Components^T. It behaves like scikit-learn 1.5's PCA (no whitening):
// components are the leading eigenvectors of the covariance, each signed so
// that its entry of largest magnitude is positive (svd_flip with
// u_based_decision=False, what PCA uses since scikit-learn 1.5).
type Projection struct {
	Mean       []float64
	Components [][]float64 // k x features
	Variance   []float64   // explained variance of each component (ddof 1)
}

// FitPCA computes the first k principal components of d's features.
func FitPCA(d *Dataset, k int) (*Projection, error) {
	f, n := d.Features(), d.Len()
	if k < 1 || k > f {
		return nil, fmt.Errorf("data: PCA to %d components of %d features, want 1 to %d", k, f, f)
	}
	if n < 2 {
		return nil, fmt.Errorf("data: PCA needs at least 2 samples, %s has %d", d.Name, n)
	}
	p := &Projection{Mean: make([]float64, f)}
	for i := 0; i < n; i++ {
		for j, v := range d.X[i*f : (i+1)*f] {
			p.Mean[j] += v
		}
	}
	for j := range p.Mean {
		p.Mean[j] /= float64(n)
	}
	cov := mat.NewSymDense(f, nil)
	for a := 0; a < f; a++ {
		for b := a; b < f; b++ {
			var s float64
			for i := 0; i < n; i++ {
				s += (d.X[i*f+a] - p.Mean[a]) * (d.X[i*f+b] - p.Mean[b])
			}
			cov.SetSym(a, b, s/float64(n-1))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(cov, true) {
		return nil, fmt.Errorf("data: PCA of %s: eigendecomposition failed", d.Name)
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	order := make([]int, f)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	for _, c := range order[:k] {
		comp := make([]float64, f)
		big := 0
		for j := range comp {
			comp[j] = vecs.At(j, c)
			if math.Abs(comp[j]) > math.Abs(comp[big]) {
				big = j
			}
		}
		if comp[big] < 0 {
			for j := range comp {
				comp[j] = -comp[j]
			}
		}
		p.Components = append(p.Components, comp)
		p.Variance = append(p.Variance, max(vals[c], 0))
	}
	return p, nil
}

// Apply replaces d's features by their projections, in place. The sample
// shape becomes [k].
func (p *Projection) Apply(d *Dataset) {
	f, n, k := d.Features(), d.Len(), len(p.Components)
	out := make([]float64, n*k)
	for i := 0; i < n; i++ {
		x := d.X[i*f : (i+1)*f]
		for c, comp := range p.Components {
			var s float64
			for j, v := range x {
				s += (v - p.Mean[j]) * comp[j]
			}
			out[i*k+c] = s
		}
	}
	d.X, d.Shape = out, []int{k}
	d.FeatureNames = nil
	for c := 0; c < k; c++ {
		d.FeatureNames = append(d.FeatureNames, fmt.Sprintf("pc%d", c+1))
	}
}
