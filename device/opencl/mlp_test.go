package opencl

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/cpu"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// The end-to-end check: an MLP (Linear, ReLU, Linear, softmax
// cross-entropy) trained for a few steps with Adam and with AdaFisher,
// entirely on a device (weights, gradients, optimizer state and factors
// resident; the host sends batches and reads back losses), against the
// CPU path of packages nn and optim, in float64.

const (
	mlpIn, mlpHidden, mlpClasses, mlpBatch = 12, 16, 5, 24
)

func newMLP(seed uint64) (*nn.Model[float64], *nn.Linear[float64], *nn.Linear[float64]) {
	fc1 := nn.NewLinear[float64]("fc1", mlpIn, mlpHidden, true)
	fc2 := nn.NewLinear[float64]("fc2", mlpHidden, mlpClasses, true)
	m := nn.NewModel[float64]("mlp", []int{mlpIn}, mlpClasses, fc1, nn.NewActivation[float64]("relu"), fc2)
	m.Reset(seed)
	return m, fc1, fc2
}

// batches returns the inputs and labels of each step.
func batches(steps int) ([][]float64, [][]int32) {
	rng := rand.New(rand.NewPCG(3, 4))
	xs, ys := make([][]float64, steps), make([][]int32, steps)
	for s := range xs {
		xs[s] = make([]float64, mlpBatch*mlpIn)
		for i := range xs[s] {
			xs[s][i] = rng.NormFloat64()
		}
		ys[s] = make([]int32, mlpBatch)
		for i := range ys[s] {
			ys[s][i] = int32(rng.IntN(mlpClasses))
		}
	}
	return xs, ys
}

// deviceMLP holds the model on a device.
type deviceMLP struct {
	t                     *testing.T
	d                     device.Device
	w1, b1, w2, b2        device.Buffer
	g1, gb1, g2, gb2      device.Buffer
	x, y1, h, y2          device.Buffer
	labels, loss, correct device.Buffer
	dlogits, dh, dy1      device.Buffer
}

func (m *deviceMLP) up(v []float64) device.Buffer {
	b, err := device.Upload(m.d, v)
	if err != nil {
		m.t.Fatal(err)
	}
	return b
}

func (m *deviceMLP) zeros(dt device.DType, n int) device.Buffer {
	b, err := m.d.Alloc(dt, n)
	if err != nil {
		m.t.Fatal(err)
	}
	return b
}

func newDeviceMLP(t *testing.T, d device.Device, fc1, fc2 *nn.Linear[float64]) *deviceMLP {
	m := &deviceMLP{t: t, d: d}
	m.w1, m.b1 = m.up(fc1.Weight.Value.Data), m.up(fc1.Bias.Value.Data)
	m.w2, m.b2 = m.up(fc2.Weight.Value.Data), m.up(fc2.Bias.Value.Data)
	f := device.F64
	m.g1, m.gb1 = m.zeros(f, mlpHidden*mlpIn), m.zeros(f, mlpHidden)
	m.g2, m.gb2 = m.zeros(f, mlpClasses*mlpHidden), m.zeros(f, mlpClasses)
	m.x, m.y1, m.h = m.zeros(f, mlpBatch*mlpIn), m.zeros(f, mlpBatch*mlpHidden), m.zeros(f, mlpBatch*mlpHidden)
	m.y2, m.dlogits = m.zeros(f, mlpBatch*mlpClasses), m.zeros(f, mlpBatch*mlpClasses)
	m.dh, m.dy1 = m.zeros(f, mlpBatch*mlpHidden), m.zeros(f, mlpBatch*mlpHidden)
	m.labels, m.loss, m.correct = m.zeros(device.I32, mlpBatch), m.zeros(f, mlpBatch), m.zeros(device.I32, mlpBatch)
	return m
}

func mat(b device.Buffer, ld int) device.Mat { return device.Mat{Buf: b, LD: ld} }

