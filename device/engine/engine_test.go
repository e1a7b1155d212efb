package engine

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/opencl"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/train"
)

var (
	clOnce sync.Once
	clDev  *opencl.Device
	clErr  error
)

// openCL returns the OpenCL device the tests share (its kernels compile
// once), or skips without OpenCL unless CI=true.
func openCL(t testing.TB) *opencl.Device {
	t.Helper()
	clOnce.Do(func() { clDev, clErr = opencl.Open(-1) })
	if clErr != nil {
		if errors.Is(clErr, opencl.ErrUnavailable) && os.Getenv("CI") != "true" {
			t.Skipf("OpenCL is not available: %v", clErr)
		}
		t.Fatal(clErr)
	}
	return clDev
}

const (
	inC, inH, inW, hidden, classes, batch = 2, 3, 2, 16, 5, 24
)

// newMLP is Flatten, Linear, activation, Linear, activation, Linear (the
// middle Linear without bias).
func newMLP[T nn.Float](actName string, seed uint64) *nn.Model[T] {
	in := inC * inH * inW
	m := nn.NewModel[T]("mlp", []int{inC, inH, inW}, classes,
		&nn.Flatten[T]{},
		nn.NewLinear[T]("fc1", in, hidden, true), nn.NewActivation[T](actName),
		nn.NewLinear[T]("fc2", hidden, hidden, false), nn.NewActivation[T](actName),
		nn.NewLinear[T]("fc3", hidden, classes, true))
	m.Reset(seed)
	return m
}

// batches draws each step's inputs and labels.
func batches[T nn.Float](steps int) ([]*nn.Tensor[T], [][]int) {
	rng := rand.New(rand.NewPCG(3, 4))
	xs, ys := make([]*nn.Tensor[T], steps), make([][]int, steps)
	for s := range xs {
		xs[s] = nn.NewTensor[T](batch, inC, inH, inW)
		for i := range xs[s].Data {
			xs[s].Data[i] = T(rng.NormFloat64())
		}
		ys[s] = make([]int, batch)
		for i := range ys[s] {
			ys[s][i] = rng.IntN(classes)
		}
	}
	return xs, ys
}

var hypers = map[string]optim.Hyper{
	"sgd":           {LR: 0.05, Momentum: 0.9, Dampening: 0.1, WeightDecay: 1e-3},
	"sgd-nesterov":  {LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-3},
	"sgd-plain":     {LR: 0.05},
	"adam":          {LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2},
	"adamw":         {LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 1e-2},
	"adafisher":     {LR: 1e-2, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 2, WeightDecay: 5e-3, FisherMode: "reference"},
	"adafisherw":    {LR: 1e-2, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 3, WeightDecay: 5e-3, FisherMode: "reference"},
	"adafisher-pap": {LR: 1e-2, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 2, WeightDecay: 5e-3, FisherMode: "paper"},
}

func optName(key string) string { return strings.Split(key, "-")[0] }

// relDiff is the normwise relative difference |a - b| / max(|a|, tiny).
func relDiff[T nn.Float](a, b []T) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var num, den float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		num += d * d
		den += float64(a[i]) * float64(a[i])
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

// TestMatchesStepper trains the same model on the same batches with
// train.Stepper on the host and with the engine on OpenCL: the engine starts
// from the host's state after two host steps (a resume), makes a
// ToHost/FromHost round trip in the middle, and must give the same losses,
// hits, weights and optimizer state.
func TestMatchesStepper(t *testing.T) {
	dev := openCL(t)
	keys := make([]string, 0, len(hypers))
	for k := range hypers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, act := range nn.ActivationNames {
		for _, key := range keys {
			t.Run(fmt.Sprintf("float64/%s/%s", act, key), func(t *testing.T) {
				if !dev.Float64() {
					t.Skip("no float64")
				}
				matchStepper[float64](t, dev, act, key, 1e-12)
			})
			t.Run(fmt.Sprintf("float32/%s/%s", act, key), func(t *testing.T) {
				matchStepper[float32](t, dev, act, key, 1e-5)
			})
		}
	}
}

