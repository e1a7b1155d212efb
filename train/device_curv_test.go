package train

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// K-FAC and Shampoo train on OpenCL (pocl) as on the CPU: the same losses
// step by step in float64, through refreshes of the eigendecompositions
// (every 3 steps) on the host.
func TestSecondOrderOnOpenCL(t *testing.T) {
	needOpenCL(t)
	kfac := optim.Hyper{LR: 0.05, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-2, TCov: 2, TInv: 3}
	shampoo := optim.Hyper{LR: 0.05, Momentum: 0.9, Damping: 1e-4, StatDecay: -1, UpdateInterval: 3, MaxPrecondDim: 1024,
		GraftType: "sgd", ClipNorm: 1}
	cases := []struct {
		name string
		cfg  Config
	}{
		{"mlp/kfac", Config{Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 32, Model: "mlp", Hidden: []int{16},
			Optimizer: "kfac", Hyper: kfac, Steps: 8}},
		{"cnn/kfac", Config{Dataset: "digits", TestFraction: 0.1, Shuffle: true, BatchSize: 16, Model: "cnn",
			Optimizer: "kfac", Hyper: kfac, Steps: 4}},
		{"mlp/shampoo", Config{Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 32, Model: "mlp", Hidden: []int{16},
			Optimizer: "shampoo", Hyper: shampoo, Steps: 8}},
		{"cnn/adahessian", Config{Dataset: "digits", TestFraction: 0.1, Shuffle: true, BatchSize: 16, Model: "cnn",
			Optimizer: "adahessian", Hyper: optim.Hyper{LR: 0.05, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1}, Seed: 3, Steps: 4}},
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
}

// AdaFisher with full factors on OpenCL writes the same factor snapshots
// as on the CPU: the diagonals, the full averages and the batch factors,
// all computed on the device.
func TestFullFactorsOnOpenCL(t *testing.T) {
	needOpenCL(t)
	h, _ := optim.Defaults("adafisher")
	h.TCov, h.FullFactors = 2, true
	cfg := Config{Dataset: "digits", TestFraction: 0.1, Shuffle: true, BatchSize: 16, Model: "cnn", DType: "float64",
		Optimizer: "adafisher", Hyper: h, Steps: 5, SnapshotFactorsEvery: 4}
	run := func(device string) rundir.Dir {
		c := cfg
		c.Device, c.Out = device, filepath.Join(t.TempDir(), "run")
		if _, err := Run[float64](context.Background(), c, Options{}); err != nil {
			t.Fatalf("device %s: %v", device, err)
		}
		d, err := rundir.Open(c.Out)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	cpu, ocl := run("cpu"), run("opencl")
	for _, step := range []int{0, 4} {
		want, err := rundir.Read(cpu.FactorsPath(step))
		if err != nil {
			t.Fatal(err)
		}
		got, err := rundir.Read(ocl.FactorsPath(step))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, name := range want.Names() {
			w, _ := want.Tensors[indexOf(want, name)].Float64s()
			gt, ok := got.Get(name)
			if !ok {
				t.Fatalf("step %d: OpenCL's snapshot lacks %s", step, name)
			}
			g, _ := gt.Float64s()
			if d := maxRel(w, g); d > 1e-10 {
				t.Errorf("step %d: %s: relative difference %.3g", step, name, d)
			}
			if strings.HasSuffix(name, "_batch") || strings.HasSuffix(name, "_full") {
				n++
			}
		}
		if n != 4*3 || len(got.Names()) != len(want.Names()) {
			t.Errorf("step %d: %d full and batch factors (want 12), %d tensors on OpenCL, %d on the CPU", step, n, len(got.Names()), len(want.Names()))
		}
	}
}

func indexOf(f *rundir.File, name string) int {
	for i, t := range f.Tensors {
		if t.Name == name {
			return i
		}
	}
	return -1
}

// maxRel is max|a-b| / max|a|.
func maxRel(a, b []float64) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var d, s float64
	for i := range a {
		d = max(d, math.Abs(a[i]-b[i]))
		s = max(s, math.Abs(a[i]))
	}
	if d == 0 {
		return 0
	}
	return d / s
}
