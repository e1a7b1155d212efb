package train

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// fixtureRun was written by this package's trainer
// (scripts/make-fixture-run.sh); its run.json and factor snapshots read back
// through the typed readers.
var fixtureRun = filepath.Join("..", "testdata", "runs", "iris-adafisher")

func TestReadInfoFixture(t *testing.T) {
	info, err := ReadInfo(fixtureRun)
	if err != nil {
		t.Fatal(err)
	}
	c := info.Config
	if c.Dataset != "iris" || c.Model != "mlp" || !slices.Equal(c.Hidden, []int{4}) || c.Optimizer != "adafisher" || c.Hyper.TCov != 5 ||
		!c.Hyper.FullFactors || c.Steps != 20 || c.Seed != 1 || c.SnapshotFactorsEvery != 10 {
		t.Errorf("config %+v", c)
	}
	if info.StepsPerEp != 4 || info.Data.Name != "iris" || info.Data.Train != 120 || info.Data.Test != 30 || len(info.Layers) != 2 || info.Layers[1].Name != "fc2" {
		t.Errorf("info %+v", info)
	}
	if _, err := ReadInfo(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("a missing run reads without error")
	}
}

func TestReadFactorsFixture(t *testing.T) {
	s, err := ReadFactors(filepath.Join(fixtureRun, "factors", "step-000010.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Step != 10 || s.FisherMode != "reference" || len(s.Layers) != 2 || s.Metadata["optimizer"] != "adafisher" {
		t.Fatalf("snapshot step %d, mode %q, layers %+v", s.Step, s.FisherMode, s.Layers)
	}
	fc1, ok := s.Layer("fc1")
	if !ok || fc1.Kind != "Linear" || !slices.Equal(fc1.Tensors, []string{"H_D", "S_D", "H_full", "S_full", "H_batch", "S_batch"}) {
		t.Fatalf("fc1: %+v", fc1)
	}
	// fc1 = Linear(4, 4): H_D has the 4 inputs and the bias entry; the full
	// activation factor leaves the bias out.
	for _, c := range []struct {
		suffix string
		shape  []int
	}{{"H_D", []int{5}}, {"S_D", []int{4}}, {"H_full", []int{4, 4}}, {"S_batch", []int{4, 4}}} {
		tn, ok := s.Tensor("fc1", c.suffix)
		if !ok || !slices.Equal(tn.Shape, c.shape) {
			t.Errorf("fc1.%s: shape %v, want %v", c.suffix, tn.Shape, c.shape)
		}
	}
	if _, err := ReadFactors(filepath.Join(fixtureRun, "weights", "step-000010.safetensors")); err == nil {
		t.Error("a weight snapshot reads as factors")
	}
}

// Every record the trainer writes today survives its typed record in
// rundir byte for byte: a field added to or renamed in the writer without
// the record fails here.
func TestMetricsMatchTypedRecords(t *testing.T) {
	out := filepath.Join(t.TempDir(), "run")
	cfg := Config{Dataset: "iris", Standardize: true, TestFraction: 0.2, Shuffle: true, BatchSize: 32, Model: "mlp", Hidden: []int{4}, Activation: "relu",
		Optimizer: "adafisher", Hyper: optim.Hyper{LR: 0.01, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 3, FisherMode: "reference"},
		DType: "float64", Steps: 10, EvalInterval: 1, Out: out}
	if _, err := Run[float64](t.Context(), cfg, Options{}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(out, rundir.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	recs, err := rundir.ReadRecords(filepath.Join(out, rundir.MetricsFile))
	if err != nil || len(recs) != len(lines) {
		t.Fatalf("%d records of %d lines: %v", len(recs), len(lines), err)
	}
	kinds := map[string]bool{}
	for i, r := range recs {
		var v any
		switch {
		case r.Step != nil:
			v = r.Step
		case r.Epoch != nil:
			v = r.Epoch
		case r.Eval != nil:
			v = r.Eval
		case r.Final != nil:
			v = r.Final
		case r.Curvature != nil:
			v = r.Curvature
		default:
			t.Fatalf("line %d: kind %q has no typed record", i+1, r.Kind)
		}
		kinds[r.Kind] = true
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if got := bytes.TrimSpace(buf.Bytes()); !bytes.Equal(got, lines[i]) {
			t.Errorf("line %d:\n  written: %s\n  typed:   %s", i+1, lines[i], got)
		}
	}
	if len(kinds) != 5 {
		t.Errorf("kinds written %v, want all five", kinds)
	}
}
