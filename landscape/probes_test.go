package landscape

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
)

// explicit builds the operator's matrix column by column from unit vectors,
// symmetrised.
func explicit(t *testing.T, h Operator) *mat.SymDense {
	t.Helper()
	n := h.Dim()
	cols := make([][]float64, n)
	e := make([]float64, n)
	for j := range cols {
		clear(e)
		e[j] = 1
		cols[j] = make([]float64, n)
		if err := h.Apply(e, cols[j]); err != nil {
			t.Fatal(err)
		}
	}
	s := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			s.SetSym(i, j, 0.5*(cols[j][i]+cols[i][j]))
		}
	}
	return s
}

func irisHessian(t testing.TB, layer string) (*Curvature, *nn.Model[float64]) {
	d, _, err := data.Load("iris", data.Options{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	m, err := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{16}, Classes: 3, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	h, err := NewCurvature(m, d, CurvatureOptions{Layer: layer, Chunk: 64})
	if err != nil {
		t.Fatal(err)
	}
	return h, m
}

// The probes against the explicit Hessian of the iris mlp, whole and one
// layer's block: the top eigenvalues and eigenvectors, the trace, the
// Lanczos nodes, and the density's normalisation.
func TestHessianProbesAgainstExplicit(t *testing.T) {
	for _, layer := range []string{"", "fc2"} {
		t.Run("layer="+layer, func(t *testing.T) {
			h, _ := irisHessian(t, layer)
			want := 131
			if layer == "fc2" {
				want = 51
			}
			if h.Dim() != want {
				t.Fatalf("dimension %d, want %d", h.Dim(), want)
			}
			hm := explicit(t, h)
			var es mat.EigenSym
			if !es.Factorize(hm, false) {
				t.Fatal("eigendecomposition failed")
			}
			vals := es.Values(nil)
			byMag := append([]float64(nil), vals...)
			sort.Slice(byMag, func(i, j int) bool { return math.Abs(byMag[i]) > math.Abs(byMag[j]) })
			var trace float64
			for i := 0; i < h.Dim(); i++ {
				trace += hm.At(i, i)
			}

			// Top eigenvalues: converged, and with PyHessian's defaults.
			top, err := TopEigen(h, 3, 2000, 1e-12, rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range top.Values {
				if math.Abs(v-byMag[i]) > 1e-6*math.Abs(byMag[0]) {
					t.Errorf("eigenvalue %d: %.12g, explicit %.12g", i, v, byMag[i])
				}
				var hv mat.VecDense
				hv.MulVec(hm, mat.NewVecDense(h.Dim(), top.Vectors[i]))
				var res float64
				for j, x := range top.Vectors[i] {
					res += (hv.AtVec(j) - v*x) * (hv.AtVec(j) - v*x)
				}
				if math.Sqrt(res) > 1e-4*math.Abs(byMag[0]) {
					t.Errorf("eigenvector %d: |Hv - lambda v| = %.3g", i, math.Sqrt(res))
				}
			}
			// PyHessian's defaults stop early, inside the spectrum.
			quick, err := TopEigen(h, 2, 100, 1e-3, rand.New(rand.NewPCG(2, 2)))
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range quick.Values {
				if v < vals[0] || v > vals[len(vals)-1] {
					t.Errorf("PyHessian's defaults: eigenvalue %v outside the spectrum [%v, %v]", v, vals[0], vals[len(vals)-1])
				}
			}

			// Hutchinson: within four standard errors of the trace, whose
			// variance per Rademacher sample is 2 * sum of squared
			// off-diagonal entries.
			samples, err := Trace(h, 3000, 0, rand.New(rand.NewPCG(3, 3)))
			if err != nil {
				t.Fatal(err)
			}
			var off float64
			for i := 0; i < h.Dim(); i++ {
				for j := 0; j < h.Dim(); j++ {
					if i != j {
						off += hm.At(i, j) * hm.At(i, j)
					}
				}
			}
			se := math.Sqrt(2*off) / math.Sqrt(float64(len(samples)))
			if len(samples) != 3000 || math.Abs(Mean(samples)-trace) > 4*se {
				t.Errorf("Hutchinson: %.6g from %d samples, trace %.6g (standard error %.3g)", Mean(samples), len(samples), trace, se)
			}
			if s, _ := Trace(h, 100, 1e-3, rand.New(rand.NewPCG(3, 3))); len(s) >= 100 || len(s) < 2 {
				t.Errorf("with tol 1e-3 the trace took %d samples", len(s))
			}

			// Lanczos to the full dimension finds every eigenvalue; its
			// weights sum to 1.
			q, err := Density(h, 1000, 2, rand.New(rand.NewPCG(4, 4)))
			if err != nil {
				t.Fatal(err)
			}
			for r := range q.Nodes {
				nodes := append([]float64(nil), q.Nodes[r]...)
				sort.Float64s(nodes)
				if len(nodes) != h.Dim() {
					t.Fatalf("%d nodes, want %d", len(nodes), h.Dim())
				}
				for i, x := range nodes {
					if math.Abs(x-vals[i]) > 1e-8*math.Abs(byMag[0]) {
						t.Fatalf("run %d: node %d = %.12g, eigenvalue %.12g", r, i, x, vals[i])
					}
				}
				var sw float64
				for _, w := range q.Weights[r] {
					sw += w
				}
				if math.Abs(sw-1) > 1e-12 {
					t.Errorf("weights sum to %v", sw)
				}
			}
			// The density integrates to 1 (its Riemann sum by construction;
			// the trapezoid rule agrees), on PyHessian's grid, and a short
			// run's nodes lie inside the spectrum.
			short, err := Density(h, 20, 3, rand.New(rand.NewPCG(5, 5)))
			if err != nil {
				t.Fatal(err)
			}
			for _, nodes := range short.Nodes {
				for _, x := range nodes {
					if x < vals[0]-1e-9 || x > vals[len(vals)-1]+1e-9 {
						t.Errorf("Ritz value %v outside the spectrum [%v, %v]", x, vals[0], vals[len(vals)-1])
					}
				}
			}
			grid, dens, err := DensityGrid(short, 10000, 1e-5, 0.01)
			if err != nil {
				t.Fatal(err)
			}
			dx := grid[1] - grid[0]
			var riemann, trapezoid float64
			for j, v := range dens {
				riemann += v * dx
				if j > 0 {
					trapezoid += 0.5 * (v + dens[j-1]) * dx
				}
			}
			if math.Abs(riemann-1) > 1e-12 || math.Abs(trapezoid-1) > 1e-3 {
				t.Errorf("the density integrates to %v (Riemann), %v (trapezoid)", riemann, trapezoid)
			}
		})
	}
}

func TestHessianErrors(t *testing.T) {
	d, _, _ := data.Load("iris", data.Options{Standardize: true})
	m, _ := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{16}, Classes: 3})
	if _, err := NewCurvature(m, d, CurvatureOptions{Layer: "conv9"}); err == nil {
		t.Fatal("an unknown layer is accepted")
	}
	h, _ := NewCurvature(m, d, CurvatureOptions{Layer: "fc1.bias"})
	if h.Dim() != 16 {
		t.Fatalf("fc1.bias: dimension %d", h.Dim())
	}
	if _, err := TopEigen(h, 17, 10, 1e-3, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Fatal("more eigenvalues than dimensions accepted")
	}
	if _, _, err := DensityGrid(&Quadrature{}, 100, 1e-5, 0.01); err == nil {
		t.Fatal("an empty quadrature accepted")
	}
}

// The speed check: the top eigenvalue of the iris mlp (PyHessian's
// defaults, over the whole training set) in well under a second.
func BenchmarkTopEigenIris(b *testing.B) {
	d, _, _ := data.Load("iris", data.Options{Standardize: true})
	m, _ := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{16}, Classes: 3, Seed: 3})
	rng := rand.New(rand.NewPCG(1, 1))
	for b.Loop() {
		h, err := NewCurvature(m, d, CurvatureOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := TopEigen(h, 1, 100, 1e-3, rng); err != nil {
			b.Fatal(err)
		}
	}
}
