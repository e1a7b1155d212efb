package nn

import (
	"math"
	"testing"
)

func to32(t *Tensor[float64]) *Tensor[float32] {
	out := NewTensor[float32](t.Shape...)
	for i, v := range t.Data {
		out.Data[i] = float32(v)
	}
	return out
}

// maxRelDiff is max |a-b| over max |b|: the error relative to the scale of b.
func maxRelDiff(a []float32, b []float64) float64 {
	var diff, scale float64
	for i := range b {
		diff = math.Max(diff, math.Abs(float64(a[i])-b[i]))
		scale = math.Max(scale, math.Abs(b[i]))
	}
	return diff / math.Max(scale, 1e-30)
}

// TestFloat32MatchesFloat64 runs each model of the zoo in both precisions from
// the same seed and input, and compares outputs and gradients to float32
// precision.
func TestFloat32MatchesFloat64(t *testing.T) {
	const tol = 2e-5
	cases := []struct {
		name  string
		cfg   netConfig
		batch int
	}{
		{"mlp/relu", netConfig{Arch: "mlp", InputShape: []int{12}, Classes: 4, Hidden: []int{16, 8}, Activation: "relu"}, 8},
		{"mlp/tanh", netConfig{Arch: "mlp", InputShape: []int{12}, Classes: 4, Hidden: []int{16}, Activation: "tanh"}, 8},
		{"mlp/sigmoid", netConfig{Arch: "mlp", InputShape: []int{12}, Classes: 4, Hidden: []int{16}, Activation: "sigmoid"}, 8},
		{"mlp/gelu", netConfig{Arch: "mlp", InputShape: []int{1, 4, 3}, Classes: 4, Hidden: []int{16}, Activation: "gelu"}, 8},
		{"iris-toy", netConfig{Arch: "iris-toy", InputShape: []int{4}, Classes: 3}, 8},
		{"cnn", netConfig{Arch: "cnn", InputShape: []int{1, 12, 12}, Classes: 10}, 8},
		{"cnn/rgb", netConfig{Arch: "cnn", InputShape: []int{3, 9, 11}, Classes: 5}, 4},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Seed = uint64(20 + i)
			m64, err := buildNet[float64](c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			m32, err := buildNet[float32](c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			rng := newRNG(uint64(500 + i))
			x32 := to32(randTensor(rng, append([]int{c.batch}, c.cfg.InputShape...)...))
			x64 := NewTensor[float64](x32.Shape...)
			for j, v := range x32.Data {
				x64.Data[j] = float64(v)
			}
			labels := make([]int, c.batch)
			for j := range labels {
				labels[j] = rng.IntN(c.cfg.Classes)
			}
			for _, mode := range []Mode{{Train: true}, {}} {
				m64.ZeroGrad()
				m32.ZeroGrad()
				y64, err := m64.Forward(x64, mode)
				if err != nil {
					t.Fatal(err)
				}
				y32, err := m32.Forward(x32, mode)
				if err != nil {
					t.Fatal(err)
				}
				if d := maxRelDiff(y32.Data, y64.Data); d > tol {
					t.Errorf("train %v: outputs differ by %.3g relative", mode.Train, d)
				}
				var g64 Tensor[float64]
				var g32 Tensor[float32]
				CrossEntropy(y64, labels, &g64)
				CrossEntropy(y32, labels, &g32)
				m64.Backward(&g64)
				m32.Backward(&g32)
				// Gradients are compared on the scale of their layer's: the
				// bias of a convolution before BatchNorm has a gradient that
				// is 0 up to rounding in training mode.
				layerScale := map[string]float64{}
				for _, p := range m64.Params() {
					for _, v := range p.Grad.Data {
						layerScale[p.Layer] = math.Max(layerScale[p.Layer], math.Abs(v))
					}
				}
				p32 := m32.Params()
				for j, p := range m64.Params() {
					var diff float64
					for k, v := range p.Grad.Data {
						diff = math.Max(diff, math.Abs(float64(p32[j].Grad.Data[k])-v))
					}
					if d := diff / layerScale[p.Layer]; d > 10*tol {
						t.Errorf("train %v: %s gradients differ by %.3g relative", mode.Train, p.Name, d)
					}
				}
				s32 := m32.State()
				for j, s := range m64.State() {
					if s.Value != nil && !s32[j].Trainable {
						if d := maxRelDiff(s32[j].Value.Data, s.Value.Data); d > tol {
							t.Errorf("%s differs by %.3g relative", s.Name, d)
						}
					}
				}
			}
		})
	}
}
