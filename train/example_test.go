package train_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/adafisher-go/landscape/train"
)

// Training full-batch AdaFisher on the bundled iris data for 20 steps; Hyper
// left at zero takes the optimizer's defaults (optim.WithDefaults).
func ExampleRun() {
	dir, _ := os.MkdirTemp("", "example-run")
	defer os.RemoveAll(dir)
	cfg := train.Config{
		Dataset: "iris", Standardize: true, BatchSize: 0, Model: "mlp", Hidden: []int{16}, Activation: "relu",
		Optimizer: "adafisher", DType: "float64", Steps: 20, Out: filepath.Join(dir, "run"),
	}
	res, err := train.Run[float64](context.Background(), cfg, train.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d steps, %d epochs, stopped by %s\n", res.Steps, res.Epochs, res.Stopped)
	for _, f := range []string{"run.json", "metrics.jsonl", "final.safetensors", "checkpoint.safetensors"} {
		_, err := os.Stat(filepath.Join(res.Dir, f))
		fmt.Println(f, err == nil)
	}
	// Output:
	// 20 steps, 20 epochs, stopped by steps
	// run.json true
	// metrics.jsonl true
	// final.safetensors true
	// checkpoint.safetensors true
}

// Library errors name settings as run.json does; a command names them by
// its flags.
func ExampleSettingError() {
	cfg := train.Config{BatchSize: -4}
	err := cfg.Validate()
	fmt.Println(err)
	if se, ok := err.(*train.SettingError); ok {
		fmt.Println(se.Settings)
		fmt.Println(se.Describe(func(setting string) string { return "--batch-size" }))
	}
	// Output:
	// batch_size -4, want a positive size or 0 for the whole training set
	// [batch_size]
	// --batch-size -4, want a positive size or 0 for the whole training set
}
