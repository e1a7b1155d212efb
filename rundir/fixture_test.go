package rundir_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/adafisher-go/landscape/rundir"
)

// fixtureRun is a run directory written by the toolkit's trainer
// (scripts/make-fixture-run.sh): the typed readers must read what the
// writer writes.
var fixtureRun = filepath.Join("..", "testdata", "runs", "iris-adafisher")

// TestFixtureRecordsRoundTrip decodes every line of the fixture's
// metrics.jsonl into its typed record, refusing unknown fields, and encodes
// it again: the bytes must be those on disk, so no field the writer writes
// is missing from or renamed in the records.
func TestFixtureRecordsRoundTrip(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtureRun, rundir.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for i, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		var head struct{ Kind string }
		if err := json.Unmarshal(line, &head); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		var v any
		switch head.Kind {
		case rundir.KindStep:
			v = new(rundir.StepRecord)
		case rundir.KindEpoch:
			v = new(rundir.EpochRecord)
		case rundir.KindEval:
			v = new(rundir.EvalRecord)
		case rundir.KindFinal:
			v = new(rundir.FinalRecord)
		case rundir.KindCurvature:
			v = new(rundir.CurvatureRecord)
		default:
			t.Fatalf("line %d: kind %q has no typed record", i+1, head.Kind)
		}
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v); err != nil {
			t.Fatalf("line %d (%s): %v", i+1, head.Kind, err)
		}
		var out bytes.Buffer
		enc := json.NewEncoder(&out)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		if got := bytes.TrimSpace(out.Bytes()); !bytes.Equal(got, line) {
			t.Errorf("line %d does not survive its typed record:\n  file: %s\n  back: %s", i+1, line, got)
		}
		kinds[head.Kind]++
	}
	// 20 steps of 4 per epoch, an evaluation after every step, the factors
	// refreshed every 5 steps.
	want := map[string]int{"step": 20, "eval": 20, "epoch": 5, "curvature": 4, "final": 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s records, want %d", kinds[k], k, n)
		}
	}
}

// The directory reads back through Dir: records by kind, in order, and the
// snapshots.
func TestFixtureDir(t *testing.T) {
	d, err := rundir.Open(fixtureRun)
	if err != nil {
		t.Fatal(err)
	}
	m, err := d.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Records) != 50 || len(m.Steps) != 20 || len(m.Epochs) != 5 || len(m.Evals) != 20 || len(m.Curvature) != 4 || m.Final == nil {
		t.Fatalf("%d records: %d steps, %d epochs, %d evals, %d curvature, final %v", len(m.Records), len(m.Steps), len(m.Epochs), len(m.Evals), len(m.Curvature), m.Final)
	}
	for i, s := range m.Steps {
		if s.Step != i+1 || s.Epoch != i/4+1 || s.LR != 0.01 || !(s.Loss > 0) {
			t.Fatalf("step record %d: %+v", i, s)
		}
	}
	last := m.Epochs[4]
	if last.Epoch != 5 || last.Step != 20 || last.TestLoss == nil || last.TestAccuracy == nil || last.TrainPerplexity != nil || last.Partial {
		t.Errorf("last epoch record %+v", last)
	}
	if f := m.Final; f.Step != 20 || f.TestAccuracy == nil || !(f.TrainAccuracy > 0.5) {
		t.Errorf("final record %+v", f)
	}
	c := m.Curvature[0]
	if c.Step != 1 || len(c.Layers) != 2 || c.Layers[0].Layer != "fc1" || c.Layers[1].Layer != "fc2" {
		t.Fatalf("curvature record %+v", c)
	}
	names := func(l rundir.LayerCurvature) []string {
		var out []string
		for _, f := range l.Fields {
			out = append(out, f.Name)
		}
		return out
	}
	if got := names(c.Layers[0]); !slices.Equal(got, []string{"f_min", "f_max", "curvature_over_lambda"}) {
		t.Errorf("fc1's diagnostics %v", got)
	}
	if lo, _ := c.Layers[0].Get("f_min"); !(lo > 0) {
		t.Errorf("f_min %v", lo)
	}
	// Every record's step, in file order, never decreases.
	prev := 0
	for _, r := range m.Records {
		s, ok := r.StepNumber()
		if !ok || s < prev {
			t.Fatalf("line %d: step %d after %d", r.Line, s, prev)
		}
		prev = s
	}
	if w, err := d.WeightSteps(); err != nil || !slices.Equal(w, []int{0, 10, 20}) {
		t.Errorf("weight steps %v, %v", w, err)
	}
	if f, err := d.FactorSteps(); err != nil || !slices.Equal(f, []int{0, 10}) {
		t.Errorf("factor steps %v, %v", f, err)
	}
}