// step runs the forward and backward pass of one batch, leaving the
// gradients in g1, gb1, g2, gb2, and returns the mean loss.
func (m *deviceMLP) step(x []float64, labels []int32) float64 {
	d := m.d
	if err := device.Write(d, m.x, 0, x); err != nil {
		m.t.Fatal(err)
	}
	if err := device.Write(d, m.labels, 0, labels); err != nil {
		m.t.Fatal(err)
	}
	// Linear: y = broadcast(b) + x W^T, as nn.Linear.
	d.BroadcastRows(m.y1, m.b1, mlpBatch, mlpHidden)
	d.Gemm(false, true, mlpBatch, mlpHidden, mlpIn, 1, mat(m.x, mlpIn), mat(m.w1, mlpIn), 1, mat(m.y1, mlpHidden))
	d.Activation(device.ReLU, m.y1, m.h, mlpBatch*mlpHidden)
	d.BroadcastRows(m.y2, m.b2, mlpBatch, mlpClasses)
	d.Gemm(false, true, mlpBatch, mlpClasses, mlpHidden, 1, mat(m.h, mlpHidden), mat(m.w2, mlpHidden), 1, mat(m.y2, mlpClasses))
	d.SoftmaxCrossEntropy(mlpBatch, mlpClasses, m.y2, m.labels, m.dlogits, m.loss, m.correct)
	for _, g := range []device.Buffer{m.g1, m.gb1, m.g2, m.gb2} {
		d.Fill(g, 0, g.Len(), 0)
	}
	// fc2: dW += dy^T h, db += column sums, dh = dy W.
	d.Gemm(true, false, mlpClasses, mlpHidden, mlpBatch, 1, mat(m.dlogits, mlpClasses), mat(m.h, mlpHidden), 1, mat(m.g2, mlpHidden))
	d.SumRows(m.gb2, m.dlogits, mlpBatch, mlpClasses)
	d.Gemm(false, false, mlpBatch, mlpHidden, mlpClasses, 1, mat(m.dlogits, mlpClasses), mat(m.w2, mlpHidden), 0, mat(m.dh, mlpHidden))
	d.ActivationBackward(device.ReLU, m.y1, m.h, m.dh, m.dy1, mlpBatch*mlpHidden)
	d.Gemm(true, false, mlpHidden, mlpIn, mlpBatch, 1, mat(m.dy1, mlpHidden), mat(m.x, mlpIn), 1, mat(m.g1, mlpIn))
	d.SumRows(m.gb1, m.dy1, mlpBatch, mlpHidden)
	losses, err := device.Download[float64](d, m.loss)
	if err != nil {
		m.t.Fatal(err)
	}
	if err := d.Sync(); err != nil {
		m.t.Fatal(err)
	}
	var sum float64
	for _, v := range losses {
		sum += v
	}
	return sum * (1 / float64(mlpBatch))
}

func (m *deviceMLP) params() [][2]device.Buffer {
	return [][2]device.Buffer{{m.w1, m.g1}, {m.b1, m.gb1}, {m.w2, m.g2}, {m.b2, m.gb2}}
}

// checkClose compares a device buffer with host values, normwise.
func checkClose(t *testing.T, d device.Device, name string, b device.Buffer, want []float64, tol float64) {
	t.Helper()
	got, err := device.Download[float64](d, b)
	if err != nil {
		t.Fatal(err)
	}
	diff, err := relDiff(want, got)
	if err != nil || diff > tol {
		t.Errorf("%s: relative difference %.3g (%v), want at most %g", name, diff, err, tol)
	}
}

// devicesUnderTest are the CPU reference and, when present, OpenCL.
func devicesUnderTest(t *testing.T) []device.Device {
	ds := []device.Device{cpu.New()}
	if cl := openDevice(t); cl.Float64() {
		ds = append(ds, cl)
	} else {
		t.Logf("%s has no float64", cl.Name())
	}
	return ds
}

func TestMLPAdamMatchesNN(t *testing.T) {
	const steps, lr, wd = 4, 1e-2, 1e-2
	xs, ys := batches(steps)
	for _, d := range devicesUnderTest(t) {
		for _, decoupled := range []bool{false, true} {
			model, fc1, fc2 := newMLP(7)
			dm := newDeviceMLP(t, d, fc1, fc2)
			opt, err := optim.NewAdam(model.Params(), optim.Hyper{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: wd}, decoupled)
			if err != nil {
				t.Fatal(err)
			}
			ms := make([][2]device.Buffer, 4)
			for i := range ms {
				n := dm.params()[i][0].Len()
				ms[i] = [2]device.Buffer{dm.zeros(device.F64, n), dm.zeros(device.F64, n)}
			}
			for s := 0; s < steps; s++ {
				want := nnStep(t, model, xs[s], ys[s])
				got := dm.step(xs[s], ys[s])
				if s == steps-1 {
					t.Logf("%s decoupled %v: loss %.17g, nn %.17g", d.Name(), decoupled, got, want)
				}
				if math.Abs(got-want) > 1e-12*math.Abs(want) {
					t.Errorf("%s decoupled %v step %d: loss %.17g, nn %.17g", d.Name(), decoupled, s, got, want)
				}
				if err := opt.Step(optim.StepInput[float64]{}); err != nil {
					t.Fatal(err)
				}
				c := device.NewAdamCoef(lr, 0.9, 0.999, 1e-8, wd, decoupled, int64(s+1))
				for i, pg := range dm.params() {
					d.Adam(pg[0], pg[1], ms[i][0], ms[i][1], pg[0].Len(), c)
				}
			}
			for i, p := range model.Params() {
				checkClose(t, d, p.Name, dm.params()[i][0], p.Value.Data, 1e-12)
			}
			st := opt.State()
			for i, p := range model.Params() {
				checkClose(t, d, p.Name+".exp_avg", ms[i][0], st.Tensors[p.Name+".exp_avg"].Data, 1e-12)
				checkClose(t, d, p.Name+".exp_avg_sq", ms[i][1], st.Tensors[p.Name+".exp_avg_sq"].Data, 1e-12)
			}
		}
	}
}

