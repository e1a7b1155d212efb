package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/report/reporttest"
	"github.com/adafisher-go/landscape/rundir"
)

// compare trains each optimizer for the budget into ordinary run
// directories, writes a report that draws, keeps finished runs when run
// again, resumes a run whose budget grew, and refuses a directory of other
// settings.
func TestCompare(t *testing.T) {
	_, jsErr := report.LoadJS("")
	reporttest.NeedJS(t, jsErr)
	out := filepath.Join(t.TempDir(), "cmp")
	args := []string{"compare", "--dataset", "iris", "--standardize", "--test-fraction", "0.2", "--model", "mlp", "--batch-size", "16",
		"--optimizers", "adam,adafisher,sgd", "--time-budget", "300ms", "--out", out}
	text := runLandscape(t, 0, args...)
	for _, want := range []string{"adam", "adafisher", "sgd", filepath.Join(out, "index.html")} {
		if !strings.Contains(text, want) {
			t.Errorf("output does not mention %q:\n%s", want, text)
		}
	}
	steps := map[string]int{}
	for _, label := range []string{"adam", "adafisher", "sgd"} {
		recs, err := rundir.ReadRecords(filepath.Join(out, "runs", label, "metrics.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		last := recs[len(recs)-1]
		if last.Final == nil || !(last.Final.TimeS >= 0.3) {
			t.Fatalf("%s: last record %+v, want a final record after the budget", label, last)
		}
		steps[label] = last.Final.Step
	}
	// The same command again keeps every run.
	text = runLandscape(t, 0, args...)
	if strings.Count(text, "finished already") != 3 {
		t.Errorf("second run:\n%s", text)
	}
	// A larger budget continues each run from its checkpoint.
	longer := append([]string(nil), args...)
	for i, a := range longer {
		if a == "300ms" {
			longer[i] = "500ms"
		}
	}
	text = runLandscape(t, 0, longer...)
	if strings.Count(text, "resuming") != 3 {
		t.Errorf("larger budget:\n%s", text)
	}
	m, err := rundir.ReadMetricsFile(filepath.Join(out, "runs", "adam", "metrics.jsonl"))
	if err != nil || m.Final == nil {
		t.Fatalf("adam after extending: %v", err)
	}
	if n := m.Final.Step; n <= steps["adam"] {
		t.Errorf("adam: %d steps after extending %d", n, steps["adam"])
	}
	// Other settings in the same directory are refused.
	other := append(append([]string(nil), args...), "--seed", "3")
	if text := runLandscape(t, 1, other...); !strings.Contains(text, "holds a run with other settings") {
		t.Errorf("other settings:\n%s", text)
	}
	page, err := os.ReadFile(filepath.Join(out, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"test accuracy against wall-clock time", "training loss against step", "time per step", "AdaFisherCNN"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The page draws every chart in Chromium (skipped without it).
	reporttest.Chromium(t)
	st := reporttest.Open(t, filepath.Join(out, "index.html"), reporttest.Options{})
	if errs := st.AllErrors(); len(errs) > 0 || !st.Done || st.Rendered != st.Charts || st.Charts != 6 {
		t.Errorf("%d of %d charts drawn (want 6), errors %v", st.Rendered, st.Charts, errs)
	}
}

func TestCompareUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args    []string
		message string
	}{
		{[]string{"compare", "--model", "mlp", "--time-budget", "1s", "--out", dir}, "--dataset and --model are required"},
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--out", dir}, "a budget is required: --time-budget"},
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--time-budget", "1s", "--steps", "10", "--out", dir}, "alternatives: give one"},
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--steps", "-3", "--out", dir}, "--steps -3, want a positive"},
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--time-budget", "1s"}, "--out is required"},
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--time-budget", "soon", "--out", dir}, "--time-budget \"soon\""},
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--time-budget", "1s", "--optimizers", "adam,lbfgs", "--out", dir}, `unknown optimizer "lbfgs"`},
	} {
		if text := runLandscape(t, 2, c.args...); !strings.Contains(text, c.message) {
			t.Errorf("%v: output %q, want %q", c.args, text, c.message)
		}
	}
}
