package rundir

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	text := `{"kind":"step","step":1,"epoch":1,"loss":2.5,"lr":0.1,"time_s":0.5,"new_field":[1,2]}

{"kind":"epoch","epoch":1,"step":1,"time_s":0.6,"train_loss":2,"train_accuracy":0.25,"test_loss":1.5,"test_accuracy":0.5}
{"kind":"histogram","step":1,"bins":[1,2,3]}
{"step":7}
{"kind":"curvature","step":1,"layers":[{"layer":"fc1","f_min":0.1,"note":"x","eig_retries":2}]}
{"kind":"final","step":1,"time_s":0.7,"train_loss":1,"train_accuracy":0.5}
{"kind":"step","step":2,"epo`
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadRecords(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 6 {
		t.Fatalf("%d records, want 6 (the cut last line ignored)", len(recs))
	}
	if s := recs[0].Step; s == nil || *s != (StepRecord{"step", 1, 1, 2.5, 0.1, 0.5}) || recs[0].Line != 1 {
		t.Errorf("step record %+v", recs[0])
	}
	if e := recs[1].Epoch; e == nil || *e.TestLoss != 1.5 || e.TrainPerplexity != nil || recs[1].Line != 3 {
		t.Errorf("epoch record %+v", recs[1])
	}
	for _, i := range []int{2, 3} {
		if _, ok := recs[i].StepNumber(); ok || recs[i].Step != nil {
			t.Errorf("record %d of an unknown kind: %+v", i, recs[i])
		}
	}
	l := recs[4].Curvature.Layers[0]
	if v, ok := l.Get("eig_retries"); l.Layer != "fc1" || len(l.Fields) != 2 || !ok || v != 2 {
		t.Errorf("curvature layer %+v", l)
	}
	if b, _ := json.Marshal(l); string(b) != `{"layer":"fc1","f_min":0.1,"eig_retries":2}` {
		t.Errorf("curvature layer written back as %s", b)
	}
	if n, ok := recs[5].StepNumber(); !ok || n != 1 || recs[5].Final.TestLoss != nil {
		t.Errorf("final record %+v", recs[5].Final)
	}
}

func TestReadRecordsErrors(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"{\"kind\":\"step\",\"step\":1}\n[1,2]\n", "line 2: not a JSON object"},
		{"null\n", "line 1: not a JSON object"},
		{"{\"kind\":\"step\",\"step\":\"one\"}\n", "line 1: step record"},
		{"{\"kind\":\"curvature\",\"step\":1,\"layers\":[3]}\n", "line 1: curvature record"},
		{"{\"kind\":\"step\",\n", "line 1"},
	} {
		path := filepath.Join(t.TempDir(), "metrics.jsonl")
		os.WriteFile(path, []byte(c.text), 0o644)
		_, err := ReadRecords(path)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%q: error %v, want the file and %q", c.text, err, c.want)
		}
	}
	if _, err := ReadRecords(filepath.Join(t.TempDir(), "none.jsonl")); err == nil {
		t.Error("a missing file reads without error")
	}
}

// TruncateRecords keeps the chosen lines byte for byte.
func TestTruncateRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	lines := []string{
		`{"kind":"step","step":1,"epoch":1,"loss":1,"lr":0.1,"time_s":0.1}`,
		`{"kind":"step","step":2,"epoch":1,"loss":0.5,"lr":0.1,"time_s":0.2,"extra":  true}`,
		`{"kind":"final","step":2,"time_s":0.3,"train_loss":0.5,"train_accuracy":1}`,
		`{"kind":"step","step":3,"epoch":2,"loss":0.25,"lr":0.1,"time_s":0.3}`,
	}
	os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n{\"kind\":"), 0o644)
	err := TruncateRecords(path, func(r Record) bool {
		s, _ := r.StepNumber()
		return s <= 2 && r.Kind != KindFinal
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if want := lines[0] + "\n" + lines[1] + "\n"; string(b) != want {
		t.Errorf("file after truncation:\n%s\nwant\n%s", b, want)
	}
}

func TestFloatsJSON(t *testing.T) {
	g := Grid{{1, math.NaN()}, {math.Inf(1), -2.5e-10}}
	b, err := json.Marshal(struct {
		G Grid   `json:"g"`
		F Floats `json:"f"`
	}{g, Floats{0.1, math.NaN()}})
	if err != nil || string(b) != `{"g":[[1,null],[null,-2.5e-10]],"f":[0.1,null]}` {
		t.Fatalf("%s, %v", b, err)
	}
	var back struct {
		G Grid   `json:"g"`
		F Floats `json:"f"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.G[0][0] != 1 || !math.IsNaN(back.G[0][1]) || !math.IsNaN(back.G[1][0]) || back.G[1][1] != -2.5e-10 || back.F[0] != 0.1 || !math.IsNaN(back.F[1]) {
		t.Errorf("read back %v %v", back.G, back.F)
	}
	var f Floats
	if err := json.Unmarshal([]byte(`[1,"x"]`), &f); err == nil {
		t.Error(`["x"] reads as numbers`)
	}
}
