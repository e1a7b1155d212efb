package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// Gradient checks: every layer's backward pass against central finite
// differences in float64, for the parameter gradients and the input gradient.
// The loss of a layer is a fixed random linear functional of its output,
// L = sum(w * y), so that its output gradient is w.

const (
	fdStep = 1e-5
	fdTol  = 1e-6 // relative error
	fdAbs  = 1e-9 // floor for gradients that are 0 (or nearly)
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x7e57)) }

// randTensor fills a tensor with N(0, 1) draws.
func randTensor(rng *rand.Rand, shape ...int) *Tensor[float64] {
	t := NewTensor[float64](shape...)
	for i := range t.Data {
		t.Data[i] = rng.NormFloat64()
	}
	return t
}

// awayFromZero moves every element at least 0.1 from 0, so that ReLU's kink is
// out of reach of the finite differences.
func awayFromZero(t *Tensor[float64]) *Tensor[float64] {
	for i, v := range t.Data {
		if math.Abs(v) < 0.1 {
			t.Data[i] = math.Copysign(0.1+math.Abs(v), v)
		}
	}
	return t
}

// distinct fills a tensor with a random permutation of well separated values,
// so that no max-pooling window holds a near tie.
func distinct(rng *rand.Rand, shape ...int) *Tensor[float64] {
	t := NewTensor[float64](shape...)
	for i, p := range rng.Perm(len(t.Data)) {
		t.Data[i] = 0.01*float64(p) - 0.005*float64(len(t.Data))
	}
	return t
}

// closeRel reports whether a and b agree to the relative tolerance tol.
func closeRel(a, b, tol, abs float64) bool {
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))+abs
}

func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// gradCheck compares the layer's gradients of L = sum(w*y) with central
// differences, for every parameter element (when the layer has parameters)
// and every input element.
func gradCheck(t *testing.T, l Layer[float64], x *Tensor[float64], mode Mode, seed uint64) {
	t.Helper()
	gradCheckOpts(t, l, x, mode, seed, true)
}

// gradCheckOpts is gradCheck; without checkInput the input gradient is not
// compared (token ids are not differentiable).
func gradCheckOpts(t *testing.T, l Layer[float64], x *Tensor[float64], mode Mode, seed uint64, checkInput bool) {
	t.Helper()
	params := layerParams(l)
	for _, p := range params {
		p.Grad.zero()
	}
	y := l.Forward(x, mode)
	rng := newRNG(seed)
	w := randTensor(rng, y.Shape...)
	dxT := l.Backward(w.Clone(), true)
	if dxT == nil || !SameShape(dxT.Shape, x.Shape) {
		t.Fatalf("input gradient %v, want shape %v", dxT, x.Shape)
	}
	dx := append([]float64(nil), dxT.Data...)
	grads := make([][]float64, len(params))
	for i, p := range params {
		grads[i] = append([]float64(nil), p.Grad.Data...)
	}
	loss := func() float64 { return dot(w.Data, l.Forward(x, mode).Data) }
	numeric := func(v *float64) float64 {
		old := *v
		*v = old + fdStep
		lp := loss()
		*v = old - fdStep
		lm := loss()
		*v = old
		return (lp - lm) / (2 * fdStep)
	}
	bad := 0
	report := func(what string, i int, got, want float64) {
		if closeRel(got, want, fdTol, fdAbs) {
			return
		}
		if bad++; bad <= 5 {
			t.Errorf("%s[%d]: backward %.12g, finite differences %.12g (relative error %.3g)",
				what, i, got, want, math.Abs(got-want)/math.Max(math.Abs(want), 1e-300))
		}
	}
	for pi, p := range params {
		for i := range p.Value.Data {
			report(p.Name, i, grads[pi][i], numeric(&p.Value.Data[i]))
		}
	}
	if !checkInput {
		return
	}
	for i := range x.Data {
		report("input", i, dx[i], numeric(&x.Data[i]))
	}
}

// resetLayer initialises a layer's parameters as a model would, and gives
// BatchNorm non-trivial affine parameters and running statistics.
func resetLayer(l Layer[float64], seed uint64) {
	rng := newRNG(seed)
	if r, ok := l.(Resetter); ok {
		r.Reset(rng)
	}
	if bn, ok := l.(*BatchNorm2d[float64]); ok {
		for c := 0; c < bn.Channels; c++ {
			bn.Weight.Value.Data[c] = 0.5 + rng.Float64()
			bn.Bias.Value.Data[c] = rng.NormFloat64()
			bn.RunningMean.Data[c] = 0.3 * rng.NormFloat64()
			bn.RunningVar.Data[c] = 0.5 + rng.Float64()
		}
	}
}

