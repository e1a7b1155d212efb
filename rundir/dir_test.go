package rundir

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestDirPaths(t *testing.T) {
	d := Dir{Path: filepath.Join("out", "mlp")}
	tests := []struct {
		got, want string
	}{
		{d.ConfigPath(), "out/mlp/run.json"},
		{d.MetricsPath(), "out/mlp/metrics.jsonl"},
		{d.WeightsPath(10), "out/mlp/weights/step-000010.safetensors"},
		{d.WeightsPath(0), "out/mlp/weights/step-000000.safetensors"},
		{d.WeightsPath(1234567), "out/mlp/weights/step-1234567.safetensors"},
		{d.FactorsPath(999999), "out/mlp/factors/step-999999.safetensors"},
		{d.FinalPath(), "out/mlp/final.safetensors"},
		{d.CheckpointPath(), "out/mlp/checkpoint.safetensors"},
	}
	for _, tt := range tests {
		if tt.got != filepath.FromSlash(tt.want) {
			t.Errorf("got %s, want %s", tt.got, tt.want)
		}
	}
}

func TestParseSnapshotName(t *testing.T) {
	tests := []struct {
		name string
		step int
		ok   bool
	}{
		{"step-000010.safetensors", 10, true},
		{"step-000000.safetensors", 0, true},
		{"step-1234567.safetensors", 1234567, true},
		{"step-10.safetensors", 0, false},
		{"step-0000010.safetensors", 0, false},
		{"step-+00010.safetensors", 0, false},
		{"step--00001.safetensors", 0, false},
		{"step-000010.safetensors.tmp-123", 0, false},
		{".step-000010.safetensors.tmp-123", 0, false},
		{"step-00001a.safetensors", 0, false},
		{"step-000010.json", 0, false},
		{"final.safetensors", 0, false},
	}
	for _, tt := range tests {
		step, ok := parseSnapshotName(tt.name)
		if step != tt.step || ok != tt.ok {
			t.Errorf("parseSnapshotName(%q) = %d, %v; want %d, %v", tt.name, step, ok, tt.step, tt.ok)
		}
	}
}

