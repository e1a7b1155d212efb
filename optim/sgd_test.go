package optim

import (
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

func TestSGDByHand(t *testing.T) {
	t.Run("float64", testSGDByHand[float64])
	t.Run("float32", testSGDByHand[float32])
}

func testSGDByHand[T nn.Float](t *testing.T) {
	steps := func(h Hyper, grads ...[]float64) []T {
		ps := one[T](1, -2)
		o, err := NewSGD(ps, h)
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
	// p -= lr*g.
	assertClose(t, "plain", steps(Hyper{LR: 0.1}, []float64{0.5, 1}), []float64{0.95, -2.1})
	// Weight decay: g = 0 + 0.1*p = (0.1, -0.2).
	assertClose(t, "weight decay", steps(Hyper{LR: 0.1, WeightDecay: 0.1}, []float64{0, 0}), []float64{0.99, -1.98})
	// Momentum with dampening: buf1 = g1 = (1, -1) (no dampening on the first
	// step), p1 = (0.9, -1.9); buf2 = 0.9*buf1 + 0.9*g2 = (2.7, -0.9),
	// p2 = (0.63, -1.81).
	assertClose(t, "dampening", steps(Hyper{LR: 0.1, Momentum: 0.9, Dampening: 0.1}, []float64{1, -1}, []float64{2, 0}),
		[]float64{0.63, -1.81})
	// Nesterov: buf1 = (1, -1), d1 = g1 + 0.9*buf1 = (1.9, -1.9),
	// p1 = (0.81, -1.81); buf2 = 0.9*buf1 + g2 = (2.9, -0.9),
	// d2 = g2 + 0.9*buf2 = (4.61, -0.81), p2 = (0.349, -1.729).
	assertClose(t, "nesterov", steps(Hyper{LR: 0.1, Momentum: 0.9, Nesterov: true}, []float64{1, -1}, []float64{2, 0}),
		[]float64{0.349, -1.729})
	// Momentum without dampening, three equal gradients: buf = 1, 1.5, 1.75.
	assertClose(t, "momentum", steps(Hyper{LR: 1, Momentum: 0.5}, []float64{1, 0}, []float64{1, 0}, []float64{1, 0}),
		[]float64{1 - 1 - 1.5 - 1.75, -2})
}

func TestSGDValidation(t *testing.T) {
	ps := one[float64](1, 2)
	for _, c := range []struct {
		h    Hyper
		want string
	}{
		{Hyper{LR: -1}, "learning rate"},
		{Hyper{LR: nan()}, "learning rate"},
		{Hyper{LR: 0.1, Momentum: -0.1}, "momentum"},
		{Hyper{LR: 0.1, WeightDecay: -1e-4}, "weight decay"},
		{Hyper{LR: 0.1, Dampening: nan()}, "dampening"},
		{Hyper{LR: 0.1, Nesterov: true}, "Nesterov"},
		{Hyper{LR: 0.1, Momentum: 0.9, Dampening: 0.1, Nesterov: true}, "Nesterov"},
	} {
		if _, err := NewSGD(ps, c.h); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewSGD(%+v) = %v, want an error about %s", c.h, err, c.want)
		}
	}
	// What torch accepts.
	for _, h := range []Hyper{{LR: 0}, {LR: 0.1, Momentum: 0.9, Dampening: 0.5}, {LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 1}} {
		if _, err := NewSGD(ps, h); err != nil {
			t.Errorf("NewSGD(%+v): %v", h, err)
		}
	}
}

func TestSGDInterface(t *testing.T) {
	ps := one[float32](1)
	o, err := NewSGD(ps, Hyper{LR: 0.5, Momentum: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if o.Name() != "sgd" || o.Needs().Curvature || o.LR() != 0.5 {
		t.Errorf("Name %q Needs().Curvature %v LR %v", o.Name(), o.Needs().Curvature, o.LR())
	}
	o.SetLR(0.25)
	if o.LR() != 0.25 {
		t.Errorf("LR after SetLR(0.25) = %v", o.LR())
	}
	st := o.State()
	if len(st.Tensors) != 1 || st.Tensors["w.momentum_buffer"] == nil || st.Scalars["step"] != 0 || st.Scalars["lr"] != 0.25 {
		t.Errorf("State before the first step: %v %v", st.Tensors, st.Scalars)
	}
	plain, _ := NewSGD(ps, Hyper{LR: 0.5})
	if st := plain.State(); len(st.Tensors) != 0 {
		t.Errorf("SGD without momentum has state tensors %v", st.Tensors)
	}
}
