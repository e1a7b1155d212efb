package train

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// Step names the first parameter whose gradient is not finite and makes no
// update; with KeepNonFinite it goes through. The gradient of fc1.weight
// overflows while the loss and fc2's gradients stay finite: an input of
// 1e300 meets a first-layer weight of 1e-300 (a pre-activation of 1), and
// fc2's weights of 1e10 scale the error that flows back to it.
func TestStepNamesNonFiniteGradient(t *testing.T) {
	for _, keep := range []bool{false, true} {
		m, err := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{2}, Classes: 2, Hidden: []int{2}, Activation: "relu", Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		ps := map[string]*nn.Param[float64]{}
		for _, p := range m.Params() {
			ps[p.Name] = p
		}
		copy(ps["fc1.weight"].Value.Data, []float64{1e-300, 0, 1e-300, 0})
		clear(ps["fc1.bias"].Value.Data)
		copy(ps["fc2.weight"].Value.Data, []float64{1e10, -1e10, -1e10, 1e10})
		clear(ps["fc2.bias"].Value.Data)
		opt, err := optim.New[float64]("sgd", m, optim.Hyper{LR: 1e-30})
		if err != nil {
			t.Fatal(err)
		}
		s := NewStepper(m, opt)
		s.KeepNonFinite = keep
		in := &nn.Tensor[float64]{Shape: []int{1, 2}, Data: []float64{1e300, 0}}
		r, err := s.Step(in, []int{1}, false)
		if err != nil {
			t.Fatal(err)
		}
		if !isFinite(r.Loss) || !isFinite(ps["fc2.weight"].Grad.Data[0]) {
			t.Fatalf("the loss %v or fc2's gradient %v is not finite: the case does not test what it says", r.Loss, ps["fc2.weight"].Grad.Data)
		}
		updated := ps["fc2.bias"].Value.Data[0] != 0
		if keep {
			if r.NonFiniteGrad != "" || !updated {
				t.Errorf("KeepNonFinite: %+v, updated %v; want no check and the update made", r, updated)
			}
			continue
		}
		if r.NonFiniteGrad != "fc1.weight" || r.Finite() || updated {
			t.Errorf("non-finite gradient %q (finite %v), updated %v; want fc1.weight, not finite, no update", r.NonFiniteGrad, r.Finite(), updated)
		}
	}
}

// A run whose loss becomes NaN stops with ErrNonFinite naming the step; the
// checkpoint it keeps holds the last good, finite state of the step before,
// and the metrics end at that step. With OnNaN "continue" the same run
// goes to its end and records the NaN losses as null with "non_finite".
func TestRunStopsOnNaN(t *testing.T) {
	cfg := irisConfig(filepath.Join(t.TempDir(), "stop"))
	cfg.Optimizer, cfg.Hyper = "sgd", optim.Hyper{LR: 1e150}
	cfg.Steps, cfg.CheckpointEvery, cfg.BatchSize = 30, 1, 32
	_, err := Run[float64](context.Background(), cfg, Options{})
	if !errors.Is(err, ErrNonFinite) || !strings.Contains(err.Error(), "step 3 (epoch 1): non-finite value: the loss is NaN") ||
		!strings.Contains(err.Error(), "keeps the checkpoint of step 2") {
		t.Fatalf("error %v, want the NaN loss at step 3 and the checkpoint of step 2", err)
	}
	f, err := rundir.Read(filepath.Join(cfg.Out, rundir.CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["step"] != "2" {
		t.Errorf("checkpoint of step %s, want 2", f.Metadata["step"])
	}
	for _, ts := range f.Tensors {
		vs, err := ts.Float64s()
		if err != nil {
			continue // the step counters
		}
		for _, v := range vs {
			if !isFinite(v) {
				t.Fatalf("the kept checkpoint's %s holds %v", ts.Name, v)
			}
		}
	}
	recs, err := rundir.ReadMetrics(filepath.Join(cfg.Out, rundir.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if last := recs[len(recs)-1]; last["step"] != 2.0 {
		t.Errorf("the metrics end with %v, want step 2", last)
	}

	cfg.Out, cfg.OnNaN = filepath.Join(filepath.Dir(cfg.Out), "continue"), "continue"
	res, err := Run[float64](context.Background(), cfg, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps != 30 || !math.IsNaN(res.LastLoss) {
		t.Errorf("%d steps, last loss %v; want 30 and NaN", res.Steps, res.LastLoss)
	}
	recs, err = rundir.ReadMetrics(filepath.Join(cfg.Out, rundir.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	nan := 0
	for _, r := range recs {
		if r["kind"] == "step" && r["loss"] == nil && r["non_finite"] == "NaN" {
			nan++
		}
	}
	if nan != 28 {
		t.Errorf("%d steps recorded with a NaN loss, want 28 (steps 3 to 30)", nan)
	}
	b, _ := os.ReadFile(filepath.Join(cfg.Out, rundir.ConfigFile))
	if !strings.Contains(string(b), `"on_nan": "continue"`) {
		t.Errorf("run.json does not record on_nan: %s", b)
	}
}

// Settings that make too many snapshots are
// refused before the run directory is made, with the limit.
func TestRunLimits(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Steps, c.SnapshotEvery = 200_000, 1 }, "snapshot_every 1 writes 200001 snapshots in 200000 steps, more than the limit of 100000"},
		{func(c *Config) {
			c.Optimizer, c.Hyper, c.Steps, c.SnapshotFactorsEvery = "adafisher", optim.Hyper{LR: 0.001}, 1_000_000, 9
		}, "snapshot_factors_every 9 writes 111112 snapshots in 1000000 steps, more than the limit of 100000; snapshot less often"},
	} {
		cfg := irisConfig(filepath.Join(t.TempDir(), "run"))
		c.edit(&cfg)
		_, err := Run[float64](context.Background(), cfg, Options{})
		var se *SettingError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want a SettingError containing %q", err, c.want)
		}
		if _, err := os.Stat(cfg.Out); err == nil {
			t.Errorf("%s was made for a run refused", cfg.Out)
		}
	}
}
