package train

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// baselineHyper is each baseline's setting as the README gives it for the
// full-batch iris mlp: the official defaults, with K-FAC's learning rate
// raised from 1e-3 to 0.03 (its KL clip then bounds the step).
func baselineHyper(name string) optim.Hyper {
	h, err := optim.Defaults(name)
	if err != nil {
		panic(err)
	}
	if name == "kfac" {
		h.LR = 0.03
	}
	return h
}

var baselines = []string{"kfac", "shampoo", "adahessian"}

// The check: each baseline takes the full-batch iris mlp below a
// loss of 0.1 in 300 steps.
func TestBaselinesTrainIris(t *testing.T) {
	for _, name := range baselines {
		t.Run(name, func(t *testing.T) {
			c := irisConfig(filepath.Join(t.TempDir(), "iris"))
			c.Optimizer, c.Hyper, c.Steps = name, baselineHyper(name), 300
			res, err := Run[float64](context.Background(), c, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.LastLoss >= 0.1 {
				t.Errorf("loss %g after 300 steps, want below 0.1", res.LastLoss)
			}
		})
	}
}

// A baseline run interrupted and resumed ends bit for bit where the
// uninterrupted run does, through factor refreshes, decompositions, the
// start of K-FAC's weight decay, Shampoo's statistics and grafting, and
// AdaHessian's probes; on the mlp and on the cnn (BatchNorm in the
// Hessian-vector products).
func TestBaselinesResume(t *testing.T) {
	for _, name := range baselines {
		for _, arch := range []string{"mlp", "cnn"} {
			t.Run(name+"/"+arch, func(t *testing.T) {
				base := func(out string) Config {
					c := irisConfig(out)
					c.Optimizer, c.Hyper = name, baselineHyper(name)
					c.Hyper.WeightDecay = 0.01
					c.BatchSize, c.Steps, c.DType = 32, 30, "float32"
					switch name {
					case "kfac":
						c.Hyper.TCov, c.Hyper.TInv = 1, 7
					case "shampoo":
						c.Hyper.UpdateInterval, c.Hyper.GraftType = 3, "adam"
					case "adahessian":
						c.Hyper.Seed = 9
					}
					if arch == "cnn" {
						c.Dataset, c.Model, c.Hidden, c.Standardize, c.Steps = "digits", "cnn", nil, false, 12
						if name == "kfac" {
							c.Hyper.LR = 1e-3
						}
					}
					return c
				}
				cut := 17
				if arch == "cnn" {
					cut = 5
				}
				dir := t.TempDir()
				full := filepath.Join(dir, "full")
				if _, err := Run[float32](context.Background(), base(full), Options{}); err != nil {
					t.Fatal(err)
				}
				part := filepath.Join(dir, "cut")
				ctx, cancel := context.WithCancel(context.Background())
				if _, err := Run[float32](ctx, base(part), Options{Progress: func(e Event) {
					if e.Step == cut {
						cancel()
					}
				}}); err == nil {
					t.Fatal("the interrupted run did not stop")
				}
				if _, err := Resume[float32](context.Background(), part, Config{}, Options{}); err != nil {
					t.Fatal(err)
				}
				sameFloats(t, filepath.Join(full, "final.safetensors"), filepath.Join(part, "final.safetensors"))
				sameFloats(t, filepath.Join(full, "checkpoint.safetensors"), filepath.Join(part, "checkpoint.safetensors"))
				a, b := losses(t, full), losses(t, part)
				for i := range a {
					if a[i] != b[i] {
						t.Fatalf("step %d: loss %v uninterrupted, %v resumed", i+1, a[i], b[i])
					}
				}
				if name == "kfac" && arch == "mlp" {
					recs, _ := rundir.ReadMetrics(filepath.Join(full, "metrics.jsonl"))
					n := 0
					for _, r := range recs {
						if r["kind"] == "curvature" {
							n++
						}
					}
					if n != 5 { // steps 1, 8, 15, 22, 29
						t.Errorf("%d curvature records, want one per decomposition (5)", n)
					}
				}
			})
		}
	}
}
