package engine_test

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
	"github.com/adafisher-go/landscape/device/cpu"
	"github.com/adafisher-go/landscape/device/engine"
	"github.com/adafisher-go/landscape/device/opencl"
	"github.com/adafisher-go/landscape/models"
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

// devices are the CPU reference device and, when present, OpenCL (required
// when CI=true).
func devices(t *testing.T) []device.Device {
	ds := []device.Device{cpu.New()}
	clOnce.Do(func() { clDev, clErr = opencl.Open(-1) })
	switch {
	case clErr == nil:
		ds = append(ds, clDev)
	case errors.Is(clErr, opencl.ErrUnavailable) && os.Getenv("CI") != "true":
		t.Logf("OpenCL is not available: %v", clErr)
	default:
		t.Fatal(clErr)
	}
	return ds
}

func devName(d device.Device) string {
	if strings.HasPrefix(d.Name(), "cpu") {
		return "cpu"
	}
	return "opencl"
}

const (
	classes, batch = 5, 24
)

// newModel builds one of the zoo's models, small: an MLP with two hidden
// layers of 16 (its input [2, 3, 2] flattened first), the CNN on [3, 8, 8],
// and a ResNet-8 of width 4 on [3, 8, 8].
func newModel[T nn.Float](t *testing.T, arch, act string) *nn.Model[T] {
	t.Helper()
	if m := extModel[T](t, arch); m != nil {
		return m
	}
	c := models.Config{Arch: arch, InputShape: []int{3, 8, 8}, Classes: classes, Seed: 7}
	switch arch {
	case "mlp":
		c.InputShape, c.Hidden, c.Activation = []int{12}, []int{16, 16}, act
	case "resnet":
		c.Depth, c.Width = 8, 4
	case "gpt", "gpt-tied":
		c.Arch, c.InputShape, c.Layers, c.Heads, c.Dim, c.Tied = "gpt", []int{6}, 2, 2, 8, arch == "gpt-tied"
		if c.Tied {
			c.Dropout = 0.2
		}
	}
	m, err := models.Build[T](c)
	if err != nil {
		t.Fatal(err)
	}
	if arch == "mlp" {
		// Put a Flatten in front, with a 3-D sample, as the CLI's image MLPs.
		m = nn.NewModel[T]("mlp", []int{2, 3, 2}, classes, append([]nn.Layer[T]{&nn.Flatten[T]{}}, m.Net.Layers...)...)
	}
	return m
}

// batches draws each step's inputs and labels: standard normal inputs and
// a label per sample, or for a GPT (arch "gpt") token ids and a label per
// token.
func batches[T nn.Float](steps int, shape []int, arch ...string) ([]*nn.Tensor[T], [][]int) {
	rng := rand.New(rand.NewPCG(3, 4))
	if len(arch) > 0 && arch[0] == "gpt" {
		xs, ys := make([]*nn.Tensor[T], steps), make([][]int, steps)
		for s := range xs {
			xs[s] = nn.NewTensor[T](append([]int{batch}, shape...)...)
			ys[s] = make([]int, len(xs[s].Data))
			for i := range xs[s].Data {
				xs[s].Data[i] = T(rng.IntN(classes))
				ys[s][i] = rng.IntN(classes)
			}
		}
		return xs, ys
	}
	xs, ys := make([]*nn.Tensor[T], steps), make([][]int, steps)
	for s := range xs {
		xs[s] = nn.NewTensor[T](append([]int{batch}, shape...)...)
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
// hits, weights, buffers and optimizer state.
func TestMatchesStepper(t *testing.T) {
	keys := make([]string, 0, len(hypers))
	for k := range hypers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	type tc struct{ arch, act, opt string }
	var cases []tc
	for _, act := range nn.ActivationNames {
		for _, key := range keys {
			cases = append(cases, tc{"mlp", act, key})
		}
	}
	for _, arch := range []string{"cnn", "resnet", "gpt", "gpt-tied"} {
		for _, key := range []string{"sgd", "adam", "adafisher", "adafisherw", "adafisher-pap"} {
			if strings.HasPrefix(arch, "gpt") && key == "adafisher-pap" {
				continue // Embedding factors: TestExtendedMatchesStepper
			}
			cases = append(cases, tc{arch, "", key})
		}
	}
	for _, dev := range devices(t) {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/float64/%s/%s/%s", devName(dev), c.arch, c.act, c.opt), func(t *testing.T) {
				if !dev.Float64() {
					t.Skip("no float64")
				}
				matchStepper[float64](t, dev, c.arch, c.act, c.opt, 1e-12)
			})
			t.Run(fmt.Sprintf("%s/float32/%s/%s/%s", devName(dev), c.arch, c.act, c.opt), func(t *testing.T) {
				tol := 1e-5
				if strings.HasPrefix(c.opt, "adafisher") {
					// MinMax divides by max - min of the fresh (or averaged)
					// diagonal, which can be a few hundred ulps wide in
					// float32 (measured: S_avg of 0.4096 +- 1e-4, where a
					// one-ulp difference of a GEMM's summation order became
					// 1.9e-4 of S_D); float64 above shows the rule is exact.
					tol = 1e-3
				}
				matchStepper[float32](t, dev, c.arch, c.act, c.opt, tol)
			})
		}
	}
}

