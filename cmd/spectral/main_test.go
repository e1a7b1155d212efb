package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// spectral analyze RUN gives, for every layer and factor snapshot, the A and
// G factors of that same layer, with every measure in spectral.json.
func TestAnalyzeRun(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	cfg := train.Config{Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 16, Model: "mlp", Hidden: []int{8}, Activation: "relu",
		Optimizer: "adafisher", Hyper: optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 5, FisherMode: "reference", FullFactors: true},
		DType: "float64", Steps: 12, SnapshotFactorsEvery: 5, Out: out}
	if _, err := train.Run[float64](context.Background(), cfg, train.Options{}); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := runCLI([]string{"analyze", out, "--sigma", "1e-3", "--seed", "3"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(out, "spectral", "spectral.json"))
	if err != nil {
		t.Fatal(err)
	}
	var o struct {
		Matrices []struct {
			Name, Layer, Side string
			Step              int
			N                 int     `json:"n"`
			Inside            float64 `json:"inside_fraction"`
			Modes             []struct {
				Mode string  `json:"mode"`
				SNR  float64 `json:"snr"`
			} `json:"modes"`
		} `json:"matrices"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		t.Fatal(err)
	}
	// 3 snapshots (steps 0, 5, 10) x 2 layers x 2 sides.
	if len(o.Matrices) != 12 {
		t.Fatalf("%d matrices, want 12", len(o.Matrices))
	}
	sizes := map[string]int{"run:fc1/A": 4, "run:fc1/G": 8, "run:fc2/A": 8, "run:fc2/G": 3}
	for _, m := range o.Matrices {
		key := m.Layer + "/" + m.Side
		if sizes[key] != m.N || m.Inside != 1 || len(m.Modes) != 2 || m.Modes[0].Mode != "reference" {
			t.Fatalf("matrix %+v", m)
		}
	}
	if _, err := os.Stat(filepath.Join(out, "spectral", "index.html")); err != nil {
		t.Fatal(err)
	}
}

func TestAnalyzeBadInput(t *testing.T) {
	dir := t.TempDir()
	rect := filepath.Join(dir, "rect.safetensors")
	if err := rundir.Write(rect, []rundir.Tensor{rundir.FromFloat64("w", []int{2, 3}, make([]float64, 6))}, nil); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.npy")
	os.WriteFile(empty, nil, 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{}, 2, "usage"},
		{[]string{"analyze"}, 2, "give run directories, --matrix files or --torch-dumps"},
		{[]string{"analyze", "--matrix", rect, "--out", dir, "--mode", "sideways"}, 2, "--mode"},
		{[]string{"analyze", "--matrix", rect, "--out", dir}, 1, `"w"`},
		{[]string{"analyze", "--matrix", empty, "--out", dir}, 1, "empty.npy"},
		{[]string{"analyze", filepath.Join(dir, "nothing")}, 1, "nothing"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := runCLI(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), c.want) {
			t.Errorf("spectral %v: exit %d (want %d), stderr %q (want %q)", c.args, code, c.code, stderr.String(), c.want)
		}
	}
}

func TestAnalyzeMatrixFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "factors.safetensors")
	if err := rundir.Write(f, []rundir.Tensor{
		rundir.FromFloat64("A", []int{3, 3}, []float64{2, 0.1, 0, 0.1, 1, 0.2, 0, 0.2, 3}),
		rundir.FromFloat32("G", []int{2, 2}, []float32{1, 0.5, 0.5, 1}),
	}, nil); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := runCLI([]string{"analyze", "--matrix", f, "--out", dir, "--mode", "corrected"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "2 matrices") {
		t.Fatalf("stdout %q", stdout.String())
	}
}

// A factor with a non-finite entry stops the analysis with an error naming
// the snapshot file, the tensor and the entry.
func TestAnalyzeRunNonFinite(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "run")
	cfg := train.Config{Dataset: "iris", Standardize: true, BatchSize: 16, Model: "mlp", Hidden: []int{8}, Activation: "relu",
		Optimizer: "adafisher", Hyper: optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 5, FisherMode: "reference", FullFactors: true},
		DType: "float64", Steps: 6, SnapshotFactorsEvery: 5, Out: out}
	if _, err := train.Run[float64](context.Background(), cfg, train.Options{}); err != nil {
		t.Fatal(err)
	}
	d, err := rundir.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	path := d.FactorsPath(5)
	f, err := rundir.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	const name = "fc2.H_full"
	for k, tn := range f.Tensors {
		if tn.Name != name {
			continue
		}
		v, err := tn.Float64s()
		if err != nil {
			t.Fatal(err)
		}
		v[1*tn.Shape[1]+2] = math.NaN()
		f.Tensors[k] = rundir.FromFloat64(name, tn.Shape, v)
	}
	if err := rundir.Write(path, f.Tensors, f.Metadata); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := runCLI([]string{"analyze", out}, &stdout, &stderr)
	for _, want := range []string{path, `"` + name + `"`, "entry (1, 2) is NaN"} {
		if code != 1 || !strings.Contains(stderr.String(), want) {
			t.Errorf("exit %d, stderr %q, want %q in it", code, stderr.String(), want)
		}
	}
}

// The bar counts matrices and weighs the time left by n^3: after the
// largest of three matrices the bar is nearly full.
func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, []int{10, 1000, 10})
	p.tty = true
	p.add(1)
	line := buf.String()
	if !strings.Contains(line, "1/3 matrices") || !strings.Contains(line, "ETA") || !strings.Contains(line, "[#############################.]") {
		t.Errorf("line %q", line)
	}
	p.done()
	if !strings.HasSuffix(buf.String(), "\n") {
		t.Error("no newline after the bar")
	}
}
