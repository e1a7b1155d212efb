package landscape

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
)

// tinyProblem is a tanh MLP (4-3-3, 27 parameters: smooth, so that finite
// differences converge) on 12 iris samples.
func tinyProblem(t *testing.T) (*nn.Model[float64], *data.Dataset) {
	t.Helper()
	d, _, err := data.Load("iris", data.Options{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	d = d.Subset([]int{0, 7, 20, 33, 50, 61, 77, 90, 101, 115, 130, 149})
	m, err := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{3}, Activation: "tanh", Classes: 3, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	return m, d
}

// richardson differentiates f at 0 by central differences with steps h and
// h/2, extrapolated (error O(h^4)).
func richardson(f func(h float64) []float64, h float64) []float64 {
	diff := func(h float64) []float64 {
		a, b := f(h), f(-h)
		for i := range a {
			a[i] = (a[i] - b[i]) / (2 * h)
		}
		return a
	}
	d1, d2 := diff(h), diff(h/2)
	for i := range d1 {
		d1[i] = (4*d2[i] - d1[i]) / 3
	}
	return d1
}

// references are the brute-force matrices of the tiny problem, from
// finite differences only (never from the products under test): the
// Hessian from differences of the backpropagated gradient; the
// Gauss-Newton matrix and the empirical Fisher from each sample's logit
// Jacobian J_n (differences of the forward pass) with the softmax
// cross-entropy's derivatives in closed form, H_n = diag(p) - p p^T and
// g_n = J_n^T (p - e_y).
type references struct {
	hessian, ggn, ef *mat.SymDense
	jac              []*mat.Dense // per sample, classes x parameters
	probs            [][]float64  // per sample softmax
}

func bruteForce(t *testing.T, m *nn.Model[float64], d *data.Dataset) *references {
	t.Helper()
	theta := Flatten(m)
	n, N, C := len(theta), d.Len(), m.Classes
	at := func(j int, h float64) {
		w := append([]float64(nil), theta...)
		w[j] += h
		if err := SetFlat(m, w); err != nil {
			t.Fatal(err)
		}
	}
	in := &nn.Tensor[float64]{Shape: append([]int{N}, d.Shape...), Data: d.X}
	logits := func() []float64 {
		out, err := m.Forward(in, nn.Mode{})
		if err != nil {
			t.Fatal(err)
		}
		return append([]float64(nil), out.Data...)
	}
	gradient := func() []float64 {
		out, err := m.Forward(in, nn.Mode{})
		if err != nil {
			t.Fatal(err)
		}
		g := &nn.Tensor[float64]{}
		nn.CrossEntropy(out, d.Y, g)
		m.ZeroGrad()
		m.Backward(g)
		var flat []float64
		for _, p := range m.Params() {
			flat = append(flat, p.Grad.Data...)
		}
		return flat
	}
	r := &references{hessian: mat.NewSymDense(n, nil), ggn: mat.NewSymDense(n, nil), ef: mat.NewSymDense(n, nil)}
	hcols := make([][]float64, n)
	zcols := make([][]float64, n) // d logits / d theta_j, N*C values
	for j := 0; j < n; j++ {
		hcols[j] = richardson(func(h float64) []float64 { at(j, h); return gradient() }, 1e-3)
		zcols[j] = richardson(func(h float64) []float64 { at(j, h); return logits() }, 1e-3)
	}
	at(0, 0)
	z := logits()
	for s := 0; s < N; s++ {
		jac := mat.NewDense(C, n, nil)
		for j := 0; j < n; j++ {
			for c := 0; c < C; c++ {
				jac.Set(c, j, zcols[j][s*C+c])
			}
		}
		row := z[s*C : (s+1)*C]
		mx := math.Inf(-1)
		for _, v := range row {
			mx = max(mx, v)
		}
		p := make([]float64, C)
		var sum float64
		for c, v := range row {
			p[c] = math.Exp(v - mx)
			sum += p[c]
		}
		for c := range p {
			p[c] /= sum
		}
		r.jac, r.probs = append(r.jac, jac), append(r.probs, p)
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			r.hessian.SetSym(i, j, 0.5*(hcols[i][j]+hcols[j][i]))
			var g, e float64
			for s := 0; s < N; s++ {
				p, jac := r.probs[s], r.jac[s]
				gi, gj := sampleGradient(jac, p, d.Y[s], i), sampleGradient(jac, p, d.Y[s], j)
				e += gi * gj
				for a := 0; a < C; a++ {
					for b := 0; b < C; b++ {
						hl := -p[a] * p[b]
						if a == b {
							hl += p[a]
						}
						g += jac.At(a, i) * hl * jac.At(b, j)
					}
				}
			}
			r.ggn.SetSym(i, j, g/float64(N))
			r.ef.SetSym(i, j, e/float64(N))
		}
	}
	return r
}

// sampleGradient is entry i of J^T (p - e_y).
func sampleGradient(jac *mat.Dense, p []float64, y, i int) float64 {
	var g float64
	for c := range p {
		r := p[c]
		if c == y {
			r--
		}
		g += jac.At(c, i) * r
	}
	return g
}

func maxAbsDiff(a, b mat.Symmetric) (diff, scale float64) {
	n := a.SymmetricDim()
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			diff = max(diff, math.Abs(a.At(i, j)-b.At(i, j)))
			scale = max(scale, math.Abs(b.At(i, j)))
		}
	}
	return diff, scale
}

