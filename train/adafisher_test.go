package train

import (
	"context"
	"encoding/json"
	"math"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

func adafisherHyper() optim.Hyper {
	h, _ := optim.Defaults("adafisher")
	return h
}

// The training checks: full-batch iris below 0.06 in 200 steps, and
// the cnn on digits learns within two epochs.
func TestAdaFisherTrains(t *testing.T) {
	c := irisConfig(filepath.Join(t.TempDir(), "iris"))
	c.Optimizer, c.Hyper = "adafisher", adafisherHyper()
	res, err := Run[float64](context.Background(), c, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.LastLoss >= 0.06 {
		t.Errorf("iris: loss %g after 200 steps, want below 0.06", res.LastLoss)
	}
	d := Config{Dataset: "digits", Shuffle: true, BatchSize: 64, Model: "cnn", Optimizer: "adafisher", Hyper: adafisherHyper(),
		DType: "float32", Epochs: 2, Out: filepath.Join(t.TempDir(), "digits")}
	if _, err := Run[float32](context.Background(), d, Options{}); err != nil {
		t.Fatal(err)
	}
	recs, err := rundir.ReadMetrics(filepath.Join(d.Out, "metrics.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		if r["kind"] == "epoch" && r["epoch"].(float64) == 2 {
			if l := r["train_loss"].(float64); l >= 0.4 {
				t.Errorf("digits cnn: mean training loss of epoch 2 is %g, want below 0.4", l)
			}
			return
		}
	}
	t.Fatal("no record of epoch 2")
}

// Factor snapshots hold the optimizer's diagonals and, with full factors, the
// analysis-code averages and the raw batch factors, which for the first layer
// of a full-batch mlp are X^T X / N of the data itself.
func TestFactorSnapshots(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	c := irisConfig(out)
	c.Optimizer, c.Hyper = "adafisher", adafisherHyper()
	c.Hyper.FullFactors = true
	c.Hyper.TCov = 10
	c.Steps, c.SnapshotFactorsEvery = 25, 10
	if _, err := Run[float64](context.Background(), c, Options{}); err != nil {
		t.Fatal(err)
	}
	dir, err := rundir.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := dir.FactorSteps()
	if err != nil || len(steps) != 3 || steps[0] != 0 || steps[2] != 20 {
		t.Fatalf("factor steps %v (%v), want [0 10 20]", steps, err)
	}
	f, err := rundir.Read(dir.FactorsPath(20))
	if err != nil {
		t.Fatal(err)
	}
	var layers []FactorLayerInfo
	if err := json.Unmarshal([]byte(f.Metadata["layers"]), &layers); err != nil {
		t.Fatal(err)
	}
	if len(layers) != 2 || layers[0].Layer != "fc1" || layers[1].Kind != "Linear" || f.Metadata["step"] != "20" {
		t.Fatalf("metadata %v", f.Metadata)
	}
	shapes := map[string][]int{"fc1.H_D": {5}, "fc1.S_D": {16}, "fc1.H_full": {4, 4}, "fc1.S_full": {16, 16}, "fc1.H_batch": {4, 4},
		"fc1.S_batch": {16, 16}, "fc2.H_D": {17}, "fc2.S_D": {3}, "fc2.H_full": {16, 16}, "fc2.H_batch": {16, 16}, "fc2.S_batch": {3, 3}}
	for name, shape := range shapes {
		tt, ok := f.Get(name)
		if !ok || len(tt.Shape) != len(shape) || tt.Shape[0] != shape[0] {
			t.Fatalf("%s: %v, want shape %v", name, tt.Shape, shape)
		}
	}
	tr, _, err := data.Load("iris", data.Options{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	hb, _ := f.Get("fc1.H_batch")
	got, _ := hb.Float64s()
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			var want float64
			for n := 0; n < tr.Len(); n++ {
				want += tr.X[n*4+i] * tr.X[n*4+j]
			}
			want /= float64(tr.Len())
			if math.Abs(got[i*4+j]-want) > 1e-12 {
				t.Fatalf("fc1.H_batch[%d,%d] = %v, want %v", i, j, got[i*4+j], want)
			}
		}
	}
	// H_D's bias entry: MinMax puts the fresh ones column ... in [0, 1).
	hd, _ := f.Get("fc1.H_D")
	v, _ := hd.Float64s()
	for _, x := range v {
		if !(x >= 0 && x < 0.09) {
			t.Fatalf("fc1.H_D = %v, want entries in [0, 0.088]", v)
		}
	}
	// Diagnostics were logged at each refresh (steps 1, 11, 21).
	recs, _ := rundir.ReadMetrics(filepath.Join(out, "metrics.jsonl"))
	var at []int
	for _, r := range recs {
		if r["kind"] == "curvature" {
			at = append(at, int(r["step"].(float64)))
			ls := r["layers"].([]any)
			l0 := ls[0].(map[string]any)
			if l0["f_min"].(float64) < 1e-3 || l0["f_max"].(float64) < l0["f_min"].(float64) {
				t.Fatalf("bad diagnostics %v", r)
			}
		}
	}
	if len(at) != 3 || at[0] != 1 || at[1] != 11 || at[2] != 21 {
		t.Fatalf("curvature records at steps %v, want [1 11 21]", at)
	}
}

// An AdaFisher run interrupted and resumed ends bit for bit where the
// uninterrupted run does: moments, factors and the step counter are saved.
func TestAdaFisherResume(t *testing.T) {
	for _, mode := range []string{"reference", "paper"} {
		for _, name := range []string{"adafisher", "adafisherw"} {
			base := func(out string) Config {
				c := irisConfig(out)
				c.Optimizer, c.Hyper = name, adafisherHyper()
				c.Hyper.TCov, c.Hyper.FisherMode, c.Hyper.WeightDecay = 7, mode, 0.01
				c.BatchSize, c.Steps = 32, 40
				return c
			}
			dir := t.TempDir()
			full := filepath.Join(dir, "full")
			if _, err := Run[float32](context.Background(), base(full), Options{}); err != nil {
				t.Fatal(err)
			}
			cut := filepath.Join(dir, "cut")
			ctx, cancel := context.WithCancel(context.Background())
			if _, err := Run[float32](ctx, base(cut), Options{Progress: func(e Event) {
				if e.Step == 17 {
					cancel()
				}
			}}); err == nil {
				t.Fatal("the interrupted run did not stop")
			}
			if _, err := Resume[float32](context.Background(), cut, Config{}, Options{}); err != nil {
				t.Fatal(err)
			}
			sameFloats(t, filepath.Join(full, "final.safetensors"), filepath.Join(cut, "final.safetensors"))
			sameFloats(t, filepath.Join(full, "checkpoint.safetensors"), filepath.Join(cut, "checkpoint.safetensors"))
		}
	}
}
