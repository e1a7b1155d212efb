package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/report/reporttest"
)

// runLandscape runs the command line and fails the test unless it exits with
// code.
func runLandscape(t *testing.T, code int, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if got := run(args, &stdout, &stderr); got != code {
		t.Fatalf("landscape %s: exit %d, want %d\n%s%s", strings.Join(args, " "), got, code, stdout.String(), stderr.String())
	}
	return stdout.String() + stderr.String()
}

// The report of a small real run opens in headless Chromium and draws every
// chart without a JavaScript error; two runs overlay; the PNGs are written.
func TestReportOfRealRun(t *testing.T) {
	_, jsErr := report.LoadJS("")
	reporttest.NeedJS(t, jsErr)
	reporttest.Chromium(t)
	root := t.TempDir()
	a, b := filepath.Join(root, "adam"), filepath.Join(root, "sgd")
	common := []string{"--dataset", "iris", "--standardize", "--test-fraction", "0.2", "--batch-size", "16", "--epochs", "5"}
	runLandscape(t, 0, append(append([]string{"train"}, common...), "--out", a)...)
	runLandscape(t, 0, append(append([]string{"train"}, common...), "--optimizer", "sgd", "--lr", "0.1", "--out", b)...)
	// An optimizer's curvature diagnostics, as a future optimizer logs them.
	f, err := os.OpenFile(filepath.Join(a, "metrics.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []int{10, 20, 30} {
		fmt.Fprintf(f, `{"kind":"curvature","step":%d,"layers":[{"layer":"fc1","f_min":%g,"f_max":2.5,"curvature_over_lambda":%g},{"layer":"fc2","f_min":0.01,"f_max":4,"curvature_over_lambda":3}]}`+"\n", s, 1e-3*float64(s), 100/float64(s))
	}
	f.Close()

	cases := []struct {
		name   string
		args   []string
		index  string
		charts int
		pngs   int
	}{
		{"one run, default --out", []string{"report", a}, filepath.Join(a, "report", "index.html"), 6 + 3, 0},
		{"two runs, flags after them", []string{"report", a, b, "--out", filepath.Join(root, "both"), "--png"}, filepath.Join(root, "both", "index.html"), 6 + 3, 9},
		{"run without curvature", []string{"report", "--out", filepath.Join(root, "sgd-report"), b}, filepath.Join(root, "sgd-report", "index.html"), 6, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := runLandscape(t, 0, c.args...)
			if !strings.Contains(out, c.index) {
				t.Errorf("output %q does not name %s", out, c.index)
			}
			s := reporttest.Open(t, c.index, reporttest.Options{})
			if errs := s.AllErrors(); len(errs) > 0 {
				t.Errorf("JavaScript errors:\n%s", strings.Join(errs, "\n"))
			}
			if s.Charts != c.charts || s.Rendered != c.charts || !s.Done {
				t.Errorf("%d of %d charts drawn, want %d", s.Rendered, s.Charts, c.charts)
			}
			pngs, _ := filepath.Glob(filepath.Join(filepath.Dir(c.index), "*.png"))
			if len(pngs) != c.pngs {
				t.Errorf("%d PNG files, want %d", len(pngs), c.pngs)
			}
			page, _ := os.ReadFile(c.index)
			if refs := report.RemoteReferences(page); len(refs) > 0 {
				t.Errorf("remote references: %q", refs)
			}
		})
	}
}

func TestReportUsage(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args    []string
		code    int
		message string
	}{
		{[]string{"report", "--help"}, 0, "--png"},
		{[]string{"report"}, 2, "give the run directories"},
		{[]string{"report", "a", "b"}, 2, "--out is required with several runs"},
		{[]string{"report", "--bogus", "a"}, 2, "bogus"},
		{[]string{"report", filepath.Join(dir, "missing")}, 1, "not a run directory"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stdout.String()+stderr.String(), c.message) {
			t.Errorf("landscape %s: exit %d, want %d; output %q, want %q", strings.Join(c.args, " "), code, c.code, stdout.String()+stderr.String(), c.message)
		}
	}
}
