package train_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// Fuzz targets for the run files this package defines: run.json (Info) and
// the factor snapshots' metadata. The properties: no input panics or hangs;
// reading allocates at most a small multiple of the file's size; an error
// names the file. scripts/fuzz.sh runs them with the other packages' targets.

func fuzzAllocBound(n int) uint64 { return 64*uint64(n) + 1<<20 }

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func FuzzReadInfo(f *testing.F) {
	info := train.Info{
		Command: []string{"landscape", "train", "--dataset", "iris"}, Version: "dev", GoVersion: "go1.26",
		Model: "mlp", Parameters: 131, Layers: []train.LayerInfo{{Name: "fc1", Kind: "Linear", Params: []string{"fc1.weight", "fc1.bias"}}},
		Data: train.DataInfo{Name: "iris", Shape: []int{4}, Classes: 3, Train: 150}, StepsPerEp: 5,
		Unsupported: []string{"pos"}, Extra: map[string]string{"k": "v"}, StartedUnix: 1700000000,
	}
	info.Config.Dataset, info.Config.Model, info.Config.Optimizer = "iris", "mlp", "adafisher"
	info.Config.Hyper.LR, info.Config.DType, info.Config.Steps, info.Config.Out = 1e-3, "float64", 10, "runs/x"
	good, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"config":{"lr":-1,"dtype":"float16"}}`, `{"parameters":1e99}`,
		`{"data":{"sample_shape":[-1,9223372036854775807]}}`, `{"layers":[null,{"params":[1]}]}`,
		`{"config":` + strings.Repeat("[", 200), `{"extra":{"a":"\ud800"}}`,
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	path := filepath.Join(dir, rundir.ConfigFile)
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := rundir.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		var got train.Info
		if n := allocated(func() { err = d.ReadJSON(rundir.ConfigFile, &got) }); n > fuzzAllocBound(len(b)) {
			t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
		}
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		_ = got.Config.Validate() // settings read back are checked, never trusted
		_ = got.Config.DataOptions()
	})
}

// FuzzReadFactorSnapshot reads a factor snapshot as `spectral analyze` does:
// the safetensors file, its "layers" metadata, and each listed tensor.
func FuzzReadFactorSnapshot(f *testing.F) {
	layers, _ := json.Marshal([]train.FactorLayerInfo{{Layer: "fc1", Kind: "Linear", Tensors: []string{"H_D", "S_D", "H_full"}}})
	desc, _ := json.Marshal(train.FactorDescriptions)
	good := []rundir.Tensor{
		rundir.FromFloat64("fc1.H_D", []int{3}, []float64{0.1, 0.2, 1}),
		rundir.FromFloat64("fc1.S_D", []int{2}, []float64{0.5, 0.25}),
		rundir.FromFloat64("fc1.H_full", []int{2, 2}, []float64{1, 0.1, 0.1, 1}),
	}
	for _, meta := range []map[string]string{
		{"step": "100", "layers": string(layers), "tensors": string(desc), "fisher_mode": "reference"},
		{"step": "x", "layers": `[{"layer":"fc2","tensors":["H_D"]}]`},
		{"layers": `[{"layer":1}]`},
		{"layers": `{`},
		nil,
	} {
		path := filepath.Join(f.TempDir(), "f.safetensors")
		if err := rundir.Write(path, good, meta); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	path := filepath.Join(f.TempDir(), "step-000100.safetensors")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		n := allocated(func() {
			file, err := rundir.Read(path)
			if err != nil {
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error does not name the file: %v", err)
				}
				return
			}
			var infos []train.FactorLayerInfo
			if json.Unmarshal([]byte(file.Metadata["layers"]), &infos) != nil {
				return
			}
			for _, li := range infos {
				for _, suffix := range li.Tensors {
					if tn, ok := file.Get(li.Layer + "." + suffix); ok {
						tn.Float64s()
					}
				}
			}
		})
		if n > fuzzAllocBound(len(b)) {
			t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
		}
	})
}

// FuzzLoadModel loads weights from a file, as `landscape train --init FILE`
// does with a file from anywhere: a missing, extra, mis-shaped or mistyped
// tensor must be an error, never a panic.
func FuzzLoadModel(f *testing.F) {
	configs := []models.Config{
		{Arch: "mlp", InputShape: []int{3}, Hidden: []int{4}, Classes: 2},
		{Arch: "cnn", InputShape: []int{1, 8, 8}, Classes: 3},
	}
	for i, c := range configs {
		m, err := models.Build[float64](c)
		if err != nil {
			f.Fatal(err)
		}
		path := filepath.Join(f.TempDir(), "w.safetensors")
		if err := train.SaveModel(path, m, map[string]string{"step": "0"}); err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint8(i), true)
		f.Add(b, uint8(1-i), false)
	}
	f.Fuzz(func(t *testing.T, b []byte, which uint8, strict bool) {
		file, err := rundir.DecodeBytes(b)
		if err != nil {
			return
		}
		m, err := models.Build[float64](configs[int(which)%len(configs)])
		if err != nil {
			t.Fatal(err)
		}
		if n := allocated(func() { err = train.LoadModel(file, m, "", strict) }); n > fuzzAllocBound(len(b)) {
			t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
		}
		if err == nil {
			for _, e := range m.State() {
				if _, ok := file.Get(e.Name); !ok && (strict || e.Trainable) {
					t.Fatalf("loaded without %q", e.Name)
				}
			}
		}
	})
}
