package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
)

// batch returns a seeded batch for a model with vector inputs.
func batch(m *nn.Model[float64], n int, seed uint64) (*nn.Tensor[float64], []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	x := nn.NewTensor[float64](append([]int{n}, m.InputShape...)...)
	for i := range x.Data {
		x.Data[i] = rng.NormFloat64()
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(m.Classes)
	}
	return x, labels
}

// pass runs forward (capturing) and backward, as train.Step does.
func pass(t *testing.T, m *nn.Model[float64], x *nn.Tensor[float64], labels []int, capture bool) []*nn.Capture[float64] {
	t.Helper()
	m.ZeroGrad()
	y, err := m.Forward(x, nn.Mode{Train: true, Capture: capture})
	if err != nil {
		t.Fatal(err)
	}
	var dy nn.Tensor[float64]
	nn.CrossEntropy(y, labels, &dy)
	m.Backward(&dy)
	if !capture {
		return nil
	}
	return m.Captures()
}

func dense(n int, f func(i, j int) float64) *mat.Dense {
	d := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d.Set(i, j, f(i, j))
		}
	}
	return d
}

// handKFAC follows the method step by step with dense linear algebra: the
// factors as moving averages of abar^T abar / N and N g^T g from the
// identity, the natural gradient by solving (G (x) A + damping I) vec V =
// vec P directly (no eigendecomposition), the KL clip and momentum.
type handKFAC struct {
	cfg  KFACConfig
	a, g map[string]*mat.Dense
	buf  map[string][]float64
	nu   float64
}

