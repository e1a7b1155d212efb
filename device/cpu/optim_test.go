package cpu_test

import (
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/cpu"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// stepAgainstOptim runs three steps of an optim optimizer and of the device
// update on the same parameter and gradients, and asks for the same bits.
func stepAgainstOptim[T float32 | float64](t *testing.T, name string, h optim.Hyper, update func(d device.Device, p, g device.Buffer, state []device.Buffer, n int, step int64)) {
	const n = 301
	rng := rand.New(rand.NewPCG(5, 6))
	p := &nn.Param[T]{Name: "w.weight", Layer: "w", Role: "weight", Value: nn.NewTensor[T](n), Grad: nn.NewTensor[T](n)}
	for i := range p.Value.Data {
		p.Value.Data[i] = T(rng.NormFloat64())
	}
	var opt optim.Optimizer[T]
	var err error
	switch name {
	case "sgd":
		opt, err = optim.NewSGD([]*nn.Param[T]{p}, h)
	case "adam", "adamw":
		opt, err = optim.NewAdam([]*nn.Param[T]{p}, h, name == "adamw")
	}
	if err != nil {
		t.Fatal(err)
	}
	d := cpu.New()
	pb, err := device.Upload(d, p.Value.Data)
	if err != nil {
		t.Fatal(err)
	}
	state := make([]device.Buffer, 2)
	for i := range state {
		state[i], _ = d.Alloc(device.DTypeOf[T](), n)
	}
	for s := int64(1); s <= 3; s++ {
		for i := range p.Grad.Data {
			p.Grad.Data[i] = T(rng.NormFloat64())
		}
		gb, err := device.Upload(d, p.Grad.Data)
		if err != nil {
			t.Fatal(err)
		}
		if err := opt.Step(optim.StepInput[T]{}); err != nil {
			t.Fatal(err)
		}
		update(d, pb, gb, state, n, s)
	}
	got, err := device.Download[T](d, pb)
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range p.Value.Data {
		if got[i] != w {
			t.Fatalf("%s %T: parameter %d = %v, optim %v", name, w, i, got[i], w)
		}
	}
}

func optimCases[T float32 | float64](t *testing.T) {
	for _, h := range []optim.Hyper{
		{LR: 0.1},
		{LR: 0.1, Momentum: 0.9, WeightDecay: 5e-4},
		{LR: 0.05, Momentum: 0.9, Dampening: 0.25},
		{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-4},
	} {
		stepAgainstOptim[T](t, "sgd", h, func(d device.Device, p, g device.Buffer, st []device.Buffer, n int, s int64) {
			buf := st[0]
			if h.Momentum == 0 {
				buf = nil
			}
			d.SGD(p, g, buf, n, device.SGDCoef{LR: h.LR, Momentum: h.Momentum, Dampening: h.Dampening,
				WeightDecay: h.WeightDecay, Nesterov: h.Nesterov, First: s == 1})
		})
	}
	for _, name := range []string{"adam", "adamw"} {
		for _, wd := range []float64{0, 0.01} {
			h := optim.Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: wd}
			stepAgainstOptim[T](t, name, h, func(d device.Device, p, g device.Buffer, st []device.Buffer, n int, s int64) {
				d.Adam(p, g, st[0], st[1], n, device.NewAdamCoef(h.LR, h.Beta1, h.Beta2, h.Eps, h.WeightDecay, name == "adamw", s))
			})
		}
	}
}

func TestOptimizersMatchOptim(t *testing.T) {
	optimCases[float32](t)
	optimCases[float64](t)
}
