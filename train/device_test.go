package train

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/device/opencl"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// needOpenCL skips without an OpenCL device, failing in CI, where .ci/run
// installs pocl.
func needOpenCL(t *testing.T) {
	t.Helper()
	if _, err := opencl.Devices(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true: OpenCL must be available: %v", err)
		}
		t.Skipf("no OpenCL: %v", err)
	}
}

// stepLosses reads the batch losses of a run's step records.
func stepLosses(t *testing.T, dir string) []float64 {
	t.Helper()
	recs, err := rundir.Dir{Path: dir}.Metrics()
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, s := range recs.Steps {
		out = append(out, s.Loss)
	}
	return out
}

func closeRel(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// Every model trains on OpenCL (pocl) as on the CPU: the same losses step
// by step, in float64 to 1e-10; a run started on OpenCL and resumed on the
// CPU ends where a CPU run ends.
func TestTrainOnOpenCL(t *testing.T) {
	needOpenCL(t)
	fisher, _ := optim.Defaults("adafisher")
	fisher.TCov = 2
	cifar := "cifar10:" + writeCIFARDir(t, 16, 4)
	cases := []struct {
		name string
		cfg  Config
	}{
		{"mlp/adafisher", Config{Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 32, Model: "mlp", Hidden: []int{16},
			Optimizer: "adafisher", Hyper: fisher, Steps: 8}},
		{"cnn/adam", Config{Dataset: "digits", TestFraction: 0.1, Shuffle: true, BatchSize: 16, Model: "cnn",
			Optimizer: "adam", Hyper: optim.Hyper{LR: 1e-3}, Steps: 4}},
		{"resnet8/sgd", Config{Dataset: cifar, Shuffle: true, BatchSize: 8, Model: "resnet", Depth: 8, Width: 4,
			Optimizer: "sgd", Hyper: optim.Hyper{LR: 0.05, Momentum: 0.9}, Steps: 3}},
		{"gpt/adamw", Config{Dataset: "text:" + writeText(t), Shuffle: true, BatchSize: 4, Model: "gpt", Layers: 1, Heads: 2, Dim: 16, Context: 8,
			Optimizer: "adamw", Hyper: optim.Hyper{LR: 1e-3, WeightDecay: 0.1}, Steps: 3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			run := func(device string) string {
				cfg := c.cfg
				cfg.DType, cfg.Device, cfg.Out = "float64", device, filepath.Join(t.TempDir(), "run")
				if _, err := Run[float64](context.Background(), cfg, Options{}); err != nil {
					t.Fatalf("device %s: %v", device, err)
				}
				return cfg.Out
			}
			cpu, ocl := stepLosses(t, run("cpu")), stepLosses(t, run("opencl"))
			if len(cpu) != c.cfg.Steps || len(ocl) != len(cpu) {
				t.Fatalf("%d and %d step records, want %d", len(cpu), len(ocl), c.cfg.Steps)
			}
			for i := range cpu {
				if !closeRel(cpu[i], ocl[i], 1e-10) {
					t.Errorf("step %d: loss %.17g on the CPU, %.17g on OpenCL", i+1, cpu[i], ocl[i])
				}
			}
		})
	}
	// Half on OpenCL, resumed on the CPU for the other half.
	cfg := cases[0].cfg
	cfg.DType, cfg.Steps, cfg.Device, cfg.Out = "float64", 4, "opencl", filepath.Join(t.TempDir(), "split")
	if _, err := Run[float64](context.Background(), cfg, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Resume[float64](context.Background(), cfg.Out, Config{Steps: 8, Device: "cpu"}, Options{}); err != nil {
		t.Fatal(err)
	}
	whole := cases[0].cfg
	whole.DType, whole.Out = "float64", filepath.Join(t.TempDir(), "whole")
	if _, err := Run[float64](context.Background(), whole, Options{}); err != nil {
		t.Fatal(err)
	}
	a, b := stepLosses(t, cfg.Out), stepLosses(t, whole.Out)
	if len(a) != 8 || len(b) != 8 {
		t.Fatalf("%d and %d steps", len(a), len(b))
	}
	for i := range a {
		if !closeRel(a[i], b[i], 1e-10) {
			t.Errorf("step %d: %.17g resumed across devices, %.17g on the CPU", i+1, a[i], b[i])
		}
	}
}

// The speed workloads run on OpenCL too (landscape bench --device opencl).
func TestBenchOnOpenCL(t *testing.T) {
	needOpenCL(t)
	for _, w := range Workloads {
		if w.Name != "iris_b150" {
			continue
		}
		r, err := BenchOn("opencl", w, BenchOptimizer{Label: "adam", Name: "adam", Hyper: optim.Hyper{LR: 1e-3}}, 1, time.Millisecond)
		if err != nil || !(r.MsPerStep > 0) {
			t.Fatalf("bench on OpenCL: %+v, %v", r, err)
		}
	}
}