func (h *handKFAC) step(t *testing.T, m *nn.Model[float64], caps []*nn.Capture[float64], steps int) {
	type upd struct {
		w, b []float64
	}
	sd := h.cfg.StatDecay
	var vg float64
	v := map[string]upd{}
	for _, c := range caps {
		rows, inW := c.A.Rows()
		_, out := c.G.Rows()
		in := inW + 1
		abar := func(r, j int) float64 {
			if j == inW {
				return 1
			}
			return c.A.Data[r*inW+j]
		}
		if steps%h.cfg.TCov == 0 {
			an := dense(in, func(i, j int) float64 {
				var s float64
				for r := 0; r < rows; r++ {
					s += abar(r, i) * abar(r, j)
				}
				return s / float64(rows)
			})
			gn := dense(out, func(i, j int) float64 {
				var s float64
				for r := 0; r < rows; r++ {
					s += c.G.Data[r*out+i] * c.G.Data[r*out+j]
				}
				return s * float64(rows)
			})
			if steps == 0 {
				h.a[c.Layer] = dense(in, func(i, j int) float64 { return b2f(i == j) })
				h.g[c.Layer] = dense(out, func(i, j int) float64 { return b2f(i == j) })
			}
			h.a[c.Layer].Apply(func(i, j int, x float64) float64 { return sd*x + (1-sd)*an.At(i, j) }, h.a[c.Layer])
			h.g[c.Layer].Apply(func(i, j int, x float64) float64 { return sd*x + (1-sd)*gn.At(i, j) }, h.g[c.Layer])
		}
		A, G := h.a[c.Layer], h.g[c.Layer]
		w, b := m.Param(c.Layer+".weight"), m.Param(c.Layer+".bias")
		n := out * in
		M := mat.NewDense(n, n, nil)
		P := mat.NewVecDense(n, nil)
		for o := 0; o < out; o++ {
			for i := 0; i < in; i++ {
				if i < inW {
					P.SetVec(o*in+i, w.Grad.Data[o*inW+i])
				} else {
					P.SetVec(o*in+i, b.Grad.Data[o])
				}
				for o2 := 0; o2 < out; o2++ {
					for i2 := 0; i2 < in; i2++ {
						x := G.At(o, o2) * A.At(i2, i)
						if o == o2 && i == i2 {
							x += h.cfg.Damping
						}
						M.Set(o*in+i, o2*in+i2, x)
					}
				}
			}
		}
		var V mat.VecDense
		if err := V.SolveVec(M, P); err != nil {
			t.Fatal(err)
		}
		u := upd{w: make([]float64, out*inW), b: make([]float64, out)}
		for o := 0; o < out; o++ {
			for i := 0; i < in; i++ {
				vg += V.AtVec(o*in+i) * P.AtVec(o*in+i)
				if i < inW {
					u.w[o*inW+i] = V.AtVec(o*in + i)
				} else {
					u.b[o] = V.AtVec(o*in + i)
				}
			}
		}
		v[c.Layer] = u
	}
	lr := h.cfg.LR
	h.nu = math.Min(1, math.Sqrt(h.cfg.KLClip/(vg*lr*lr)))
	for _, p := range m.Params() {
		d := v[p.Layer].w
		if p.Role == "bias" {
			d = v[p.Layer].b
		}
		buf := h.buf[p.Name]
		if buf == nil {
			buf = make([]float64, len(d))
			h.buf[p.Name] = buf
		}
		for i := range d {
			buf[i] = h.cfg.Momentum*buf[i] + h.nu*d[i]
			p.Value.Data[i] -= lr * buf[i]
		}
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// K-FAC's steps on a two-layer model against the hand computation, with the
// KL clip active and not, the factors refreshed every step and not.
func TestKFACAgainstHandComputedNaturalGradient(t *testing.T) {
	cases := []struct {
		name     string
		cfg      KFACConfig
		clipping bool
	}{
		{"defaults", kfacConfig(defaults["kfac"]), false},
		{"no-clip", KFACConfig{LR: 0.05, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-2, KLClip: 1e6, TCov: 1, TInv: 1}, false},
		{"clip/tcov2", KFACConfig{LR: 0.5, Momentum: 0.5, StatDecay: 0.8, Damping: 3e-3, KLClip: 1e-4, TCov: 2, TInv: 1}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			build := func() *nn.Model[float64] {
				m, err := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{3}, Classes: 3, Hidden: []int{4}, Activation: "tanh", Seed: 3})
				if err != nil {
					t.Fatal(err)
				}
				return m
			}
			mk, mh := build(), build()
			o, err := NewKFAC(mk, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			h := &handKFAC{cfg: c.cfg, a: map[string]*mat.Dense{}, g: map[string]*mat.Dense{}, buf: map[string][]float64{}}
			// The hand computation solves with the current factors: the
			// decomposition must be as fresh (TInv 1, or the defaults'
			// TInv 100 and TCov 10, whose factors change at step 0 only).
			for step := 0; step < 3; step++ {
				x, labels := batch(mk, 7, uint64(10+step))
				want := o.Needs().Curvature
				if want != (step%c.cfg.TCov == 0) {
					t.Fatalf("step %d: Needs().Curvature %v", step, want)
				}
				caps := pass(t, mk, x, labels, want)
				if !want {
					caps = nil
				}
				if err := o.Step(StepInput[float64]{Captures: caps}); err != nil {
					t.Fatal(err)
				}
				hc := pass(t, mh, x, labels, true)
				h.step(t, mh, hc, step)
				for i, p := range mk.Params() {
					q := mh.Params()[i]
					for j, v := range p.Value.Data {
						if d := math.Abs(v - q.Value.Data[j]); d > 1e-12*max(1, math.Abs(v)) {
							t.Fatalf("step %d: %s[%d] = %.17g, hand computation %.17g", step, p.Name, j, v, q.Value.Data[j])
						}
					}
				}
				if clipped := h.nu < 1; clipped != c.clipping {
					t.Fatalf("step %d: nu = %g, want clipping %v", step, h.nu, c.clipping)
				}
			}
		})
	}
}

