package engine_test

import (
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/device/engine"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/train"
)

// BenchmarkSecondOrderStep times one training step of mlp784_b128
// (784-256-128-10, ReLU, batch 128, float32) with K-FAC, Shampoo and
// AdaHessian at their default settings: the engine on OpenCL and
// train.Stepper on the host. Steps that refresh the decompositions are
// part of the average as in training (K-FAC every 100 steps, Shampoo every
// step).
func BenchmarkSecondOrderStep(b *testing.B) {
	c := models.Config{Arch: "mlp", InputShape: []int{784}, Hidden: []int{256, 128}, Classes: 10, Activation: "relu", Seed: 1}
	for _, name := range []string{"kfac", "shampoo", "adahessian"} {
		h, err := optim.Defaults(name)
		if err != nil {
			b.Fatal(err)
		}
		build := func() (*nn.Model[float32], optim.Optimizer[float32], *nn.Tensor[float32], []int) {
			m, err := models.Build[float32](c)
			if err != nil {
				b.Fatal(err)
			}
			o, err := optim.New(name, m, h)
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			x := nn.NewTensor[float32](128, 784)
			for i := range x.Data {
				x.Data[i] = float32(rng.NormFloat64())
			}
			y := make([]int, 128)
			for i := range y {
				y[i] = rng.IntN(10)
			}
			return m, o, x, y
		}
		b.Run(name+"/opencl", func(b *testing.B) {
			dev := openCL(b)
			m, o, x, y := build()
			e, err := engine.New(dev, m, o, h)
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			if _, err := e.Step(x, y); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := e.Step(x, y); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/cpu-stepper", func(b *testing.B) {
			m, o, x, y := build()
			s := train.NewStepper(m, o)
			for b.Loop() {
				if _, err := s.Step(x, y, false); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
