package report

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

func TestNameRuns(t *testing.T) {
	cfg := func(opt string, lr float64, change func(c *train.Config)) train.Config {
		c := train.Config{Optimizer: opt, Hyper: optim.Hyper{LR: lr, Beta1: 0.9}, BatchSize: 32, Out: "runs/" + opt}
		if change != nil {
			change(&c)
		}
		return c
	}
	cases := []struct {
		name    string
		configs []train.Config
		dirs    []string
		want    []string
	}{
		{"distinct", []train.Config{cfg("adam", 0.01, nil), cfg("sgd", 0.1, nil)}, nil,
			[]string{"adam lr=0.01", "sgd lr=0.1"}},
		{"differ in batch size", []train.Config{cfg("adam", 0.01, func(c *train.Config) { c.BatchSize = 16 }), cfg("adam", 0.01, nil)}, nil,
			[]string{"adam lr=0.01 batch_size=16", "adam lr=0.01 batch_size=32"}},
		// Momentum 0 is left out of run.json (omitempty): shown as "-".
		{"momentum before seed", []train.Config{cfg("sgd", 0.1, func(c *train.Config) { c.Hyper.Momentum, c.Seed = 0.9, 1 }), cfg("sgd", 0.1, nil)}, nil,
			[]string{"sgd lr=0.1 momentum=0.9 seed=1", "sgd lr=0.1 momentum=- seed=0"}},
		{"hidden widths", []train.Config{cfg("adam", 0.01, func(c *train.Config) { c.Hidden = []int{64, 32} }), cfg("adam", 0.01, func(c *train.Config) { c.Hidden = []int{16} })}, nil,
			[]string{"adam lr=0.01 hidden=64,32", "adam lr=0.01 hidden=16"}},
		{"identical", []train.Config{cfg("adam", 0.01, nil), cfg("adam", 0.01, nil)}, []string{"runs/a", "runs/b"},
			[]string{"adam lr=0.01 (a)", "adam lr=0.01 (b)"}},
		{"no optimizer", []train.Config{{}}, nil, []string{"run"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rs []*runData
			for i, conf := range c.configs {
				dir := fmt.Sprintf("runs/%d", i)
				if c.dirs != nil {
					dir = c.dirs[i]
				}
				rs = append(rs, &runData{dir: dir, config: conf})
			}
			nameRuns(rs)
			var got []string
			for _, r := range rs {
				got = append(got, r.name)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("%q, want %q", got, c.want)
			}
		})
	}
}

// run.json of an older version, with capitalised hyperparameter keys, reads
// into the typed settings.
func TestReadRunOldKeys(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	writeRun(t, dir, map[string]any{"optimizer": "adamw", "hyper": map[string]any{"LR": 0.001, "Beta1": 0.9}}, syntheticRun(0.001))
	r, err := readRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	nameRuns([]*runData{r})
	if r.name != "adamw lr=0.001" || r.config.Hyper.Beta1 != 0.9 || r.info.Data.Name != "iris" {
		t.Errorf("name %q, config %+v", r.name, r.config)
	}
}

