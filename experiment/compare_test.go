package experiment

import (
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/train"
)

// Compare at the library level: the shared defaults, one run per setting
// in order, the columns read back from the metrics, and a test metric that
// is an accuracy.
func TestCompareRuns(t *testing.T) {
	out := filepath.Join(t.TempDir(), "cmp")
	settings, err := CompareSettings([]string{"sgd", "adam"}, "iris")
	if err != nil {
		t.Fatal(err)
	}
	base := train.Config{Dataset: "iris", Standardize: true, TestFraction: 0.2, Model: "mlp", Activation: "relu", BatchSize: 16, DType: "float64",
		TimeBudget: 150 * time.Millisecond, Out: out}
	c, err := Compare(t.Context(), CompareConfig{Train: base, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Runs) != 2 || c.Runs[0].Label != "sgd" || c.Runs[1].Label != "adam" || c.Perplexity || c.MetricName() != "test accuracy" {
		t.Fatalf("comparison %+v", c)
	}
	if !slices.Equal(c.Config.Hidden, []int{16}) || !c.Config.Shuffle || c.Config.EvalInterval != base.TimeBudget/20 {
		t.Errorf("shared settings %+v", c.Config)
	}
	for _, r := range c.Runs {
		n := len(r.Step)
		if n == 0 || r.Step[0] != 1 || r.Step[n-1] != float64(n) || len(r.Loss) != n || r.Final == nil || !(r.Final.TimeS >= 0.15) {
			t.Fatalf("%s: %d steps, training time %v", r.Label, n, r.TrainTime())
		}
		if !r.HasTest || !slices.IsSorted(r.TestTime) || len(r.TestMetric) != len(r.TestLoss) || r.Final == nil {
			t.Fatalf("%s: test evaluations at %v", r.Label, r.TestTime)
		}
		if !(r.FinalTest >= 0 && r.FinalTest <= 1) || math.IsNaN(r.FinalTestLoss) || r.Best < r.TestMetric[0] || r.Info.Config.Optimizer != r.Optimizer {
			t.Errorf("%s: final test %v, best %v", r.Label, r.FinalTest, r.Best)
		}
		if r.Dir != filepath.Join(out, "runs", r.Label) || !(r.MedianStepMillis > 0) {
			t.Errorf("%s: dir %s, median %v ms", r.Label, r.Dir, r.MedianStepMillis)
		}
	}
	if _, err := Compare(t.Context(), CompareConfig{Train: train.Config{Dataset: "iris", Model: "mlp", Out: out}}); err == nil {
		t.Error("a comparison without a time budget runs")
	}
}

// The plane of a trajectory of runs is centred as asked; a centre that
// names no snapshot is a CentreError.
func TestTrajectoryOfRunsCentre(t *testing.T) {
	dir := t.TempDir()
	var runs []string
	for _, opt := range []string{"adam", "sgd"} {
		cfg := train.Config{Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 16, Model: "mlp", Hidden: []int{4}, Activation: "relu",
			Optimizer: opt, Hyper: imageSetting(opt), DType: "float64", Steps: 20, SnapshotEvery: 5, Out: filepath.Join(dir, opt)}
		if _, err := train.Run[float64](t.Context(), cfg, train.Options{}); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, cfg.Out)
	}
	for _, c := range []struct {
		centre     string
		run, point int // the snapshot at the origin (steps 0, 5, ..., 20, final); -1: none
	}{{"final", 0, 5}, {"1:10", 1, 2}, {"mean", -1, -1}} {
		res, err := TrajectoryOfRuns(t.Context(), RunsConfig{Runs: runs, Centre: c.centre, Resolution: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Runs) != 2 || len(res.Runs[0].A) != 6 || res.Runs[0].Steps[5] != -1 || len(res.Loss) != 3 || len(res.Accuracy[2]) != 3 {
			t.Fatalf("%s: %+v", c.centre, res.Runs)
		}
		if c.run >= 0 {
			p := res.Runs[c.run]
			if math.Abs(p.A[c.point]) > 1e-9 || math.Abs(p.B[c.point]) > 1e-9 {
				t.Errorf("centre %s: snapshot at (%v, %v), want the origin", c.centre, p.A[c.point], p.B[c.point])
			}
		}
	}
	for _, bad := range []string{"2:5", "0:7", "middle"} {
		var ce *CentreError
		if _, err := TrajectoryOfRuns(t.Context(), RunsConfig{Runs: runs, Centre: bad, Resolution: 3}); !errors.As(err, &ce) {
			t.Errorf("centre %q: error %v, want a CentreError", bad, err)
		}
	}
}

// imageSetting returns the image setting of an optimizer.
func imageSetting(label string) optim.Hyper {
	s, _ := CompareSettingFor(label, false)
	return s.Hyper
}

// A comparison takes exactly one budget: time, steps or epochs; with steps
// every run takes that many and evaluates the test split only per epoch.
func TestCompareBudgets(t *testing.T) {
	settings, err := CompareSettings([]string{"sgd", "adam"}, "iris")
	if err != nil {
		t.Fatal(err)
	}
	base := train.Config{Dataset: "iris", Standardize: true, TestFraction: 0.2, Model: "mlp", BatchSize: 16, DType: "float64", Out: filepath.Join(t.TempDir(), "cmp")}
	for _, c := range []struct {
		name string
		edit func(*train.Config)
		want string
	}{
		{"none", func(*train.Config) {}, "0 budgets given"},
		{"two", func(c *train.Config) { c.Steps, c.Epochs = 10, 2 }, "2 budgets given"},
		{"negative", func(c *train.Config) { c.Steps = -1 }, "want a positive"},
	} {
		cfg := base
		c.edit(&cfg)
		if _, err := (CompareConfig{Train: cfg, Settings: settings}).Cells(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	cfg := base
	cfg.Steps = 25
	res, err := Compare(t.Context(), CompareConfig{Train: cfg, Settings: settings})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Runs {
		if len(r.Step) != 25 || r.Final == nil || r.Final.Step != 25 {
			t.Errorf("%s: %d steps, final %+v; want 25", r.Label, len(r.Step), r.Final)
		}
	}
	if res.Config.EvalInterval != 0 || BudgetText(res.Config) != "25 steps" {
		t.Errorf("eval interval %v, budget %q", res.Config.EvalInterval, BudgetText(res.Config))
	}
}
