package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/landscape"
)

func TestHessianCommand(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"train", "--dataset", "iris", "--standardize", "--optimizer", "adahessian", "--batch-size", "0",
		"--steps", "20", "--snapshot-every", "10", "--out", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("train: exit %d: %s", code, stderr.String())
	}
	stdout.Reset()
	if code := run([]string{"hessian", dir, "--step", "all", "--top-k", "2", "--bins", "500", "--density-iter", "30"}, &stdout, &stderr); code != 0 {
		t.Fatalf("hessian: exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(dir, "hessian.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f landscape.ProbeResult
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if f.Dimension != 131 || f.Samples != 150 || f.Mode != "eval" || len(f.Snapshots) != 3 {
		t.Fatalf("dimension %d, samples %d, mode %s, %d snapshots (want 131, 150, eval, steps 0, 10, 20)", f.Dimension, f.Samples, f.Mode, len(f.Snapshots))
	}
	for i, s := range f.Snapshots {
		if s.Step != 10*i || len(s.TopEigenvalues) != 2 || s.Trace == nil || len(s.TraceSamples) == 0 || s.Density == nil {
			t.Fatalf("snapshot %d: %+v", i, s)
		}
		g, v := s.Density.Grid, s.Density.Values
		var integral float64
		for _, x := range v {
			integral += x * (g[1] - g[0])
		}
		if len(g) != 500 || math.Abs(integral-1) > 1e-12 || len(s.Density.Nodes[0]) != 30 {
			t.Fatalf("snapshot %d: density of %d points integrates to %v, %d nodes", i, len(g), integral, len(s.Density.Nodes[0]))
		}
	}
	if f.Snapshots[2].Weights != "weights/step-000020.safetensors" {
		t.Fatalf("weights %q", f.Snapshots[2].Weights)
	}
	// One layer, the final weights, one probe.
	stdout.Reset()
	if code := run([]string{"hessian", "--layer", "fc2", "--probes", "trace", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("hessian --layer: exit %d: %s", code, stderr.String())
	}
	b, _ = os.ReadFile(filepath.Join(dir, "hessian-fc2.json"))
	f = landscape.ProbeResult{}
	if err := json.Unmarshal(b, &f); err != nil || f.Dimension != 51 || len(f.Snapshots) != 1 || f.Snapshots[0].Step != 20 || f.Snapshots[0].TopEigenvalues != nil {
		t.Fatalf("--layer fc2: %v, %+v", err, f)
	}
	// The other operators: positive semidefinite, so every Lanczos node is
	// >= 0 up to rounding; each writes its own file.
	for _, op := range []string{"ggn", "fisher", "fisher-mc"} {
		stdout.Reset()
		if code := run([]string{"hessian", dir, "--operator", op, "--top-k", "2", "--density-iter", "20", "--bins", "100", "--no-html"}, &stdout, &stderr); code != 0 {
			t.Fatalf("--operator %s: exit %d: %s", op, code, stderr.String())
		}
		b, err := os.ReadFile(filepath.Join(dir, op+".json"))
		if err != nil {
			t.Fatal(err)
		}
		f = landscape.ProbeResult{}
		if err := json.Unmarshal(b, &f); err != nil || string(f.Operator) != op || f.Dimension != 131 || len(f.Snapshots) != 1 {
			t.Fatalf("--operator %s: %v, operator %q, dimension %d", op, err, f.Operator, f.Dimension)
		}
		s := f.Snapshots[0]
		for _, x := range s.Density.Nodes[0] {
			if x < -1e-10*s.TopEigenvalues[0] {
				t.Errorf("--operator %s: eigenvalue %v of a positive semidefinite matrix", op, x)
			}
		}
		if !strings.Contains(stdout.String(), "-vector products") || *s.Trace <= 0 {
			t.Errorf("--operator %s: trace %v; %s", op, *s.Trace, stdout.String())
		}
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"hessian", dir, "--operator", "laplacian"}, 2, "--operator"},
		{[]string{"hessian", dir, "--operator", "fisher", "--train-mode"}, 2, "evaluation mode"},
		{[]string{"hessian", dir, "--step", "7"}, 1, "no weights/step-000007"},
		{[]string{"hessian", dir, "--layer", "conv9"}, 1, `no layer or parameter "conv9"`},
		{[]string{"hessian", dir, "--probes", "spectrum"}, 2, "unknown probe"},
		{[]string{"hessian"}, 2, "one run directory"},
		{[]string{"hessian", "--help"}, 0, "--top-k"},
	} {
		stdout.Reset()
		stderr.Reset()
		if code := run(c.args, &stdout, &stderr); code != c.code || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: exit %d, want %d; %q lacks %q", c.args, code, c.code, stderr.String(), c.msg)
		}
	}
}