func TestSnapshotSteps(t *testing.T) {
	d := Dir{Path: t.TempDir()}
	if steps, err := d.WeightSteps(); err != nil || steps != nil {
		t.Errorf("WeightSteps without weights/ = %v, %v", steps, err)
	}
	w := []Tensor{FromFloat32("fc.weight", []int{1}, []float32{1})}
	for _, s := range []int{100, 2, 10} {
		if err := d.WriteWeights(s, w, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.WriteFactors(5, w, map[string]string{"layer": "fc"}); err != nil {
		t.Fatal(err)
	}
	weights := filepath.Join(d.Path, WeightsDir)
	os.WriteFile(filepath.Join(weights, ".step-000003.safetensors.tmp-12345"), nil, 0o644)
	os.WriteFile(filepath.Join(weights, "step-7.safetensors"), nil, 0o644)
	os.WriteFile(filepath.Join(weights, "notes.txt"), nil, 0o644)
	os.Mkdir(filepath.Join(weights, "step-000004.safetensors"), 0o755)

	steps, err := d.WeightSteps()
	if err != nil || !reflect.DeepEqual(steps, []int{2, 10, 100}) {
		t.Errorf("WeightSteps = %v, %v; want [2 10 100]", steps, err)
	}
	steps, err = d.FactorSteps()
	if err != nil || !reflect.DeepEqual(steps, []int{5}) {
		t.Errorf("FactorSteps = %v, %v; want [5]", steps, err)
	}
	f, err := Read(d.FactorsPath(5))
	if err != nil || f.Metadata["layer"] != "fc" {
		t.Errorf("Read factors: %v, %v", f, err)
	}
}

func TestCreate(t *testing.T) {
	base := t.TempDir()
	path := filepath.Join(base, "a", "b")
	d, err := Create(path, false)
	if err != nil || d.Path != path {
		t.Fatalf("Create = %v, %v", d, err)
	}
	if _, err := Create(path, false); err != nil {
		t.Errorf("Create on an empty directory: %v", err)
	}
	if _, err := Open(path); err == nil || !strings.Contains(err.Error(), "not a run directory") {
		t.Errorf("Open without run.json = %v", err)
	}

	if err := d.WriteJSON(ConfigFile, map[string]any{"seed": 1}); err != nil {
		t.Fatal(err)
	}
	m, _ := d.OpenMetrics()
	m.Write(map[string]any{"kind": "step", "step": 1})
	m.Close()
	d.WriteWeights(1, []Tensor{FromFloat32("w", []int{1}, []float32{1})}, nil)
	os.WriteFile(filepath.Join(path, "notes.txt"), []byte("mine"), 0o644)

	_, err = Create(path, false)
	want := "run directory " + path + " already holds a run: resume it, or write the new run to another directory"
	if err == nil || err.Error() != want || !errors.Is(err, ErrRunExists) {
		t.Errorf("Create over a run = %v, want %q matching ErrRunExists", err, want)
	}
	if o, err := Open(path); err != nil || o.Path != path {
		t.Errorf("Open = %v, %v", o, err)
	}

	if _, err := Create(path, true); err != nil {
		t.Fatalf("Create with overwrite: %v", err)
	}
	if names := entries(t, path); !slices.Equal(names, []string{"notes.txt"}) {
		t.Errorf("after overwrite the directory holds %v, want only notes.txt", names)
	}

	// Leftovers without run.json are refused too.
	os.WriteFile(filepath.Join(path, MetricsFile), []byte("{}\n"), 0o644)
	_, err = Create(path, false)
	if err == nil || errors.Is(err, ErrRunExists) || !strings.Contains(err.Error(), "metrics.jsonl of an earlier run") {
		t.Errorf("Create over leftovers = %v", err)
	}

	// A file where the directory should be.
	file := filepath.Join(base, "file")
	os.WriteFile(file, nil, 0o644)
	if _, err := Create(file, false); err == nil {
		t.Error("Create over a file succeeded")
	}
	if _, err := Open(file); err == nil {
		t.Error("Open of a file succeeded")
	}
}

func TestJSON(t *testing.T) {
	type config struct {
		Seed   int64    `json:"seed"`
		LR     float64  `json:"lr"`
		Layers []int    `json:"layers"`
		Tags   []string `json:"tags,omitempty"`
	}
	d := Dir{Path: t.TempDir()}
	in := config{Seed: 42, LR: 0.1, Layers: []int{784, 100, 10}}
	if err := d.WriteJSON(ConfigFile, in); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(d.ConfigPath())
	wantRaw := "{\n  \"seed\": 42,\n  \"lr\": 0.1,\n  \"layers\": [\n    784,\n    100,\n    10\n  ]\n}\n"
	if string(raw) != wantRaw {
		t.Errorf("run.json:\n%s\nwant\n%s", raw, wantRaw)
	}
	var out config
	if err := d.ReadJSON(ConfigFile, &out); err != nil || !reflect.DeepEqual(out, in) {
		t.Errorf("ReadJSON = %+v, %v", out, err)
	}
	if err := d.WriteJSON(filepath.Join("extra", "data.json"), []int{1}); err != nil {
		t.Errorf("WriteJSON into a subdirectory: %v", err)
	}

	tests := []struct {
		name string
		err  error
		want string
	}{
		{"absolute name", d.WriteJSON("/etc/x.json", 1), "not a path inside"},
		{"escaping name", d.WriteJSON("../x.json", 1), "not a path inside"},
		{"NaN", d.WriteJSON(ConfigFile, map[string]float64{"lr": math.NaN()}), "unsupported value"},
		{"read escaping name", d.ReadJSON("../x.json", &out), "not a path inside"},
		{"read missing", d.ReadJSON("missing.json", &out), "missing.json"},
		{"read wrong type", d.ReadJSON(ConfigFile, &[]int{}), "cannot unmarshal"},
	}
	for _, tt := range tests {
		if tt.err == nil || !strings.Contains(tt.err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, tt.err, tt.want)
		}
	}
	// The failed NaN write left the previous run.json in place.
	if raw2, _ := os.ReadFile(d.ConfigPath()); string(raw2) != wantRaw {
		t.Errorf("run.json changed by a failed write: %s", raw2)
	}
}
