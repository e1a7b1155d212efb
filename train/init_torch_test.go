package train

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// A model started from a PyTorch checkpoint (written by torch.save, see
// scripts/gen_torch_testdata.py) trains bit for bit as the same weights given
// as safetensors: the iris MLP in each checkpoint layout, and a ResNet-8 with
// BatchNorm buffers.
func TestInitFromPyTorchCheckpoint(t *testing.T) {
	td := filepath.Join("..", "testdata", "torch")
	iris := Config{Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 32, Model: "mlp", Hidden: []int{16},
		Optimizer: "adam", Hyper: optim.Hyper{LR: 0.01}, DType: "float64", Steps: 12}
	fisher, _ := optim.Defaults("adafisher")
	fisher.TCov = 1
	resnet := Config{Dataset: "cifar10:" + writeCIFARDir(t, 16, 4), Shuffle: true, BatchSize: 8, Model: "resnet", Depth: 8, Width: 4,
		Optimizer: "adafisher", Hyper: fisher, DType: "float64", Steps: 3}
	cases := []struct {
		cfg   Config
		ref   string
		torch []string
	}{
		{iris, "iris_mlp.safetensors", []string{"iris_mlp.pt", "iris_mlp_legacy.pt", "iris_mlp_proto4.pt", "iris_mlp_wrapped.pt"}},
		{resnet, "resnet8.safetensors", []string{"resnet8.pt", "resnet8_checkpoint.pt"}},
	}
	for _, c := range cases {
		final := func(init string) []byte {
			cfg := c.cfg
			cfg.Init, cfg.Out = filepath.Join(td, init), filepath.Join(t.TempDir(), "run")
			if _, err := Run[float64](context.Background(), cfg, Options{}); err != nil {
				t.Fatalf("--init %s: %v", init, err)
			}
			b, err := os.ReadFile(filepath.Join(cfg.Out, rundir.FinalFile))
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
		want := final(c.ref)
		for _, pt := range c.torch {
			if !bytes.Equal(final(pt), want) {
				t.Errorf("training from %s differs from training from %s", pt, c.ref)
			}
		}
	}
}

// A checkpoint whose names or shapes do not fit the model lists every
// problem at once, as load_state_dict(strict=True) does.
func TestInitMismatchListsAll(t *testing.T) {
	cfg := Config{Dataset: "iris", Shuffle: true, BatchSize: 32, Model: "mlp", Hidden: []int{8},
		Optimizer: "adam", Hyper: optim.Hyper{LR: 0.01}, DType: "float64", Steps: 1,
		Init: filepath.Join("..", "testdata", "torch", "resnet8.pt"), Out: filepath.Join(t.TempDir(), "run")}
	_, err := Run[float64](context.Background(), cfg, Options{})
	var sd *StateDictError
	if !errors.As(err, &sd) {
		t.Fatalf("err %v, want a StateDictError", err)
	}
	if len(sd.Missing) != 4 || len(sd.Unexpected) < 10 {
		t.Errorf("missing %v, unexpected %d tensors", sd.Missing, len(sd.Unexpected))
	}
	for _, want := range []string{`"fc1.weight"`, `"conv1.weight"`, "resnet8.pt"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
	cfg.Init = filepath.Join("..", "testdata", "torch", "evil.pt")
	if _, err := Run[float64](context.Background(), cfg, Options{}); err == nil || !strings.Contains(err.Error(), "evil.pt") {
		t.Errorf("a pickle calling os.system: %v, want an error naming the file", err)
	}
}