func TestGradCheckLayers(t *testing.T) {
	rng := newRNG(1)
	train, eval := Mode{Train: true}, Mode{}
	cases := []struct {
		name  string
		layer Layer[float64]
		x     *Tensor[float64]
		mode  Mode
	}{
		{"linear/bias/2d", NewLinear[float64]("fc", 5, 4, true), randTensor(rng, 3, 5), train},
		{"linear/nobias/2d", NewLinear[float64]("fc", 5, 4, false), randTensor(rng, 3, 5), train},
		{"linear/bias/3d", NewLinear[float64]("fc", 4, 3, true), randTensor(rng, 2, 3, 4), train},
		{"linear/nobias/3d", NewLinear[float64]("fc", 4, 3, false), randTensor(rng, 2, 3, 4), train},
		{"relu", NewActivation[float64]("relu"), awayFromZero(randTensor(rng, 3, 7)), train},
		{"relu/4d", NewActivation[float64]("relu"), awayFromZero(randTensor(rng, 2, 2, 3, 3)), train},
		{"tanh", NewActivation[float64]("tanh"), randTensor(rng, 3, 7), train},
		{"sigmoid", NewActivation[float64]("sigmoid"), randTensor(rng, 3, 7), train},
		{"gelu", NewActivation[float64]("gelu"), randTensor(rng, 3, 7), train},
		{"softmax", &Softmax[float64]{}, randTensor(rng, 4, 5), train},
		{"softmax/3d", &Softmax[float64]{}, randTensor(rng, 2, 3, 4), train},
		{"flatten", &Flatten[float64]{}, randTensor(rng, 2, 3, 2, 2), train},
		{"conv/s1/p0/bias", NewConv2d[float64]("conv", 3, 4, 3, 1, 0, true), randTensor(rng, 2, 3, 6, 5), train},
		{"conv/s1/p1/bias", NewConv2d[float64]("conv", 3, 4, 3, 1, 1, true), randTensor(rng, 2, 3, 6, 5), train},
		{"conv/s2/p0/bias", NewConv2d[float64]("conv", 3, 4, 3, 2, 0, true), randTensor(rng, 2, 3, 7, 6), train},
		{"conv/s2/p1/bias", NewConv2d[float64]("conv", 3, 4, 3, 2, 1, true), randTensor(rng, 2, 3, 7, 6), train},
		{"conv/s1/p0/nobias", NewConv2d[float64]("conv", 3, 4, 3, 1, 0, false), randTensor(rng, 2, 3, 6, 5), train},
		{"conv/s1/p1/nobias", NewConv2d[float64]("conv", 3, 4, 3, 1, 1, false), randTensor(rng, 2, 3, 6, 5), train},
		{"conv/s2/p0/nobias", NewConv2d[float64]("conv", 3, 4, 3, 2, 0, false), randTensor(rng, 2, 3, 7, 6), train},
		{"conv/s2/p1/nobias", NewConv2d[float64]("conv", 3, 4, 3, 2, 1, false), randTensor(rng, 2, 3, 7, 6), train},
		{"conv/k1", NewConv2d[float64]("conv", 3, 2, 1, 1, 0, true), randTensor(rng, 2, 3, 4, 4), train},
		{"conv/k2/s3/p2", NewConv2d[float64]("conv", 2, 3, 2, 3, 2, true), randTensor(rng, 2, 2, 5, 7), train},
		{"conv/k5/p2/eval", NewConv2d[float64]("conv", 2, 3, 5, 1, 2, true), randTensor(rng, 1, 2, 4, 6), eval},
		{"batchnorm/train", NewBatchNorm2d[float64]("bn", 3), randTensor(rng, 4, 3, 3, 2), train},
		{"batchnorm/train/1x1", NewBatchNorm2d[float64]("bn", 2), randTensor(rng, 5, 2, 1, 1), train},
		{"batchnorm/eval", NewBatchNorm2d[float64]("bn", 3), randTensor(rng, 4, 3, 3, 2), eval},
		{"maxpool/k2/s2", NewMaxPool2d[float64](2, 2), distinct(rng, 2, 3, 6, 6), train},
		{"maxpool/k2/s2/odd", NewMaxPool2d[float64](2, 2), distinct(rng, 2, 2, 7, 5), train},
		{"maxpool/k3/s2", NewMaxPool2d[float64](3, 2), distinct(rng, 2, 2, 7, 8), train},
		{"maxpool/k2/s1", NewMaxPool2d[float64](2, 1), distinct(rng, 1, 2, 5, 4), train},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resetLayer(c.layer, uint64(100+i))
			gradCheck(t, c.layer, c.x, c.mode, uint64(200+i))
		})
	}
}