func matchStepper[T nn.Float](t *testing.T, dev device.Device, act, key string, tol float64) {
	const steps, resumeAt, roundTrip = 8, 2, 5
	name, h := optName(key), hypers[key]
	xs, ys := batches[T](steps)
	build := func() (*nn.Model[T], optim.Optimizer[T]) {
		m := newMLP[T](act, 7)
		o, err := optim.New(name, m, h)
		if err != nil {
			t.Fatal(err)
		}
		return m, o
	}
	hm, ho := build()
	dm, do := build()
	hs, ds := train.NewStepper(hm, ho), train.NewStepper(dm, do)
	var e *Engine[T]
	defer func() {
		if e != nil {
			e.Close()
		}
	}()
	var worst float64
	for s := 0; s < steps; s++ {
		want, err := hs.Step(xs[s], ys[s], false)
		if err != nil {
			t.Fatal(err)
		}
		if s < resumeAt {
			if _, err := ds.Step(xs[s], ys[s], false); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if e == nil {
			if e, err = New(dev, dm, do, h); err != nil {
				t.Fatal(err)
			}
		}
		if s == roundTrip {
			if err := e.ToHost(); err != nil {
				t.Fatal(err)
			}
			if err := e.FromHost(); err != nil {
				t.Fatal(err)
			}
		}
		got, err := e.Step(xs[s], ys[s])
		if err != nil {
			t.Fatal(err)
		}
		d := math.Abs(got.Loss-want.Loss) / math.Abs(want.Loss)
		worst = max(worst, d)
		if d > tol || got.Correct != want.Correct {
			t.Errorf("step %d: loss %.17g correct %d, host %.17g correct %d", s, got.Loss, got.Correct, want.Loss, want.Correct)
		}
	}
	if err := e.ToHost(); err != nil {
		t.Fatal(err)
	}
	for i, p := range hm.Params() {
		d := relDiff(p.Value.Data, dm.Params()[i].Value.Data)
		worst = max(worst, d)
		if d > tol {
			t.Errorf("%s: relative difference %.3g", p.Name, d)
		}
	}
	hst, dst := ho.State(), do.State()
	if len(hst.Tensors) != len(dst.Tensors) || len(hst.Scalars) != len(dst.Scalars) {
		t.Fatalf("state: %d tensors %d scalars, host %d and %d", len(dst.Tensors), len(dst.Scalars), len(hst.Tensors), len(hst.Scalars))
	}
	for k, v := range hst.Tensors {
		d := relDiff(v.Data, dst.Tensors[k].Data)
		worst = max(worst, d)
		if d > tol {
			t.Errorf("state %s: relative difference %.3g", k, d)
		}
	}
	for k, v := range hst.Scalars {
		if dst.Scalars[k] != v {
			t.Errorf("state scalar %s: %v, host %v", k, dst.Scalars[k], v)
		}
	}
	t.Logf("largest relative difference %.3g", worst)
}

func TestUnsupported(t *testing.T) {
	dev := openCL(t)
	conv := nn.NewModel[float32]("cnn", []int{1, 4, 4}, 2, nn.NewConv2d[float32]("conv1", 1, 2, 3, 1, 0, true),
		&nn.Flatten[float32]{}, nn.NewLinear[float32]("fc", 8, 2, true))
	o, err := optim.New("adam", conv, optim.Hyper{LR: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(dev, conv, o, optim.Hyper{LR: 1e-3}); err == nil || !strings.Contains(err.Error(), `"conv1"`) {
		t.Errorf("conv model: %v, want an error naming conv1", err)
	}
	m := newMLP[float32]("relu", 1)
	k, err := optim.New("kfac", m, optim.Hyper{LR: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(dev, m, k, optim.Hyper{LR: 1e-3}); err == nil || !strings.Contains(err.Error(), `"kfac"`) {
		t.Errorf("kfac: %v, want an error naming kfac", err)
	}
}