func matchStepper[T nn.Float](t *testing.T, dev device.Device, arch, act, key string, tol float64) {
	const steps, resumeAt, roundTrip = 8, 2, 5
	name, h := optName(key), hypers[key]
	if c, ok := curvHypers[key]; ok {
		h = c
	}
	build := func() (*nn.Model[T], optim.Optimizer[T]) {
		m := newModel[T](t, arch, act)
		o, err := optim.New(name, m, h)
		if err != nil {
			t.Fatal(err)
		}
		return m, o
	}
	hm, ho := build()
	dm, do := build()
	xs, ys := batches[T](steps, hm.InputShape, hm.Arch)
	// A short batch (the end of an epoch) at step 6, then the full size.
	short := 10
	xs[6] = &nn.Tensor[T]{Shape: append([]int{short}, hm.InputShape...), Data: xs[6].Data[:short*shapeNumel(hm.InputShape)]}
	ys[6] = ys[6][:len(ys[6])*short/batch]
	hs, ds := train.NewStepper(hm, ho), train.NewStepper(dm, do)
	var e *engine.Engine[T]
	defer func() {
		if e != nil {
			e.Close()
		}
	}()
	var worst float64
	// A convolution's bias followed by BatchNorm has a gradient of exactly
	// 0 in exact arithmetic: its gradient, moments and drift are rounding
	// noise, different for every order of summation. They are measured
	// against the scale of the layer's weight counterpart instead.
	noise := func(name string) bool {
		return arch == "cnn" && strings.HasPrefix(name, "conv") && strings.Contains(name, ".bias")
	}
	check := func(what string, want, got, scale []T) {
		t.Helper()
		if strings.Contains(what, "attn.qkv.bias") && len(want) == len(got) {
			// The key third of attention's qkv bias adds a constant to
			// every score of a softmax row: its gradient is 0 in exact
			// arithmetic, rounding noise that Adam divides by its own
			// size. It may drift by at most lr per step either way; the
			// query and value thirds are compared as everything else.
			k := len(want) / 3
			for i := k; i < 2*k; i++ {
				if d := math.Abs(float64(want[i]) - float64(got[i])); d > 2*float64(steps)*h.LR {
					t.Errorf("%s[%d] (key bias): %g, host %g", what, i, got[i], want[i])
				}
			}
			want = append(append([]T(nil), want[:k]...), want[2*k:]...)
			got = append(append([]T(nil), got[:k]...), got[2*k:]...)
		}
		d := relDiff(want, got)
		if scale != nil {
			d = normDiff(want, got) / norm(scale)
		}
		worst = max(worst, d)
		if d > tol {
			t.Errorf("%s: relative difference %.3g", what, d)
		}
	}
	for s := 0; s < steps; s++ {
		// As the training loop does: Dropout's masks follow the step.
		hm.SetStep(int64(s))
		dm.SetStep(int64(s))
		// And a schedule sets the learning rate on the host optimizer.
		ho.SetLR(h.LR * (1 - float64(s)/16))
		do.SetLR(h.LR * (1 - float64(s)/16))
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
			if e, err = engine.New(dev, dm, do, h); err != nil {
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
		checkDiagnostics(t, s, ho.Report().Diagnostics, got.Diagnostics, tol)
	}
	// Evaluation mode on a batch (running statistics, no Dropout), before
	// the final download: it must change nothing.
	out, err := hm.Forward(xs[0], nn.Mode{})
	if err != nil {
		t.Fatal(err)
	}
	wantLoss, wantHits := nn.CrossEntropy(out, ys[0], nil)
	ev, err := e.Evaluate(xs[0], ys[0])
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(ev.Loss-wantLoss) / math.Abs(wantLoss); d > tol || ev.Correct != wantHits {
		t.Errorf("evaluation: loss %.17g correct %d, host %.17g correct %d", ev.Loss, ev.Correct, wantLoss, wantHits)
	}
	if err := e.ToHost(); err != nil {
		t.Fatal(err)
	}
	hst, dst := hm.State(), dm.State()
	if len(hst) != len(dst) {
		t.Fatalf("model state: %d entries, host %d", len(dst), len(hst))
	}
	for i, en := range hst {
		if en.Count != nil {
			if *en.Count != *dst[i].Count {
				t.Errorf("%s: %d, host %d", en.Name, *dst[i].Count, *en.Count)
			}
			continue
		}
		var scale []T
		if noise(en.Name) {
			scale = hm.Param(strings.Replace(en.Name, ".bias", ".weight", 1)).Value.Data
		}
		check(en.Name, en.Value.Data, dst[i].Value.Data, scale)
	}
	ost, dost := ho.State(), do.State()
	if len(ost.Tensors) != len(dost.Tensors) || len(ost.Scalars) != len(dost.Scalars) {
		t.Fatalf("state: %d tensors %d scalars, host %d and %d", len(dost.Tensors), len(dost.Scalars), len(ost.Tensors), len(ost.Scalars))
	}
	for k, v := range ost.Tensors {
		var scale []T
		if w := ost.Tensors[strings.Replace(k, ".bias", ".weight", 1)]; noise(k) && w != nil {
			scale = w.Data
		}
		want, got := v.Data, dost.Tensors[k].Data
		if w, g, ok := eigenInvariant(k, ost, dost, h); ok {
			want, got = w, g
		}
		check("state "+k, want, got, scale)
	}
	for k, v := range ost.Scalars {
		if dost.Scalars[k] != v {
			t.Errorf("state scalar %s: %v, host %v", k, dost.Scalars[k], v)
		}
	}
	t.Logf("largest relative difference %.3g", worst)
}

// checkDiagnostics compares the engine's diagnostics of a step with the
// host optimizer's.
func checkDiagnostics(t *testing.T, step int, want, got *optim.Diagnostics, tol float64) {
	t.Helper()
	if (want == nil) != (got == nil) {
		t.Errorf("step %d: diagnostics %v, host %v", step, got, want)
		return
	}
	if want == nil {
		return
	}
	if len(want.Layers) != len(got.Layers) {
		t.Fatalf("step %d: diagnostics of %d layers, host %d", step, len(got.Layers), len(want.Layers))
	}
	for i, w := range want.Layers {
		g := got.Layers[i]
		if g.Layer != w.Layer || relDiff([]float64{w.FMin, w.FMax, w.CurvatureOverLambda}, []float64{g.FMin, g.FMax, g.CurvatureOverLambda}) > tol {
			t.Errorf("step %d: diagnostics %+v, host %+v", step, g, w)
		}
	}
}

func normDiff[T nn.Float](a, b []T) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

func norm[T nn.Float](a []T) float64 {
	var s float64
	for _, v := range a {
		s += float64(v) * float64(v)
	}
	return math.Sqrt(s)
}

func TestUnsupported(t *testing.T) {
	dev := cpu.New()
	// A free-standing Embedding (the zoo has it only inside a GPT's
	// TokenPositionEmbedding).
	ln := nn.NewModel[float32]("emb", []int{4}, 2, nn.NewEmbedding[float32]("emb1", 5, 3),
		&nn.Flatten[float32]{}, nn.NewLinear[float32]("fc2", 12, 2, true))
	o, err := optim.New("adam", ln, optim.Hyper{LR: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.New(dev, ln, o, optim.Hyper{LR: 1e-3}); err == nil || !strings.Contains(err.Error(), `"emb1"`) {
		t.Errorf("Embedding: %v, want an error naming emb1", err)
	}
	m := newModel[float32](t, "mlp", "relu")
	k, err := optim.New("sgd", m, optim.Hyper{LR: 1e-3})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.New(dev, m, renamed{k}, optim.Hyper{LR: 1e-3}); err == nil || !strings.Contains(err.Error(), `"lion"`) {
		t.Errorf("an optimizer the engine does not know: %v, want an error naming it", err)
	}
}

// TestNonFiniteAndBadInput: a NaN loss returns before the update, as
// train.Stepper; bad labels and shapes are errors naming what is wrong.
func TestNonFiniteAndBadInput(t *testing.T) {
	for _, dev := range devices(t) {
		t.Run(devName(dev), func(t *testing.T) { nonFiniteAndBadInput(t, dev) })
	}
}

func nonFiniteAndBadInput(t *testing.T, dev device.Device) {
	m := newModel[float32](t, "mlp", "relu")
	h := hypers["adam"]
	o, err := optim.New("adam", m, h)
	if err != nil {
		t.Fatal(err)
	}
	before := append([]float32(nil), m.Params()[1].Value.Data...)
	e, err := engine.New(dev, m, o, h)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	xs, ys := batches[float32](1, m.InputShape)
	xs[0].Data[3] = float32(math.NaN())
	r, err := e.Step(xs[0], ys[0])
	if err != nil || !math.IsNaN(r.Loss) {
		t.Fatalf("NaN input: loss %v, error %v; want NaN and no error", r.Loss, err)
	}
	if err := e.ToHost(); err != nil {
		t.Fatal(err)
	}
	if relDiff(before, m.Params()[1].Value.Data) != 0 || o.State().Scalars["fc1.weight.step"] != 0 {
		t.Error("a step with a NaN loss updated the parameters")
	}
	xs, ys = batches[float32](1, m.InputShape)
	ys[0][4] = classes
	if _, err := e.Step(xs[0], ys[0]); err == nil || !strings.Contains(err.Error(), "label 4") {
		t.Errorf("label out of range: %v", err)
	}
	if _, err := e.Step(xs[0], ys[0][:3]); err == nil {
		t.Error("3 labels for a batch of 24: no error")
	}
	bad := &nn.Tensor[float32]{Shape: []int{2, 12}, Data: make([]float32, 24)}
	if _, err := e.Step(bad, []int{0, 1}); err == nil || !strings.Contains(err.Error(), "[2 12]") {
		t.Errorf("input of the wrong shape: %v", err)
	}
}

// BenchmarkStep times one training step of the bench suite's mlp784_b128
// (784-256-128-10, ReLU, batch 128, float32) with Adam: the engine on
// OpenCL and train.Stepper on the host, the same model and batch.
func BenchmarkStep(b *testing.B) {
	for _, arch := range []string{"mlp784_b128", "cnn28_b128"} {
		c := models.Config{Arch: "mlp", InputShape: []int{784}, Hidden: []int{256, 128}, Classes: 10, Activation: "relu", Seed: 1}
		if arch == "cnn28_b128" {
			c = models.Config{Arch: "cnn", InputShape: []int{1, 28, 28}, Classes: 10, Seed: 1}
		}
		build := func() (*nn.Model[float32], optim.Optimizer[float32], *nn.Tensor[float32], []int) {
			m, err := models.Build[float32](c)
			if err != nil {
				b.Fatal(err)
			}
			o, err := optim.New("adam", m, hypers["adam"])
			if err != nil {
				b.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(1, 2))
			x := nn.NewTensor[float32](append([]int{128}, c.InputShape...)...)
			for i := range x.Data {
				x.Data[i] = float32(rng.NormFloat64())
			}
			y := make([]int, 128)
			for i := range y {
				y[i] = rng.IntN(10)
			}
			return m, o, x, y
		}
		b.Run(arch+"/opencl", func(b *testing.B) {
			dev := openCL(b)
			m, o, x, y := build()
			e, err := engine.New(dev, m, o, hypers["adam"])
			if err != nil {
				b.Fatal(err)
			}
			defer e.Close()
			// The first step allocates and has CLBlast compile its kernels.
			if _, err := e.Step(x, y); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := e.Step(x, y); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(arch+"/cpu-stepper", func(b *testing.B) {
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

func shapeNumel(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}
