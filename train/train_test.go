package train

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

func irisConfig(out string) Config {
	return Config{
		Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 0,
		Model: "mlp", Hidden: []int{16}, Activation: "relu",
		Optimizer: "adam", Hyper: optim.Hyper{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
		DType: "float64", Steps: 200, Out: out,
	}
}

// The acceptance run: full-batch Adam on standardised iris ends below
// 0.1, and the saved weights reproduce the final loss when loaded back.
func TestIrisAdamConverges(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	res, err := Run[float64](context.Background(), irisConfig(out), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps != 200 || res.LastLoss >= 0.1 {
		t.Fatalf("steps %d, last loss %g; want 200 steps and a loss below 0.1", res.Steps, res.LastLoss)
	}
	f, err := rundir.Read(filepath.Join(out, "final.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]int{"fc1.weight": {16, 4}, "fc1.bias": {16}, "fc2.weight": {3, 16}, "fc2.bias": {3}}
	if len(f.Tensors) != len(want) {
		t.Fatalf("final.safetensors holds %d tensors, want %d", len(f.Tensors), len(want))
	}
	for name, shape := range want {
		tt, ok := f.Get(name)
		if !ok || !nn.SameShape(tt.Shape, shape) || tt.DType != rundir.F64 {
			t.Fatalf("tensor %s: %+v, want F64 %v", name, tt.Shape, shape)
		}
	}
	m, err := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Classes: 3, Hidden: []int{16}, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}
	if err := LoadModel(f, m, "", true); err != nil {
		t.Fatal(err)
	}
	tr, _, err := data.Load("iris", data.Options{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	e := evaluate(m, tr, nil, 0)
	if math.Abs(e.Loss-res.FinalTrain.Loss) > 1e-15 || e.Loss >= res.LastLoss {
		t.Fatalf("reloaded loss %g, run reported %g (last batch %g)", e.Loss, res.FinalTrain.Loss, res.LastLoss)
	}
	recs, err := rundir.ReadMetrics(filepath.Join(out, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	for _, r := range recs {
		if r["kind"] == "step" {
			steps++
			if int(r["step"].(float64)) != steps {
				t.Fatalf("record %v: step %v, want %d", r, r["step"], steps)
			}
			for _, k := range []string{"epoch", "loss", "lr", "time_s"} {
				if _, ok := r[k]; !ok {
					t.Fatalf("step record %v lacks %q", r, k)
				}
			}
		}
	}
	if steps != 200 {
		t.Fatalf("%d step records, want 200", steps)
	}
}

// A run interrupted and resumed, or stopped early and extended, ends with the
// same weights and the same logged losses as an uninterrupted run.
func TestResumeMatchesUninterrupted(t *testing.T) {
	for _, opt := range []struct {
		name string
		h    optim.Hyper
	}{
		{"sgd", optim.Hyper{LR: 0.05, Momentum: 0.9, WeightDecay: 1e-3}},
		{"adam", optim.Hyper{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
	} {
		t.Run(opt.name, func(t *testing.T) {
			base := func(out string) Config {
				c := irisConfig(out)
				c.Optimizer, c.Hyper = opt.name, opt.h
				c.BatchSize, c.Steps, c.SnapshotEvery = 16, 50, 10
				c.TestFraction = 0.2
				c.Schedule = Schedule{Kind: "cosine", Unit: "step", TMax: 50} // fixed, so that extending a short run keeps it
				return c
			}
			dir := t.TempDir()
			full := filepath.Join(dir, "full")
			if _, err := Run[float64](context.Background(), base(full), Options{}); err != nil {
				t.Fatal(err)
			}
			// Interrupted at step 23 by cancelling the context.
			cut := filepath.Join(dir, "cut")
			ctx, cancel := context.WithCancel(context.Background())
			_, err := Run[float64](ctx, base(cut), Options{Progress: func(e Event) {
				if e.Step == 23 {
					cancel()
				}
			}})
			if !errors.Is(err, ErrInterrupted) {
				t.Fatalf("interrupted run: %v, want ErrInterrupted", err)
			}
			if _, err := Resume[float64](context.Background(), cut, Config{}, Options{}); err != nil {
				t.Fatal(err)
			}
			// Stopped early at 37 steps, then extended to 50.
			short := filepath.Join(dir, "short")
			c := base(short)
			c.Steps = 37
			if _, err := Run[float64](context.Background(), c, Options{}); err != nil {
				t.Fatal(err)
			}
			if _, err := Resume[float64](context.Background(), short, Config{Steps: 50}, Options{}); err != nil {
				t.Fatal(err)
			}
			for _, other := range []string{cut, short} {
				sameFloats(t, filepath.Join(full, "final.safetensors"), filepath.Join(other, "final.safetensors"))
				sameFloats(t, filepath.Join(full, "weights", "step-000050.safetensors"), filepath.Join(other, "weights", "step-000050.safetensors"))
				a, b := losses(t, full), losses(t, other)
				if len(a) != 50 || len(b) != 50 {
					t.Fatalf("%d and %d step records, want 50", len(a), len(b))
				}
				for i := range a {
					if a[i] != b[i] {
						t.Fatalf("%s: step %d loss %v, uninterrupted %v", other, i+1, b[i], a[i])
					}
				}
			}
		})
	}
}

func sameFloats(t *testing.T, pa, pb string) {
	t.Helper()
	fa, err := rundir.Read(pa)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := rundir.Read(pb)
	if err != nil {
		t.Fatal(err)
	}
	if len(fa.Tensors) != len(fb.Tensors) {
		t.Fatalf("%s has %d tensors, %s %d", pa, len(fa.Tensors), pb, len(fb.Tensors))
	}
	for _, ta := range fa.Tensors {
		tb, ok := fb.Get(ta.Name)
		if !ok || string(ta.Data) != string(tb.Data) {
			t.Fatalf("tensor %s differs between %s and %s", ta.Name, pa, pb)
		}
	}
}

func losses(t *testing.T, dir string) []float64 {
	t.Helper()
	recs, err := rundir.ReadMetrics(filepath.Join(dir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, r := range recs {
		if r["kind"] == "step" {
			out = append(out, r["loss"].(float64))
		}
	}
	return out
}

func TestNonFiniteLossStops(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	c := irisConfig(out)
	c.Optimizer, c.Hyper = "sgd", optim.Hyper{LR: 1e200}
	c.SnapshotEvery = 1
	_, err := Run[float64](context.Background(), c, Options{})
	if err == nil || !strings.Contains(err.Error(), "step 2") || !strings.Contains(err.Error(), "loss is") {
		t.Fatalf("error %v, want one naming step 2 and the loss", err)
	}
	if _, err := rundir.Read(filepath.Join(out, "weights", "step-000001.safetensors")); err != nil {
		t.Fatalf("the last snapshot is not readable: %v", err)
	}
}

func TestInitByName(t *testing.T) {
	dir := t.TempDir()
	m, err := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Classes: 3, Hidden: []int{16}, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.safetensors")
	if err := SaveModel(good, m, nil); err != nil {
		t.Fatal(err)
	}
	c := irisConfig(filepath.Join(dir, "run"))
	c.Init, c.Steps, c.SnapshotEvery = good, 1, 1
	if _, err := Run[float32](context.Background(), c, Options{}); err != nil {
		t.Fatal(err)
	}
	f, err := rundir.Read(filepath.Join(dir, "run", "weights", "step-000000.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	w, _ := f.Get("fc1.weight")
	got, _ := w.Float64s()
	for i, v := range got {
		if float32(m.Params()[0].Value.Data[i]) != float32(v) {
			t.Fatalf("fc1.weight[%d] = %v, --init gave %v", i, v, m.Params()[0].Value.Data[i])
		}
	}
	tensors := ModelTensors(m, "")
	cases := map[string][]rundir.Tensor{
		`"fc2.bias" is missing`:        tensors[:3],
		`unexpected tensor "fc3.bias"`: append(append([]rundir.Tensor{}, tensors...), rundir.FromFloat64("fc3.bias", []int{1}, []float64{0})),
		`"fc1.bias" has shape [15]`:    {tensors[0], rundir.FromFloat64("fc1.bias", []int{15}, make([]float64, 15)), tensors[2], tensors[3]},
	}
	for want, ts := range cases {
		p := filepath.Join(dir, "bad.safetensors")
		if err := rundir.Write(p, ts, nil); err != nil {
			t.Fatal(err)
		}
		c.Init = p
		c.Out = filepath.Join(dir, "bad")
		_, err := Run[float64](context.Background(), c, Options{Overwrite: true})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("--init with %s: error %v, want %q", want, err, want)
		}
	}
}

func TestTimeBudget(t *testing.T) {
	c := irisConfig(filepath.Join(t.TempDir(), "run"))
	c.Steps, c.TimeBudget = 0, 50*time.Millisecond
	c.BatchSize = 10
	res, err := Run[float64](context.Background(), c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != "time budget" || res.Steps == 0 {
		t.Fatalf("stopped by %q after %d steps, want the time budget", res.Stopped, res.Steps)
	}
}

func TestExistingRunIsKept(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	c := irisConfig(out)
	c.Steps = 2
	if _, err := Run[float64](context.Background(), c, Options{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(out, "final.safetensors"))
	if _, err := Run[float64](context.Background(), c, Options{}); err == nil {
		t.Fatal("a second run into the same directory succeeded, want an error")
	}
	after, _ := os.ReadFile(filepath.Join(out, "final.safetensors"))
	if string(before) != string(after) {
		t.Fatal("the refused run changed final.safetensors")
	}
}

func TestScheduleMatchesPyTorch(t *testing.T) {
	// CosineAnnealingLR's closed form and StepLR, per epoch of 10 steps.
	cos := Schedule{Kind: "cosine", Unit: "epoch", Base: 0.1, TMax: 4, MinLR: 0.001}
	for e, want := range []float64{0.1, 0.001 + 0.099*(1+math.Sqrt2/2)/2, 0.0505, 0.001 + 0.099*(1-math.Sqrt2/2)/2, 0.001, 0.001} {
		if got := cos.At(e*10+3, 10); math.Abs(got-want) > 1e-15 {
			t.Errorf("cosine epoch %d: %v, want %v", e, got, want)
		}
	}
	step := Schedule{Kind: "step", Unit: "step", Base: 1, StepSize: 3, Gamma: 0.5}
	for s, want := range []float64{1, 1, 1, 0.5, 0.5, 0.5, 0.25} {
		if got := step.At(s, 100); got != want {
			t.Errorf("step schedule at %d: %v, want %v", s, got, want)
		}
	}
}