// The factor scalings of a Conv2d layer: A from the patches divided by
// OH*OW (the bias column too), over B; G from g*B*OH*OW over B*OH*OW.
func TestKFACConvFactors(t *testing.T) {
	m := nn.NewModel[float64]("conv", []int{2, 5, 4}, 3,
		nn.NewConv2d[float64]("conv", 2, 3, 3, 1, 1, true), &nn.Flatten[float64]{}, nn.NewLinear[float64]("fc", 60, 3, true))
	m.Reset(4)
	cfg := kfacConfig(defaults["kfac"])
	o, err := NewKFAC(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	x, labels := batch(m, 3, 5)
	caps := pass(t, m, x, labels, true)
	if err := o.Step(StepInput[float64]{Captures: caps}); err != nil {
		t.Fatal(err)
	}
	c := caps[0]
	kl := o.byName["conv"]
	rows, d := c.A.Rows()
	s, b := float64(c.Spatial), float64(c.Batch)
	if s != 20 || b != 3 || kl.in != d+1 {
		t.Fatalf("spatial %g, batch %g, in %d", s, b, kl.in)
	}
	abar := func(r, j int) float64 {
		if j == d {
			return 1 / s
		}
		return c.A.Data[r*d+j] / s
	}
	sd := cfg.StatDecay
	for i := 0; i <= d; i++ {
		for j := 0; j <= d; j++ {
			var v float64
			for r := 0; r < rows; r++ {
				v += abar(r, i) * abar(r, j)
			}
			want := sd*b2f(i == j) + (1-sd)*v/b
			if got := kl.aa[i*kl.in+j]; math.Abs(got-want) > 1e-14 {
				t.Fatalf("A[%d,%d] = %.17g, want %.17g", i, j, got, want)
			}
		}
	}
	out := kl.out
	for i := 0; i < out; i++ {
		for j := 0; j < out; j++ {
			var v float64
			for r := 0; r < rows; r++ {
				v += (c.G.Data[r*out+i] * b * s) * (c.G.Data[r*out+j] * b * s)
			}
			want := sd*b2f(i == j) + (1-sd)*v/(b*s)
			if got := kl.gg[i*out+j]; math.Abs(got-want) > 1e-12*max(1, math.Abs(want)) {
				t.Fatalf("G[%d,%d] = %.17g, want %.17g", i, j, got, want)
			}
		}
	}
}

// Weight decay starts at step 20*TCov; before, the step is the same as
// without it.
func TestKFACWeightDecayDelay(t *testing.T) {
	build := func() *nn.Model[float64] {
		m, _ := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{3}, Classes: 2, Hidden: []int{3}, Activation: "tanh", Seed: 6})
		return m
	}
	cfg := KFACConfig{LR: 0.01, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 1, TInv: 5}
	ma, mb := build(), build()
	oa, _ := NewKFAC(ma, cfg)
	cfg.WeightDecay = 0.1
	ob, _ := NewKFAC(mb, cfg)
	for step := 0; step <= 20; step++ {
		x, labels := batch(ma, 5, uint64(step))
		if err := oa.Step(StepInput[float64]{Captures: pass(t, ma, x, labels, true)}); err != nil {
			t.Fatal(err)
		}
		if err := ob.Step(StepInput[float64]{Captures: pass(t, mb, x, labels, true)}); err != nil {
			t.Fatal(err)
		}
		same := true
		for i, p := range ma.Params() {
			same = same && sameBits(p.Value.Data, mb.Params()[i].Value.Data)
		}
		if same != (step < 20) {
			t.Fatalf("step %d: parameters equal %v", step, same)
		}
	}
}

// A factor that cannot be decomposed keeps the previous decomposition, is
// counted, and the run goes on.
func TestKFACFailedDecomposition(t *testing.T) {
	m, _ := models.Build[float32](models.Config{Arch: "mlp", InputShape: []int{3}, Classes: 2, Hidden: []int{3}, Seed: 7})
	o, err := NewKFAC(m, KFACConfig{LR: 0.01, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 1, TInv: 1})
	if err != nil {
		t.Fatal(err)
	}
	kl := o.byName["fc1"]
	prevQ := append([]float32(nil), kl.qa...)
	kl.aa[1] = float32(math.NaN())
	o.updateInverse(kl)
	if kl.failures != 1 || o.eig.Failures != 1 || !sameBits(prevQ, kl.qa) {
		t.Fatalf("failures %d, %d; Q_a kept %v", kl.failures, o.eig.Failures, sameBits(prevQ, kl.qa))
	}
	d := o.diagnostics()
	if d.Layers[0].EigFailures != 1 {
		t.Fatalf("diagnostics %+v", d.Layers[0])
	}
	st := o.State()
	if st.Scalars["fc1.eig_failures"] != 1 {
		t.Fatalf("state scalars %v", st.Scalars)
	}
	// A decomposition that succeeds again replaces it.
	copy(kl.aa, eye[float32](kl.in))
	kl.aa[0] = 2
	o.updateInverse(kl)
	if kl.failures != 1 || kl.da[kl.in-1] != 2 {
		t.Fatalf("after a good factor: failures %d, eigenvalues %v", kl.failures, kl.da)
	}
}