// writeRun makes a run directory with the given metrics records.
func writeRun(t *testing.T, dir string, config map[string]any, recs []map[string]any) {
	t.Helper()
	d, err := rundir.Create(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WriteJSON(rundir.ConfigFile, map[string]any{"config": config, "model": "mlp", "data": map[string]any{"name": "iris"}}); err != nil {
		t.Fatal(err)
	}
	m, err := d.OpenMetrics()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if err := m.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

// syntheticRun returns the records of a short run that logged curvature
// diagnostics for two layers every 5 steps.
func syntheticRun(lr float64) []map[string]any {
	var recs []map[string]any
	for s := 1; s <= 20; s++ {
		recs = append(recs, map[string]any{"kind": "step", "step": s, "epoch": (s-1)/10 + 1, "loss": 1 / float64(s), "lr": lr, "time_s": 0.01 * float64(s)})
		if s%5 == 0 {
			recs = append(recs, map[string]any{"kind": "curvature", "step": s, "layers": []any{
				map[string]any{"layer": "fc1", "f_min": 1e-4 * float64(s), "f_max": 2.0, "curvature_over_lambda": 10.0 / float64(s)},
				map[string]any{"layer": "fc2", "f_min": 2e-4 * float64(s), "f_max": 3.0, "curvature_over_lambda": 20.0 / float64(s)},
			}})
		}
		if s%10 == 0 {
			recs = append(recs, map[string]any{"kind": "epoch", "epoch": s / 10, "step": s, "time_s": 0.01 * float64(s),
				"train_loss": 0.5, "train_accuracy": 0.8, "test_loss": 0.6, "test_accuracy": 0.7})
		}
	}
	return append(recs, map[string]any{"kind": "final", "step": 20, "train_loss": 0.4, "train_accuracy": 0.9})
}

func TestReadRunCurvature(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	writeRun(t, dir, map[string]any{"optimizer": "adafisher", "hyper": map[string]any{"lr": 0.001}}, syntheticRun(0.001))
	r, err := readRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.step) != 20 || len(r.epoch) != 2 || !r.hasTest || r.final == nil || r.final.TrainLoss != 0.4 || r.testAcc[1] != 0.7 {
		t.Fatalf("%d steps, %d epochs, test %v, final %v", len(r.step), len(r.epoch), r.hasTest, r.final)
	}
	if !slices.Equal(r.curvatureFields, []string{"curvature_over_lambda", "f_max", "f_min"}) || !slices.Equal(r.curvatureLayers, []string{"fc1", "fc2"}) {
		t.Fatalf("fields %v, layers %v", r.curvatureFields, r.curvatureLayers)
	}
	c := r.curvature["f_min"]["fc2"]
	if !slices.Equal(c.step, []float64{5, 10, 15, 20}) || c.value[3] != 2e-4*20 {
		t.Errorf("f_min of fc2: %v at %v", c.value, c.step)
	}
}

// The index of two runs has a chart per quantity, the curvature fields
// included; it lists pages later written beside it, and UpdateIndex adds
// links.
func TestWriteRunIndex(t *testing.T) {
	nm := requireJS(t)
	root := t.TempDir()
	a, b := filepath.Join(root, "a"), filepath.Join(root, "b")
	writeRun(t, a, map[string]any{"optimizer": "adafisher", "hyper": map[string]any{"lr": 0.001}}, syntheticRun(0.001))
	writeRun(t, b, map[string]any{"optimizer": "adam", "hyper": map[string]any{"lr": 0.01}}, syntheticRun(0.01))
	out := filepath.Join(root, "report")
	o := Options{JSDir: nm, Command: []string{"landscape", "report", a, b}, Version: "v-test"}
	if err := WriteRunIndex(out, []string{a, b}, o); err != nil {
		t.Fatal(err)
	}
	page := readFile(t, filepath.Join(out, IndexFile))
	for _, want := range []string{"adafisher lr=0.001", "adam lr=0.01", "Training loss against wall-clock time", "Accuracy per epoch",
		"Time per step", "curvature_over_lambda", "f_min", "landscape report", "v-test", "No analysis pages yet"} {
		if !strings.Contains(page, want) {
			t.Errorf("index lacks %q", want)
		}
	}
	if n := strings.Count(page, `class="chart-canvas"`); n != 6+3 {
		t.Errorf("%d charts, want 9", n)
	}
	// A later analysis writes its page beside the index and updates it.
	extra := NewPage("Gersgorin discs of fc1")
	must(extra.Add(Discs{Title: "discs", Discs: []Disc{{1, 0.5}}}))
	if err := extra.WriteFile(filepath.Join(out, "gersgorin.html"), Options{JSDir: nm}); err != nil {
		t.Fatal(err)
	}
	if err := UpdateIndex(out, Options{JSDir: nm}, Link{Href: "../spectral/index.html", Text: "Spectral analysis"}); err != nil {
		t.Fatal(err)
	}
	page = readFile(t, filepath.Join(out, IndexFile))
	for _, want := range []string{`href="gersgorin.html"`, "Gersgorin discs of fc1", `href="../spectral/index.html"`, "v-test"} {
		if !strings.Contains(page, want) {
			t.Errorf("updated index lacks %q", want)
		}
	}
	if err := WriteRunIndex(out, []string{filepath.Join(root, "none")}, o); err == nil || !strings.Contains(err.Error(), "not a run directory") {
		t.Errorf("index of a missing run: %v", err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
