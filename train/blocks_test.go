package train

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// writeCIFARDir writes a small CIFAR-10 directory in the binary format:
// train and test records whose images are a class colour plus noise, so that
// a model can learn them.
func writeCIFARDir(t *testing.T, train, test int) string {
	t.Helper()
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	write := func(name string, n int) {
		b := make([]byte, 0, n*3073)
		for r := 0; r < n; r++ {
			label := r % 10
			b = append(b, byte(label))
			for c := 0; c < 3; c++ {
				base := 40 + 20*((label+3*c)%10)
				for i := 0; i < 1024; i++ {
					b = append(b, byte(base+rng.IntN(40)))
				}
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("data_batch_1.bin", train)
	write("test_batch.bin", test)
	return dir
}

// writeText writes a small, repetitive English text.
func writeText(t *testing.T) string {
	t.Helper()
	var sb strings.Builder
	words := []string{"the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "and", "runs", "away"}
	rng := rand.New(rand.NewPCG(3, 4))
	for sb.Len() < 6000 {
		for i := 0; i < 8; i++ {
			sb.WriteString(words[rng.IntN(len(words))])
			sb.WriteByte(' ')
		}
		sb.WriteString("the end.\n")
	}
	p := filepath.Join(t.TempDir(), "text.txt")
	if err := os.WriteFile(p, []byte(sb.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// everyOptimizer lists each optimizer with a setting that takes a sane step
// on a fresh model (AdaFisher in both modes).
func everyOptimizer() []struct {
	label, name string
	h           optim.Hyper
} {
	return []struct {
		label, name string
		h           optim.Hyper
	}{
		{"sgd", "sgd", optim.Hyper{LR: 0.01, Momentum: 0.9}},
		{"adam", "adam", optim.Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"adamw", "adamw", optim.Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.01}},
		{"adafisher", "adafisher", optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 1, FisherMode: "reference", FisherExtend: true}},
		{"adafisherw/paper", "adafisherw", optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 1, FisherMode: "paper", WeightDecay: 0.01}},
		{"kfac", "kfac", optim.Hyper{LR: 1e-3, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 1, TInv: 1}},
		{"shampoo", "shampoo", optim.Hyper{LR: 0.1, Momentum: 0.9, Damping: 1e-12, StatDecay: -1, UpdateInterval: 1, MaxPrecondDim: 256, GraftType: "none", ClipNorm: 1}},
		{"adahessian", "adahessian", optim.Hyper{LR: 0.15, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1, Seed: 3}},
	}
}

// The check: a resnet --depth 8 step and a gpt --layers 1 step run
// with every optimizer and change every parameter that has a gradient.
func TestBlockModelsStepEveryOptimizer(t *testing.T) {
	cases := []struct {
		name  string
		cfg   models.Config
		batch int
	}{
		{"resnet8", models.Config{Arch: "resnet", Depth: 8, Width: 4, InputShape: []int{3, 16, 16}, Classes: 10}, 4},
		{"gpt1", models.Config{Arch: "gpt", Layers: 1, Heads: 2, Dim: 16, InputShape: []int{8}, Classes: 256, Dropout: 0.1}, 3},
	}
	for _, mc := range cases {
		for _, o := range everyOptimizer() {
			t.Run(mc.name+"/"+o.label, func(t *testing.T) {
				cfg := mc.cfg
				cfg.Seed = 1
				m, err := models.Build[float32](cfg)
				if err != nil {
					t.Fatal(err)
				}
				opt, err := optim.New(o.name, m, o.h)
				if err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(5, 6))
				in := nn.NewTensor[float32](append([]int{mc.batch}, cfg.InputShape...)...)
				labels := make([]int, mc.batch)
				for i := range in.Data {
					in.Data[i] = float32(rng.NormFloat64())
				}
				if cfg.Arch == "gpt" {
					labels = make([]int, len(in.Data))
					for i := range in.Data {
						in.Data[i] = float32(rng.IntN(256))
						labels[i] = rng.IntN(256)
					}
				} else {
					for i := range labels {
						labels[i] = rng.IntN(10)
					}
				}
				before := map[string][]float32{}
				for _, p := range m.Params() {
					before[p.Name] = append([]float32(nil), p.Value.Data...)
				}
				stepper := NewStepper(m, opt)
				for step := 0; step < 2; step++ {
					m.SetStep(int64(step))
					r, err := stepper.Step(in, labels, false)
					if err != nil {
						t.Fatal(err)
					}
					if math.IsNaN(r.Loss) || math.IsInf(r.Loss, 0) {
						t.Fatalf("step %d: loss %v", step, r.Loss)
					}
				}
				for _, p := range m.Params() {
					changed := false
					for i, v := range p.Value.Data {
						changed = changed || v != before[p.Name][i]
						if math.IsNaN(float64(v)) {
							t.Fatalf("%s is NaN", p.Name)
						}
					}
					if !changed {
						t.Errorf("%s did not change", p.Name)
					}
				}
			})
		}
	}
}

// The checks: the loss falls on a tiny CIFAR-format directory (a
// resnet with augmentation) and on a small text (a gpt, with perplexity).
func TestLossFallsCIFARAndText(t *testing.T) {
	t.Run("cifar10/resnet8", func(t *testing.T) {
		c := Config{Dataset: "cifar10:" + writeCIFARDir(t, 80, 20), Shuffle: true, BatchSize: 16, Model: "resnet", Depth: 8, Width: 4,
			Augment: true, Optimizer: "adam", Hyper: optim.Hyper{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
			DType: "float32", Epochs: 8, Out: filepath.Join(t.TempDir(), "run")}
		res, err := Run[float32](context.Background(), c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ep := epochs(t, c.Out)
		first, last := ep[0]["train_loss"].(float64), ep[len(ep)-1]["train_loss"].(float64)
		if !(last < 0.6*first) {
			t.Errorf("train loss %.4f in the first epoch, %.4f in the last: want a fall by 40%%", first, last)
		}
		if res.FinalTest == nil || res.FinalTest.Accuracy < 0.3 {
			t.Errorf("final test %+v, want accuracy above 0.3", res.FinalTest)
		}
	})
	t.Run("text/gpt1", func(t *testing.T) {
		c := Config{Dataset: "text:" + writeText(t), Shuffle: true, BatchSize: 16, Model: "gpt", Layers: 1, Heads: 2, Dim: 32, Context: 16,
			Optimizer: "adam", Hyper: optim.Hyper{LR: 3e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
			DType: "float32", Epochs: 3, Out: filepath.Join(t.TempDir(), "run")}
		res, err := Run[float32](context.Background(), c, Options{})
		if err != nil {
			t.Fatal(err)
		}
		ep := epochs(t, c.Out)
		p0, ok := ep[0]["test_perplexity"].(float64)
		if !ok || math.Abs(p0-math.Exp(ep[0]["test_loss"].(float64))) > 1e-9*p0 {
			t.Fatalf("epoch record %v: test perplexity is not exp(test loss)", ep[0])
		}
		if res.FinalTest == nil || !(res.FinalTest.Perplexity < 8) {
			t.Errorf("final test %+v, want a perplexity below 8 (256 at the start)", res.FinalTest)
		}
	})
}

func epochs(t *testing.T, dir string) []map[string]any {
	t.Helper()
	recs, err := rundir.ReadMetrics(filepath.Join(dir, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	for _, r := range recs {
		if r["kind"] == "epoch" {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		t.Fatal("no epoch records")
	}
	return out
}

// Augmentation and dropout derive from (seed, epoch, sample) and the step:
// an interrupted and resumed run ends bit for bit where the uninterrupted
// one does.
func TestResumeWithAugmentationAndDropout(t *testing.T) {
	cifar, text := writeCIFARDir(t, 40, 10), writeText(t)
	for _, c := range []Config{
		{Dataset: "cifar10:" + cifar, Shuffle: true, BatchSize: 8, Model: "resnet", Depth: 8, Width: 2, Augment: true,
			Optimizer: "adafisher", Hyper: optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 3, FisherMode: "reference"}, DType: "float32", Steps: 12},
		{Dataset: "text:" + text, Shuffle: true, BatchSize: 8, Model: "gpt", Layers: 1, Heads: 2, Dim: 8, Context: 8, Dropout: 0.2, Tied: true,
			Optimizer: "adafisher", Hyper: optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 1, FisherMode: "paper"}, DType: "float32", Steps: 12},
	} {
		t.Run(c.Model, func(t *testing.T) {
			dir := t.TempDir()
			c.Out = filepath.Join(dir, "full")
			if _, err := Run[float32](context.Background(), c, Options{}); err != nil {
				t.Fatal(err)
			}
			c.Out = filepath.Join(dir, "cut")
			ctx, cancel := context.WithCancel(context.Background())
			if _, err := Run[float32](ctx, c, Options{Progress: func(e Event) {
				if e.Step == 7 {
					cancel()
				}
			}}); !errors.Is(err, ErrInterrupted) {
				t.Fatalf("interrupted run: %v", err)
			}
			if _, err := Resume[float32](context.Background(), c.Out, Config{}, Options{}); err != nil {
				t.Fatal(err)
			}
			full := filepath.Join(dir, "full")
			sameFloats(t, filepath.Join(full, "final.safetensors"), filepath.Join(c.Out, "final.safetensors"))
			a, b := losses(t, full), losses(t, c.Out)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("step %d: loss %v uninterrupted, %v resumed", i+1, a[i], b[i])
				}
			}
		})
	}
}

// EvalInterval adds "eval" records of the test split between epochs; the
// time they take is not training time.
func TestEvalInterval(t *testing.T) {
	c := irisConfig(filepath.Join(t.TempDir(), "run"))
	c.TestFraction, c.BatchSize, c.Steps, c.EvalInterval = 0.2, 16, 12, time.Nanosecond
	if _, err := Run[float64](context.Background(), c, Options{}); err != nil {
		t.Fatal(err)
	}
	recs, err := rundir.ReadMetrics(filepath.Join(c.Out, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	for _, r := range recs {
		if r["kind"] == "eval" {
			steps = append(steps, int(r["step"].(float64)))
			if _, ok := r["test_accuracy"].(float64); !ok {
				t.Fatalf("eval record %v", r)
			}
		}
	}
	if len(steps) != 12 || steps[0] != 1 || steps[11] != 12 {
		t.Errorf("eval records at steps %v, want 1..12", steps)
	}
}
