package train

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/optim"
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
