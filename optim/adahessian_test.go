package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
)

// quadratic is the loss 1/2 theta^T A theta over a model's parameters, with
// A symmetric: its gradient is A theta and its Hessian A.
type quadratic struct {
	a [][]float64
	m *nn.Model[float64]
}

func newQuadratic(m *nn.Model[float64], seed uint64) *quadratic {
	n := m.NumParams()
	rng := rand.New(rand.NewPCG(seed, 9))
	b := make([][]float64, n)
	for i := range b {
		b[i] = make([]float64, n)
		for j := range b[i] {
			b[i][j] = rng.NormFloat64()
		}
	}
	a := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, n)
		for j := range a[i] {
			a[i][j] = b[i][j] + b[j][i]
		}
	}
	return &quadratic{a: a, m: m}
}

func flatT(ts []*nn.Tensor[float64]) []float64 {
	var out []float64
	for _, t := range ts {
		out = append(out, t.Data...)
	}
	return out
}

func (q *quadratic) apply(v []float64) []float64 {
	out := make([]float64, len(v))
	for i := range q.a {
		for j, x := range v {
			out[i] += q.a[i][j] * x
		}
	}
	return out
}

func (q *quadratic) hvp(v, out []*nn.Tensor[float64]) error {
	r := q.apply(flatT(v))
	k := 0
	for _, t := range out {
		k += copy(t.Data, r[k:])
	}
	return nil
}

func (q *quadratic) setGrads() {
	var theta []float64
	for _, p := range q.m.Params() {
		theta = append(theta, p.Value.Data...)
	}
	g := q.apply(theta)
	k := 0
	for _, p := range q.m.Params() {
		k += copy(p.Grad.Data, g[k:])
	}
}

// AdaHessian's steps on a quadratic against the formula, with the Hessian
// diagonal estimate |z * A z| (averaged over a conv kernel's spatial
// dimensions), for Hessian powers 1 and 0.5.
func TestAdaHessianAgainstFormula(t *testing.T) {
	for _, k := range []float64{1, 0.5} {
		m := nn.NewModel[float64]("q", []int{2, 3, 3}, 2,
			nn.NewConv2d[float64]("conv", 2, 2, 2, 1, 0, true), &nn.Flatten[float64]{}, nn.NewLinear[float64]("fc", 8, 2, true))
		m.Reset(1)
		q := newQuadratic(m, 2)
		cfg := AdaHessianConfig{LR: 0.1, Beta1: 0.9, Beta2: 0.99, Eps: 1e-4, WeightDecay: 0.01, HessianPower: k, Seed: 5}
		o, err := NewAdaHessian(m, cfg)
		if err != nil {
			t.Fatal(err)
		}
		n := m.NumParams()
		mom, sec := make([]float64, n), make([]float64, n)
		z := make([]*nn.Tensor[float64], 0)
		for _, p := range m.Params() {
			z = append(z, nn.NewTensor[float64](p.Value.Shape...))
		}
		for step := int64(0); step < 3; step++ {
			q.setGrads()
			theta, g := flatT(paramValues(m)), flatT(paramGrads(m))
			o.Probe(step, z)
			zf := flatT(z)
			hz := q.apply(zf)
			d := make([]float64, n)
			for i := range d {
				d[i] = math.Abs(zf[i] * hz[i])
			}
			// conv.weight (the first 2*2*2*2 values): mean over each 2x2 kernel.
			for lo := 0; lo < 16; lo += 4 {
				s := (d[lo] + d[lo+1] + d[lo+2] + d[lo+3]) / 4
				d[lo], d[lo+1], d[lo+2], d[lo+3] = s, s, s, s
			}
			tt := float64(step + 1)
			bc1, bc2 := 1-math.Pow(0.9, tt), 1-math.Pow(0.99, tt)
			want := make([]float64, n)
			for i := range want {
				mom[i] = 0.9*mom[i] + 0.1*g[i]
				sec[i] = 0.99*sec[i] + 0.01*d[i]*d[i]
				denom := math.Pow(math.Sqrt(sec[i]), k)/math.Pow(math.Sqrt(bc2), k) + 1e-4
				want[i] = theta[i] - 0.1*(mom[i]/bc1/denom+0.01*theta[i])
			}
			if err := o.Step(StepInput[float64]{HVP: q.hvp}); err != nil {
				t.Fatal(err)
			}
			got := flatT(paramValues(m))
			for i := range want {
				if math.Abs(got[i]-want[i]) > 1e-13*max(1, math.Abs(want[i])) {
					t.Fatalf("k %g, step %d: parameter %d = %.17g, want %.17g", k, step, i, got[i], want[i])
				}
			}
		}
	}
}

func paramValues(m *nn.Model[float64]) []*nn.Tensor[float64] {
	var out []*nn.Tensor[float64]
	for _, p := range m.Params() {
		out = append(out, p.Value)
	}
	return out
}

func paramGrads(m *nn.Model[float64]) []*nn.Tensor[float64] {
	var out []*nn.Tensor[float64]
	for _, p := range m.Params() {
		out = append(out, p.Grad)
	}
	return out
}

// The probes are +-1, half each, the same for the same seed and step and
// different otherwise.
func TestAdaHessianProbes(t *testing.T) {
	m, _ := models.Build[float32](models.Config{Arch: "mlp", InputShape: []int{20}, Classes: 5, Hidden: []int{30}, Seed: 1})
	mk := func(seed uint64) *AdaHessian[float32] {
		c := adaHessianConfig(defaults["adahessian"])
		c.Seed = seed
		o, err := NewAdaHessian(m, c)
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	probe := func(o *AdaHessian[float32], step int64) []float32 {
		var z []*nn.Tensor[float32]
		for _, p := range m.Params() {
			z = append(z, nn.NewTensor[float32](p.Value.Shape...))
		}
		o.Probe(step, z)
		var out []float32
		for _, t := range z {
			out = append(out, t.Data...)
		}
		return out
	}
	a, b := probe(mk(1), 3), probe(mk(1), 3)
	plus := 0
	for i, v := range a {
		if v != 1 && v != -1 {
			t.Fatalf("probe entry %v", v)
		}
		if v != b[i] {
			t.Fatal("the same seed and step gave different probes")
		}
		if v == 1 {
			plus++
		}
	}
	if n := len(a); plus < n/2-3*int(math.Sqrt(float64(n))) || plus > n/2+3*int(math.Sqrt(float64(n))) {
		t.Fatalf("%d of %d entries +1", plus, n)
	}
	if sameBits(a, probe(mk(1), 4)) || sameBits(a, probe(mk(2), 3)) {
		t.Fatal("another step or seed gave the same probe")
	}
	// Without its Hessian-vector product, a step is an error.
	if err := mk(1).Step(StepInput[float32]{}); err == nil {
		t.Fatal("a step without a Hessian-vector product did not fail")
	}
}
