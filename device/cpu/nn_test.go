package cpu_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/cpu"
	"github.com/adafisher-go/landscape/nn"
)

// These tests hold the reference device to packages nn and optim: each
// layer's forward and backward built from device operations, in float64,
// against the layer itself.

type fixture struct {
	t   *testing.T
	d   *cpu.Device
	rng *rand.Rand
}

func newFixture(t *testing.T) *fixture {
	return &fixture{t: t, d: cpu.New(), rng: rand.New(rand.NewPCG(1, 2))}
}

func (f *fixture) up(v []float64) device.Buffer {
	b, err := device.Upload(f.d, v)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

func (f *fixture) zeros(n int) device.Buffer {
	b, err := f.d.Alloc(device.F64, n)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

func (f *fixture) randn(n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = f.rng.NormFloat64()
	}
	return v
}

func (f *fixture) tensor(shape ...int) *nn.Tensor[float64] {
	t := nn.NewTensor[float64](shape...)
	copy(t.Data, f.randn(len(t.Data)))
	return t
}

// near checks a device buffer against nn's values: normwise within 1e-12.
func (f *fixture) near(name string, b device.Buffer, want []float64) {
	f.t.Helper()
	if err := f.d.Sync(); err != nil {
		f.t.Fatal(err)
	}
	got, err := device.Download[float64](f.d, b)
	if err != nil {
		f.t.Fatal(err)
	}
	if len(got) < len(want) {
		f.t.Fatalf("%s: %d values, want %d", name, len(got), len(want))
	}
	var diff, scale float64
	for i, w := range want {
		diff = max(diff, math.Abs(got[i]-w))
		scale = max(scale, math.Abs(w))
	}
	if diff > 1e-12*scale {
		f.t.Errorf("%s: max difference %.3g (scale %.3g)", name, diff, scale)
	}
}

func m(b device.Buffer, ld int) device.Mat { return device.Mat{Buf: b, LD: ld} }

func TestConv2dMatchesNN(t *testing.T) {
	for _, c := range []struct{ b, in, out, h, w, k, s, p int }{
		{2, 3, 4, 7, 6, 3, 1, 1}, {2, 3, 5, 8, 8, 3, 2, 1}, {3, 16, 4, 5, 5, 1, 1, 0},
	} {
		f := newFixture(t)
		layer := nn.NewConv2d[float64]("conv", c.in, c.out, c.k, c.s, c.p, true)
		layer.Reset(f.rng)
		x := f.tensor(c.b, c.in, c.h, c.w)
		y := layer.Forward(x, nn.Mode{Train: true})
		dy := f.tensor(y.Shape...)
		dx := layer.Backward(dy, true)

		g := device.ConvGeom{Batch: c.b, C: c.in, H: c.h, W: c.w, K: c.k, Stride: c.s, Pad: c.p, OH: y.Shape[2], OW: y.Shape[3]}
		rows, d := g.Rows(), g.Patch()
		w, bias := f.up(layer.Weight.Value.Data), f.up(layer.Bias.Value.Data)
		xb, cols, ymat, yb := f.up(x.Data), f.zeros(rows*d), f.zeros(rows*c.out), f.zeros(len(y.Data))
		f.d.Im2col(g, xb, cols)
		f.d.Gemm(false, true, rows, c.out, d, 1, m(cols, d), m(w, d), 0, m(ymat, c.out))
		f.d.ConvOutput(g, c.out, ymat, bias, yb)
		f.near("y", yb, y.Data)

		dyb, grows, dw, db := f.up(dy.Data), f.zeros(rows*c.out), f.zeros(len(layer.Weight.Grad.Data)), f.zeros(c.out)
		f.d.ConvGradRows(g, c.out, dyb, grows, db)
		f.d.Gemm(true, false, c.out, d, rows, 1, m(grows, c.out), m(cols, d), 1, m(dw, d))
		dcols, dxb := f.zeros(rows*d), f.zeros(len(x.Data))
		f.d.Gemm(false, false, rows, d, c.out, 1, m(grows, c.out), m(w, d), 0, m(dcols, d))
		f.d.Col2im(g, dcols, dxb)
		f.near("dW", dw, layer.Weight.Grad.Data)
		f.near("db", db, layer.Bias.Grad.Data)
		f.near("dx", dxb, dx.Data)
	}
}

func TestBatchNormMatchesNN(t *testing.T) {
	for _, train := range []bool{true, false} {
		f := newFixture(t)
		const b, c, h, w = 4, 3, 5, 6
		layer := nn.NewBatchNorm2d[float64]("bn", c)
		copy(layer.Weight.Value.Data, []float64{0.5, 1.5, -1})
		copy(layer.Bias.Value.Data, []float64{0.1, -0.2, 0.3})
		copy(layer.RunningMean.Data, []float64{0.2, -0.1, 0.05})
		copy(layer.RunningVar.Data, []float64{1.2, 0.8, 2})
		a := device.NormArgs{Batch: b, C: c, HW: h * w, Eps: layer.Eps, Momentum: layer.Momentum, Train: train}
		wb, bb := f.up(layer.Weight.Value.Data), f.up(layer.Bias.Value.Data)
		rm, rv := f.up(layer.RunningMean.Data), f.up(layer.RunningVar.Data)
		x := f.tensor(b, c, h, w)
		y := layer.Forward(x, nn.Mode{Train: train})
		dy := f.tensor(b, c, h, w)
		dx := layer.Backward(dy, true)

		n := len(x.Data)
		xhat, yb, inv := f.zeros(n), f.zeros(n), f.zeros(c)
		f.d.BatchNormForward(a, f.up(x.Data), wb, bb, rm, rv, xhat, yb, inv)
		dw, db, dxb := f.zeros(c), f.zeros(c), f.zeros(n)
		f.d.BatchNormBackward(a, f.up(dy.Data), xhat, wb, inv, dw, db, dxb)
		f.near("y", yb, y.Data)
		f.near("running_mean", rm, layer.RunningMean.Data)
		f.near("running_var", rv, layer.RunningVar.Data)
		f.near("dW", dw, layer.Weight.Grad.Data)
		f.near("db", db, layer.Bias.Grad.Data)
		f.near("dx", dxb, dx.Data)
	}
}

func TestLayerNormMatchesNN(t *testing.T) {
	f := newFixture(t)
	const b, tn, d = 3, 5, 12
	layer := nn.NewLayerNorm[float64]("ln", d)
	copy(layer.Weight.Value.Data, f.randn(d))
	copy(layer.Bias.Value.Data, f.randn(d))
	x := f.tensor(b, tn, d)
	y := layer.Forward(x, nn.Mode{Train: true})
	dy := f.tensor(b, tn, d)
	dx := layer.Backward(dy, true)
	a := device.NormArgs{Rows: b * tn, D: d, Eps: layer.Eps}
	n := len(x.Data)
	wb, bb := f.up(layer.Weight.Value.Data), f.up(layer.Bias.Value.Data)
	xhat, yb, inv := f.zeros(n), f.zeros(n), f.zeros(b*tn)
	f.d.LayerNormForward(a, f.up(x.Data), wb, bb, xhat, yb, inv)
	dw, db, dxb := f.zeros(d), f.zeros(d), f.zeros(n)
	f.d.LayerNormBackward(a, f.up(dy.Data), xhat, wb, inv, dw, db, dxb)
	f.near("y", yb, y.Data)
	f.near("dW", dw, layer.Weight.Grad.Data)
	f.near("db", db, layer.Bias.Grad.Data)
	f.near("dx", dxb, dx.Data)
}

func TestPoolsMatchNN(t *testing.T) {
	for _, c := range []struct{ k, s int }{{2, 2}, {3, 1}, {3, 2}} {
		f := newFixture(t)
		x := f.tensor(2, 3, 9, 8)
		for i := range x.Data {
			x.Data[i] = math.Round(x.Data[i] * 2) // ties
		}
		g := device.PoolGeom{Planes: 6, H: 9, W: 8, K: c.k, Stride: c.s}
		xb := f.up(x.Data)

		mp := nn.NewMaxPool2d[float64](c.k, c.s)
		y := mp.Forward(x, nn.Mode{})
		dy := f.tensor(y.Shape...)
		dx := mp.Backward(dy, true)
		yb, dxb := f.zeros(len(y.Data)), f.zeros(len(x.Data))
		arg, err := f.d.Alloc(device.I32, len(y.Data))
		if err != nil {
			t.Fatal(err)
		}
		f.d.MaxPool(g, xb, yb, arg)
		f.d.MaxPoolBackward(g, f.up(dy.Data), arg, dxb)
		f.near("maxpool y", yb, y.Data)
		f.near("maxpool dx", dxb, dx.Data)

		ap := nn.NewAvgPool2d[float64](c.k, c.s)
		y = ap.Forward(x, nn.Mode{})
		dx = ap.Backward(dy, true)
		f.d.AvgPool(g, xb, yb)
		f.d.AvgPoolBackward(g, f.up(dy.Data), dxb)
		f.near("avgpool y", yb, y.Data)
		f.near("avgpool dx", dxb, dx.Data)
	}
	f := newFixture(t)
	x := f.tensor(2, 3, 4, 5)
	gp := &nn.GlobalAvgPool2d[float64]{}
	y := gp.Forward(x, nn.Mode{})
	dy := f.tensor(2, 3)
	dx := gp.Backward(dy, true)
	yb, dxb := f.zeros(6), f.zeros(len(x.Data))
	f.d.GlobalAvgPool(6, 20, f.up(x.Data), yb)
	f.d.GlobalAvgPoolBackward(6, 20, f.up(dy.Data), dxb)
	f.near("gap y", yb, y.Data)
	f.near("gap dx", dxb, dx.Data)
}

func TestActivationsMatchNN(t *testing.T) {
	acts := map[string]device.Act{"relu": device.ReLU, "tanh": device.Tanh, "sigmoid": device.Sigmoid, "gelu": device.GELU}
	for name, act := range acts {
		f := newFixture(t)
		layer := nn.NewActivation[float64](name)
		x := f.tensor(7, 9)
		x.Data[0] = 0
		y := layer.Forward(x, nn.Mode{})
		dy := f.tensor(7, 9)
		dx := layer.Backward(dy, true)
		n := len(x.Data)
		xb, yb, dxb := f.up(x.Data), f.zeros(n), f.zeros(n)
		f.d.Activation(act, xb, yb, n)
		f.d.ActivationBackward(act, xb, yb, f.up(dy.Data), dxb, n)
		f.near(name+" y", yb, y.Data)
		f.near(name+" dx", dxb, dx.Data)
	}
}

func TestEmbeddingMatchesNN(t *testing.T) {
	f := newFixture(t)
	const num, dim, n = 7, 5, 20
	layer := nn.NewEmbedding[float64]("emb", num, dim)
	layer.Reset(f.rng)
	x := nn.NewTensor[float64](4, 5)
	idx := make([]int32, n)
	for i := range x.Data {
		idx[i] = int32(f.rng.IntN(num))
		x.Data[i] = float64(idx[i])
	}
	y := layer.Forward(x, nn.Mode{})
	dy := f.tensor(y.Shape...)
	layer.Backward(dy, false)
	ib, err := device.Upload(f.d, idx)
	if err != nil {
		t.Fatal(err)
	}
	yb, dw := f.zeros(n*dim), f.zeros(num*dim)
	f.d.Embedding(n, dim, ib, f.up(layer.Weight.Value.Data), yb)
	f.d.EmbeddingBackward(n, dim, ib, f.up(dy.Data), dw)
	f.near("y", yb, y.Data)
	f.near("dW", dw, layer.Weight.Grad.Data)
}

func TestDropoutMatchesNN(t *testing.T) {
	f := newFixture(t)
	layer := nn.NewDropout[float64](0.3, 9)
	layer.SetStep(4)
	x := f.tensor(5, 8)
	y := layer.Forward(x, nn.Mode{Train: true}).Clone()
	dy := f.tensor(5, 8)
	dx := layer.Backward(dy, true).Clone()
	// The host draws the mask as nn.Dropout does; here it is read off a
	// pass on ones.
	ones := nn.NewTensor[float64](5, 8)
	for i := range ones.Data {
		ones.Data[i] = 1
	}
	mask := append([]float64(nil), layer.Forward(ones, nn.Mode{Train: true}).Data...)
	n := len(x.Data)
	mb, yb, dxb := f.up(mask), f.zeros(n), f.zeros(n)
	f.d.Mul(yb, f.up(x.Data), mb, n)
	f.d.Mul(dxb, f.up(dy.Data), mb, n)
	f.near("y", yb, y.Data)
	f.near("dx", dxb, dx.Data)
}
