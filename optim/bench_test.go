package optim

import (
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

// mlpParams are the parameters of the 784-256-128-10 MLP: 235,146 values.
func mlpParams[T nn.Float]() []*nn.Param[T] {
	var ps []*nn.Param[T]
	dims := []int{784, 256, 128, 10}
	for i := 0; i+1 < len(dims); i++ {
		layer := "fc" + string(rune('1'+i))
		for _, s := range [][]int{{dims[i+1], dims[i]}, {dims[i+1]}} {
			role := "weight"
			if len(s) == 1 {
				role = "bias"
			}
			p := &nn.Param[T]{Name: layer + "." + role, Layer: layer, Role: role,
				Value: nn.NewTensor[T](s...), Grad: nn.NewTensor[T](s...)}
			for j := range p.Value.Data {
				p.Value.Data[j] = T(float64(j%97-48) * 1e-3)
			}
			ps = append(ps, p)
		}
	}
	return ps
}

// benchGrads makes gradient sets for the parameters that Step cycles
// through, so that the optimizer sees changing gradients as in training
// rather than settling on a fixed point.
func benchGrads[T nn.Float](ps []*nn.Param[T], sets int) [][]*nn.Tensor[T] {
	out := make([][]*nn.Tensor[T], sets)
	for k := range out {
		for _, p := range ps {
			g := nn.NewTensor[T](p.Value.Shape...)
			for j := range g.Data {
				g.Data[j] = T(float64((j*(k+3)+7*k)%89-44) * 1e-4)
			}
			out[k] = append(out[k], g)
		}
	}
	return out
}

func benchStep[T nn.Float](b *testing.B, method string, h Hyper) {
	ps := mlpParams[T]()
	grads := benchGrads(ps, 4)
	n := 0
	for _, p := range ps {
		n += p.Value.Numel()
	}
	o, err := build(method, ps, h)
	if err != nil {
		b.Fatal(err)
	}
	k := 0
	next := func() {
		for i, p := range ps {
			p.Grad = grads[k%len(grads)][i]
		}
		k++
	}
	next()
	o.Step(StepInput[T]{})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		next()
		if err := o.Step(StepInput[T]{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/param")
}

var adamHyper = Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}

func BenchmarkAdamStep(b *testing.B) {
	b.Run("float32", func(b *testing.B) { benchStep[float32](b, "adam", adamHyper) })
	b.Run("float64", func(b *testing.B) { benchStep[float64](b, "adam", adamHyper) })
}

func BenchmarkAdamWStep(b *testing.B) {
	h := adamHyper
	h.WeightDecay = 1e-2
	b.Run("float32", func(b *testing.B) { benchStep[float32](b, "adamw", h) })
	b.Run("float64", func(b *testing.B) { benchStep[float64](b, "adamw", h) })
}

func BenchmarkSGDStep(b *testing.B) {
	h := Hyper{LR: 0.1, Momentum: 0.9, Nesterov: true, WeightDecay: 5e-4}
	b.Run("float32", func(b *testing.B) { benchStep[float32](b, "sgd", h) })
	b.Run("float64", func(b *testing.B) { benchStep[float64](b, "sgd", h) })
}