func minEigen(t *testing.T, a mat.Symmetric) (lo, hi float64) {
	var es mat.EigenSym
	if !es.Factorize(a, false) {
		t.Fatal("eigendecomposition failed")
	}
	v := es.Values(nil)
	return v[0], v[len(v)-1]
}

// Each operator, built column by column from its products, against its
// brute-force matrix; the Gauss-Newton matrix and the Fisher are positive
// semidefinite; the expectation of the per-sample Fisher over labels drawn
// from the model is the Gauss-Newton matrix (the true Fisher).
func TestCurvatureOperatorsAgainstBruteForce(t *testing.T) {
	m, d := tinyProblem(t)
	ref := bruteForce(t, m, d)
	for _, c := range []struct {
		kind Kind
		want *mat.SymDense
		psd  bool
	}{
		{Hessian, ref.hessian, false},
		{GaussNewton, ref.ggn, true},
		{EmpiricalFisher, ref.ef, true},
	} {
		op, err := NewCurvature(m, d, CurvatureOptions{Kind: c.kind, Chunk: 5})
		if err != nil {
			t.Fatal(err)
		}
		got := explicit(t, op)
		diff, scale := maxAbsDiff(got, c.want)
		t.Logf("%s: max |difference| %.3g, max |entry| %.3g", c.kind, diff, scale)
		if diff > 1e-10*scale {
			t.Errorf("%s: differs from the brute-force matrix by %.3g (entries up to %.3g)", c.kind, diff, scale)
		}
		if lo, hi := minEigen(t, got); c.psd && lo < -1e-12*hi {
			t.Errorf("%s: eigenvalue %.3g < 0", c.kind, lo)
		}
		if op.Products() != op.Dim() || op.Kind() != c.kind {
			t.Errorf("%s: %d products for %d columns, kind %s", c.kind, op.Products(), op.Dim(), op.Kind())
		}
	}
	// The reference matrices themselves: the Hessian of a model that is not
	// at a minimum is indefinite here, unlike the Gauss-Newton matrix.
	if lo, _ := minEigen(t, ref.hessian); lo >= 0 {
		t.Errorf("the Hessian's smallest eigenvalue %.3g: want an indefinite Hessian for the test to tell the matrices apart", lo)
	}

	// One sample's Monte-Carlo Fisher is g g^T at one drawn label; the
	// expectation over labels weighted by the model's probabilities is
	// that sample's Gauss-Newton matrix.
	for _, s := range []int{0, 5, 11} {
		one := d.Subset([]int{s})
		jac, p := ref.jac[s], ref.probs[s]
		n := jac.RawMatrix().Cols
		cand := make([]*mat.SymDense, len(p))
		expect := mat.NewSymDense(n, nil)
		for y := range p {
			cand[y] = mat.NewSymDense(n, nil)
			for i := 0; i < n; i++ {
				for j := i; j < n; j++ {
					v := sampleGradient(jac, p, y, i) * sampleGradient(jac, p, y, j)
					cand[y].SetSym(i, j, v)
					expect.SetSym(i, j, expect.At(i, j)+p[y]*v)
				}
			}
		}
		ggn, _ := NewCurvature(m, one, CurvatureOptions{Kind: GaussNewton})
		if diff, scale := maxAbsDiff(explicit(t, ggn), expect); diff > 1e-10*scale {
			t.Errorf("sample %d: the expected Fisher differs from the Gauss-Newton matrix by %.3g", s, diff)
		}
		for seed := uint64(0); seed < 4; seed++ {
			mc, err := NewCurvature(m, one, CurvatureOptions{Kind: MonteCarloFisher, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			got := explicit(t, mc)
			match := false
			for _, c := range cand {
				diff, scale := maxAbsDiff(got, c)
				match = match || diff <= 1e-10*scale
			}
			if !match {
				t.Errorf("sample %d, seed %d: the Monte-Carlo Fisher is not g g^T at any label", s, seed)
			}
		}
	}
}

// Labels drawn for the Monte-Carlo Fisher follow the softmax.
func TestDrawLabel(t *testing.T) {
	z := []float64{0.5, -1, 2, 0}
	p := make([]float64, len(z))
	var sum float64
	for i, v := range z {
		p[i] = math.Exp(v)
		sum += p[i]
	}
	rng := rand.New(rand.NewPCG(7, 7))
	const n = 200000
	count := make([]float64, len(z))
	for i := 0; i < n; i++ {
		count[drawLabel(z, rng)]++
	}
	for i := range p {
		p[i] /= sum
		se := math.Sqrt(p[i] * (1 - p[i]) / n)
		if f := count[i] / n; math.Abs(f-p[i]) > 5*se {
			t.Errorf("class %d drawn %.4f of the time, probability %.4f", i, f, p[i])
		}
	}
}

// A Fisher over one layer is the diagonal block of the whole model's; the
// Fisher refuses what it cannot compute; products keep the model's
// gradients.
func TestFisherBlockAndErrors(t *testing.T) {
	m, d := tinyProblem(t)
	whole, err := NewCurvature(m, d, CurvatureOptions{Kind: EmpiricalFisher})
	if err != nil {
		t.Fatal(err)
	}
	block, err := NewCurvature(m, d, CurvatureOptions{Kind: EmpiricalFisher, Layer: "fc2"})
	if err != nil {
		t.Fatal(err)
	}
	w, b := explicit(t, whole), explicit(t, block)
	off := whole.Dim() - block.Dim() // fc2 is the last layer
	for i := 0; i < block.Dim(); i++ {
		for j := 0; j < block.Dim(); j++ {
			if math.Abs(b.At(i, j)-w.At(off+i, off+j)) > 1e-15 {
				t.Fatalf("block (%d, %d): %v, whole %v", i, j, b.At(i, j), w.At(off+i, off+j))
			}
		}
	}
	if l, _ := whole.Loss(); l <= 0 {
		t.Errorf("loss %v", l)
	}
	for _, p := range m.Params() {
		for _, g := range p.Grad.Data {
			if g != 0 {
				t.Fatalf("%s: the model's gradient changed", p.Name)
			}
		}
	}
	if _, err := NewCurvature(m, d, CurvatureOptions{Kind: EmpiricalFisher, Train: true}); err == nil {
		t.Error("a Fisher in training mode accepted")
	}
	seq := &data.Dataset{X: d.X[:8], Shape: []int{4}, Y: []int{0, 1, 2, 0}, Targets: 2}
	if _, err := NewCurvature(m, seq, CurvatureOptions{Kind: MonteCarloFisher}); err == nil {
		t.Error("a Fisher with two labels per sample accepted")
	}
	if _, err := NewCurvature(m, d, CurvatureOptions{Kind: "laplacian"}); err == nil {
		t.Error("an unknown operator accepted")
	}
}
