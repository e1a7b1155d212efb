package models

import (
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

// benchStep times a forward and backward pass of a zoo model on a batch of
// standard-normal inputs (float32, training mode), the part of a training
// step that package nn owns.
func benchStep(b *testing.B, c Config, batch int) {
	c.Seed = 1
	m, err := Build[float32](c)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	x := nn.NewTensor[float32](append([]int{batch}, c.InputShape...)...)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	labels := make([]int, batch)
	for i := range labels {
		labels[i] = rng.IntN(c.Classes)
	}
	var dy nn.Tensor[float32]
	step := func() {
		m.ZeroGrad()
		y, err := m.Forward(x, nn.Mode{Train: true})
		if err != nil {
			b.Fatal(err)
		}
		nn.CrossEntropy(y, labels, &dy)
		m.Backward(&dy)
	}
	step()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
}

func BenchmarkResNet8Step(b *testing.B) {
	benchStep(b, Config{Arch: "resnet", Depth: 8, InputShape: []int{3, 32, 32}, Classes: 10}, 128)
}

func BenchmarkResNet18Step(b *testing.B) {
	benchStep(b, Config{Arch: "resnet18", InputShape: []int{3, 32, 32}, Classes: 10}, 128)
}