func TestGradCheckCrossEntropy(t *testing.T) {
	rng := newRNG(2)
	for _, shape := range [][]int{{6, 4}, {1, 3}, {5, 1}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			z := randTensor(rng, shape...)
			for i := range z.Data {
				z.Data[i] *= 3
			}
			labels := make([]int, shape[0])
			for i := range labels {
				labels[i] = rng.IntN(shape[1])
			}
			var grad Tensor[float64]
			CrossEntropy(z, labels, &grad)
			for i := range z.Data {
				old := z.Data[i]
				z.Data[i] = old + fdStep
				lp, _ := CrossEntropy(z, labels, nil)
				z.Data[i] = old - fdStep
				lm, _ := CrossEntropy(z, labels, nil)
				z.Data[i] = old
				if num := (lp - lm) / (2 * fdStep); !closeRel(grad.Data[i], num, fdTol, fdAbs) {
					t.Errorf("logit %d: gradient %.12g, finite differences %.12g", i, grad.Data[i], num)
				}
			}
		})
	}
}

// TestGradCheckModels checks whole models of the zoo, with the cross-entropy
// of their output as the loss, in training mode (BatchNorm through batch
// statistics) and evaluation mode.
func TestGradCheckModels(t *testing.T) {
	cases := []struct {
		name  string
		cfg   netConfig
		batch int
		train bool
	}{
		{"mlp/relu", netConfig{Arch: "mlp", InputShape: []int{5}, Classes: 3, Hidden: []int{6, 4}, Activation: "relu"}, 4, true},
		{"mlp/tanh/image", netConfig{Arch: "mlp", InputShape: []int{1, 3, 3}, Classes: 3, Hidden: []int{5}, Activation: "tanh"}, 3, true},
		{"mlp/gelu", netConfig{Arch: "mlp", InputShape: []int{4}, Classes: 2, Hidden: []int{5}, Activation: "gelu"}, 3, true},
		{"mlp/sigmoid/linear", netConfig{Arch: "mlp", InputShape: []int{4}, Classes: 3, Activation: "sigmoid"}, 3, true},
		{"iris-toy", netConfig{Arch: "iris-toy", InputShape: []int{4}, Classes: 3}, 6, true},
		{"cnn/train", netConfig{Arch: "cnn", InputShape: []int{2, 6, 5}, Classes: 3}, 3, true},
		{"cnn/eval", netConfig{Arch: "cnn", InputShape: []int{1, 8, 7}, Classes: 2}, 2, false},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Seed = uint64(10 + i)
			m, err := buildNet[float64](c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			rng := newRNG(uint64(300 + i))
			for _, l := range m.ParamLayers() {
				if bn, ok := l.(*BatchNorm2d[float64]); ok {
					resetLayer(bn, uint64(400+i))
				}
			}
			x := randTensor(rng, append([]int{c.batch}, c.cfg.InputShape...)...)
			if c.cfg.Arch == "iris-toy" {
				// Keep the single hidden unit active on every sample.
				for j := range x.Data {
					x.Data[j] = math.Abs(x.Data[j]) + 0.5
				}
				fc1 := m.Param("fc1.weight").Value.Data
				for j := range fc1 {
					fc1[j] = math.Abs(fc1[j]) + 0.1
				}
			}
			labels := make([]int, c.batch)
			for j := range labels {
				labels[j] = rng.IntN(c.cfg.Classes)
			}
			mode := Mode{Train: c.train}
			loss := func() float64 {
				y, err := m.Forward(x, mode)
				if err != nil {
					t.Fatal(err)
				}
				l, _ := CrossEntropy(y, labels, nil)
				return l
			}
			m.ZeroGrad()
			y, err := m.Forward(x, mode)
			if err != nil {
				t.Fatal(err)
			}
			var dy Tensor[float64]
			CrossEntropy(y, labels, &dy)
			dx := append([]float64(nil), m.Net.Backward(&dy, true).Data...)
			check := func(what string, j int, got float64, v *float64) {
				old := *v
				*v = old + fdStep
				lp := loss()
				*v = old - fdStep
				lm := loss()
				*v = old
				if num := (lp - lm) / (2 * fdStep); !closeRel(got, num, fdTol, fdAbs) {
					t.Errorf("%s[%d]: backward %.12g, finite differences %.12g", what, j, got, num)
				}
			}
			nonzero := 0
			for _, p := range m.Params() {
				g := append([]float64(nil), p.Grad.Data...)
				for j := range p.Value.Data {
					if g[j] != 0 {
						nonzero++
					}
					check(p.Name, j, g[j], &p.Value.Data[j])
				}
			}
			for j := range x.Data {
				check("input", j, dx[j], &x.Data[j])
			}
			if nonzero < m.NumParams()/4 {
				t.Errorf("only %d of %d parameter gradients are nonzero: the check proves little", nonzero, m.NumParams())
			}
		})
	}
}
