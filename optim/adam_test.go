package optim

import (
	"math"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

func nan() float64 { return math.NaN() }

func TestAdamByHand(t *testing.T) {
	t.Run("float64", testAdamByHand[float64])
	t.Run("float32", testAdamByHand[float32])
}

func testAdamByHand[T nn.Float](t *testing.T) {
	steps := func(h Hyper, decoupled bool, grads ...[]float64) []T {
		ps := one[T](1, -2)
		o, err := NewAdam(ps, h, decoupled)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range grads {
			setGrad(ps[0], g...)
			if err := o.Step(StepInput[T]{}); err != nil {
				t.Fatal(err)
			}
		}
		return ps[0].Value.Data
	}
	h := Hyper{LR: 0.1, Beta1: 0.9, Beta2: 0.999}
	// With eps 0 and a constant gradient, the bias-corrected moments are g
	// and g*g: every step moves each parameter by lr against sign(g).
	g := []float64{2, -0.5}
	assertClose(t, "adam constant", steps(h, false, g, g, g), []float64{0.7, -1.7})
	// eps: the first step moves by lr*|g|/(|g|+eps): 0.1*2/2.5 and 0.1*0.5/1.
	he := h
	he.Eps = 0.5
	assertClose(t, "adam eps", steps(he, false, g), []float64{0.92, -1.95})
	// A zero second gradient: m2 = 0.09*g1, v2 = 0.000999*g1^2, and the
	// bias corrections are 1-0.9^2 = 0.19 and 1-0.999^2 = 0.001999.
	d := 0.1 * (0.09 / 0.19) / math.Sqrt(0.000999/0.001999)
	assertClose(t, "adam two steps", steps(h, false, g, []float64{0, 0}), []float64{1 - 0.1 - d, -2 + 0.1 + d})
	// Coupled weight decay 0.5 with zero gradients: g = 0.5*p = (0.5, -1).
	hw := h
	hw.WeightDecay = 0.5
	assertClose(t, "adam weight decay", steps(hw, false, []float64{0, 0}), []float64{0.9, -1.9})
	// AdamW: p*(1 - lr*wd) first, then the Adam step of lr against sign(g).
	hw.WeightDecay = 0.1
	assertClose(t, "adamw", steps(hw, true, g), []float64{0.99 - 0.1, -1.98 + 0.1})
	assertClose(t, "adamw zero grad", steps(hw, true, []float64{0, 0}), []float64{0.99, -1.98})
}

func TestAdamValidation(t *testing.T) {
	ps := one[float64](1, 2)
	ok := Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	for _, c := range []struct {
		edit func(*Hyper)
		want string
	}{
		{func(h *Hyper) { h.LR = -1 }, "learning rate"},
		{func(h *Hyper) { h.Eps = -1e-8 }, "epsilon"},
		{func(h *Hyper) { h.Beta1 = 1 }, "beta1"},
		{func(h *Hyper) { h.Beta1 = -0.1 }, "beta1"},
		{func(h *Hyper) { h.Beta2 = 1 }, "beta2"},
		{func(h *Hyper) { h.Beta2 = nan() }, "beta2"},
		{func(h *Hyper) { h.WeightDecay = -1 }, "weight decay"},
	} {
		h := ok
		c.edit(&h)
		for _, dec := range []bool{false, true} {
			if _, err := NewAdam(ps, h, dec); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("NewAdam(%+v, %v) = %v, want an error about %s", h, dec, err, c.want)
			}
		}
	}
	zero := Hyper{LR: 0, Beta1: 0, Beta2: 0, Eps: 0}
	if _, err := NewAdam(ps, zero, false); err != nil {
		t.Errorf("torch accepts lr, betas and eps of 0: %v", err)
	}
}

func TestParamChecks(t *testing.T) {
	h := Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	a := one[float32](1, 2)[0]
	b := one[float32](3)[0] // also named "w"
	bad := &nn.Param[float32]{Name: "x", Value: nn.NewTensor[float32](2), Grad: nn.NewTensor[float32](3)}
	for _, c := range []struct {
		ps   []*nn.Param[float32]
		want string
	}{
		{[]*nn.Param[float32]{a, nil}, "nil"},
		{[]*nn.Param[float32]{a, b}, "twice"},
		{[]*nn.Param[float32]{bad}, "gradient"},
		{[]*nn.Param[float32]{{Value: nn.NewTensor[float32](1), Grad: nn.NewTensor[float32](1)}}, "no name"},
	} {
		if _, err := NewAdam(c.ps, h, false); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewAdam: %v, want an error about %s", err, c.want)
		}
		if _, err := NewSGD(c.ps, h); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewSGD: %v, want an error about %s", err, c.want)
		}
	}
	// A parameter resized after the optimizer was built is an error, not a
	// panic or a silent partial update.
	ps := one[float32](1, 2)
	o, _ := NewAdam(ps, h, false)
	ps[0].Grad.Data = ps[0].Grad.Data[:1]
	if err := o.Step(StepInput[float32]{}); err == nil {
		t.Error("Step with a resized gradient: no error")
	}
	// Empty parameters and no parameters are fine.
	empty := &nn.Param[float32]{Name: "e", Value: nn.NewTensor[float32](0, 3), Grad: nn.NewTensor[float32](0, 3)}
	for _, ps := range [][]*nn.Param[float32]{nil, {empty}} {
		o, err := NewAdam(ps, h, true)
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Step(StepInput[float32]{}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAdamInterface(t *testing.T) {
	ps := one[float64](1, 2)
	h := Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	a, _ := NewAdam(ps, h, false)
	w, _ := NewAdam(ps, h, true)
	if a.Name() != "adam" || w.Name() != "adamw" || a.Needs().Curvature || w.Needs().Curvature {
		t.Errorf("names %q %q", a.Name(), w.Name())
	}
	a.SetLR(0.5)
	if a.LR() != 0.5 {
		t.Errorf("LR after SetLR(0.5) = %v", a.LR())
	}
	setGrad(ps[0], 1, 1)
	a.Step(StepInput[float64]{})
	a.Step(StepInput[float64]{})
	st := a.State()
	if len(st.Tensors) != 2 || st.Tensors["w.exp_avg"] == nil || st.Tensors["w.exp_avg_sq"] == nil ||
		st.Scalars["w.step"] != 2 || st.Scalars["lr"] != 0.5 || len(st.Scalars) != 2 {
		t.Errorf("State: %v %v", st.Tensors, st.Scalars)
	}
}

func TestNew(t *testing.T) {
	m := &nn.Model[float32]{}
	h := Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	for _, name := range []string{"sgd", "adam", "adamw"} {
		o, err := New(name, m, h)
		if err != nil {
			t.Fatal(err)
		}
		if o.Name() != name {
			t.Errorf("New(%q).Name() = %q", name, o.Name())
		}
	}
	bad := h
	bad.Nesterov = true
	if o, err := New("sgd", m, bad); err == nil || o != nil {
		t.Errorf("New(sgd, Nesterov without momentum) = %v, %v; want nil and an error", o, err)
	}
	bad = h
	bad.Beta1 = 1
	if o, err := New("adamw", m, bad); err == nil || o != nil {
		t.Errorf("New(adamw, beta1 1) = %v, %v; want nil and an error", o, err)
	}
	if _, err := New("lbfgs", m, h); err == nil {
		t.Error("New(lbfgs): no error")
	}
}
