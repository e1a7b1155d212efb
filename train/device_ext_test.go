package train

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/optim"
)

// The layers and factor kinds added to the device engine train on OpenCL
// as on the CPU: Figure 1's iris toy (its Softmax layer) with the figure's
// Adam and AdaFisher, and a GPT with AdaFisher in paper mode (factors of
// the embedding tables), the same losses step by step in float64.
func TestTrainExtOnOpenCL(t *testing.T) {
	needOpenCL(t)
	preset := func(name string) optim.Hyper {
		p, err := optim.PresetNamed(name)
		if err != nil {
			t.Fatal(err)
		}
		return p.Hyper
	}
	fisher := preset("figure1/adafisher")
	fisher.TCov = 2
	paper, _ := optim.Defaults("adafisher")
	paper.TCov, paper.FisherMode = 2, "paper"
	cases := []struct {
		name string
		cfg  Config
	}{
		{"iris-toy/adam", Config{Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 32, Model: "iris-toy",
			Optimizer: "adam", Hyper: preset("figure1/adam"), Steps: 8}},
		{"iris-toy/adafisher", Config{Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 32, Model: "iris-toy",
			Optimizer: "adafisher", Hyper: fisher, Steps: 8}},
		{"gpt/adafisher-paper", Config{Dataset: "text:" + writeText(t), Shuffle: true, BatchSize: 4, Model: "gpt", Layers: 1, Heads: 2,
			Dim: 16, Context: 8, Optimizer: "adafisher", Hyper: paper, Steps: 4}},
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
			if cpu[0] == cpu[len(cpu)-1] {
				t.Errorf("the loss did not change in %d steps: %v", len(cpu), cpu)
			}
		})
	}
}