// nnStep runs the CPU forward and backward pass and returns the loss.
func nnStep(t *testing.T, model *nn.Model[float64], x []float64, labels []int32) float64 {
	t.Helper()
	in := &nn.Tensor[float64]{Shape: []int{mlpBatch, mlpIn}, Data: x}
	logits, err := model.Forward(in, nn.Mode{Train: true, Capture: true})
	if err != nil {
		t.Fatal(err)
	}
	lab := make([]int, len(labels))
	for i, v := range labels {
		lab[i] = int(v)
	}
	grad := nn.NewTensor[float64]()
	loss, _ := nn.CrossEntropy(logits, lab, grad)
	model.ZeroGrad()
	model.Backward(grad)
	return loss
}

// fisherLayer is one Linear layer's AdaFisher state on a device.
type fisherLayer struct {
	in, out                      int
	h, s, hAvg, sAvg, hRaw, sRaw device.Buffer
	fw, fb                       device.Buffer
}

func TestMLPAdaFisherMatchesNN(t *testing.T) {
	const steps, lr, beta, lambda, gamma, tcov = 5, 1e-2, 0.9, 1e-3, 0.8, 2
	xs, ys := batches(steps)
	for _, d := range devicesUnderTest(t) {
		for _, mode := range []string{"reference", "paper"} {
			for _, decoupled := range []bool{false, true} {
				model, fc1, fc2 := newMLP(11)
				dm := newDeviceMLP(t, d, fc1, fc2)
				cfg := optim.FisherConfig{LR: lr, Beta: beta, Lambda: lambda, Gamma: gamma, TCov: tcov,
					WeightDecay: 5e-3, Decoupled: decoupled, Mode: mode}
				opt, err := optim.NewAdaFisher(model, cfg)
				if err != nil {
					t.Fatal(err)
				}
				paper := mode == "paper"
				layers := []*fisherLayer{{in: mlpIn, out: mlpHidden}, {in: mlpHidden, out: mlpClasses}}
				for _, l := range layers {
					ones := func(n int) device.Buffer {
						b := dm.zeros(device.F64, n)
						d.Fill(b, 0, n, 1)
						return b
					}
					l.h, l.s, l.hAvg, l.sAvg = ones(l.in+1), ones(l.out), ones(l.in+1), ones(l.out)
					l.hRaw, l.sRaw = dm.zeros(device.F64, l.in+1), dm.zeros(device.F64, l.out)
					l.fw, l.fb = dm.zeros(device.F64, l.out*l.in), dm.zeros(device.F64, l.out)
					d.FisherBuildF(l.out, l.in, l.s, l.h, l.fw, l.fb, lambda)
				}
				ms := make([]device.Buffer, 4)
				for i := range ms {
					ms[i] = dm.zeros(device.F64, dm.params()[i][0].Len())
				}
				for s := 0; s < steps; s++ {
					want := nnStep(t, model, xs[s], ys[s])
					got := dm.step(xs[s], ys[s])
					if math.Abs(got-want) > 1e-12*math.Abs(want) {
						t.Errorf("%s %s step %d: loss %.17g, nn %.17g", d.Name(), mode, s, got, want)
					}
					if err := opt.Step(optim.StepInput[float64]{Captures: model.Captures()}); err != nil {
						t.Fatal(err)
					}
					if s%tcov == 0 {
						// The captures: each Linear's input rows and output gradient.
						acts := []device.Buffer{dm.x, dm.h}
						grads := []device.Buffer{dm.dy1, dm.dlogits}
						for i, l := range layers {
							d.FisherRawDense(mlpBatch, l.in, l.out, false, true, acts[i], grads[i], l.hRaw, l.sRaw)
							d.FisherUpdate(l.h, l.hAvg, l.hRaw, l.in+1, gamma, paper, s == 0)
							d.FisherUpdate(l.s, l.sAvg, l.sRaw, l.out, gamma, paper, s == 0)
							d.FisherBuildF(l.out, l.in, l.s, l.h, l.fw, l.fb, lambda)
						}
					}
					c := device.NewFisherCoef(lr, beta, cfg.WeightDecay, decoupled, int64(s+1))
					fs := []device.Buffer{layers[0].fw, layers[0].fb, layers[1].fw, layers[1].fb}
					for i, pg := range dm.params() {
						d.FisherStep(pg[0], pg[1], ms[i], fs[i], pg[0].Len(), c)
					}
				}
				for i, p := range model.Params() {
					checkClose(t, d, p.Name, dm.params()[i][0], p.Value.Data, 1e-12)
				}
				st := opt.State()
				for i, l := range layers {
					name := []string{"fc1", "fc2"}[i]
					checkClose(t, d, name+".H_D", l.h, st.Tensors[name+".H_D"].Data, 1e-12)
					checkClose(t, d, name+".S_D", l.s, st.Tensors[name+".S_D"].Data, 1e-12)
				}
			}
		}
	}
}
