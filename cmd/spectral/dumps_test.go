package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The official analysis code's dumps (written by scripts/gen_torch_testdata.py
// as that code writes them) give, pair by pair, the same spectral.json as the
// same matrices given with --matrix. The perturbation noise is seeded by a
// matrix's name, which differs between the two, so the comparison is made
// without noise (--sigma 0), and at the default sigma on every measure the
// noise does not touch.
func TestAnalyzeTorchDumps(t *testing.T) {
	td := filepath.Join("..", "..", "testdata", "torch", "dumps")
	analyze := func(extra ...string) []map[string]any {
		out := filepath.Join(t.TempDir(), "out")
		var stdout, stderr bytes.Buffer
		args := append([]string{"analyze", "--out", out, "--workers", "1"}, extra...)
		if code := runCLI(args, &stdout, &stderr); code != 0 {
			t.Fatalf("spectral %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
		}
		b, err := os.ReadFile(filepath.Join(out, "spectral.json"))
		if err != nil {
			t.Fatal(err)
		}
		var o struct{ Matrices []map[string]any }
		if err := json.Unmarshal(b, &o); err != nil {
			t.Fatal(err)
		}
		return o.Matrices
	}
	strip := func(ms []map[string]any, noise bool) map[string]map[string]any {
		out := map[string]map[string]any{}
		for _, m := range ms {
			name := m["name"].(string)
			if i := strings.LastIndex(name, ":"); i >= 0 {
				name = name[i+1:]
			}
			for _, f := range []string{"name", "layer", "step", "side", "seconds"} {
				delete(m, f)
			}
			if noise {
				for _, mode := range m["modes"].([]any) {
					mm := mode.(map[string]any)
					for _, f := range []string{"perturbed", "shift", "max_abs_shift", "kaiser_perturbed", "snr", "noise_snr"} {
						delete(mm, f)
					}
				}
			}
			out[name] = m
		}
		return out
	}
	for _, sigma := range []string{"0", "0.001"} {
		noise := sigma != "0"
		dumps := strip(analyze("--torch-dumps", td, "--steps", "50", "--pairing", "layer", "--sigma", sigma), noise)
		files := strip(analyze("--matrix", filepath.Join(td, "step50_by_layer.pt"), "--sigma", sigma), noise)
		if len(dumps) != 8 || len(dumps) != len(files) {
			t.Fatalf("sigma %s: %d matrices from the dumps, %d from the file", sigma, len(dumps), len(files))
		}
		for name, m := range files {
			if !reflect.DeepEqual(dumps[name], m) {
				t.Errorf("sigma %s: %s differs between --torch-dumps and --matrix", sigma, name)
			}
		}
	}
	// The reference pairing pairs the i-th H with the i-th S: different
	// modules, named as such.
	ref := analyze("--torch-dumps", td, "--steps", "50", "--pairing", "reference")
	if len(ref) != 8 || !strings.Contains(ref[0]["name"].(string), "H=00.Conv2d S=") || strings.Contains(ref[0]["name"].(string), "S=00.Conv2d") {
		t.Errorf("reference pairing: first matrix %v", ref[0]["name"])
	}
	var stdout, stderr bytes.Buffer
	if code := runCLI([]string{"analyze", "--torch-dumps", td, "--pairing", "index", "--out", t.TempDir()}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "--pairing") {
		t.Errorf("a bad --pairing: exit %d, %s", code, stderr.String())
	}
}
