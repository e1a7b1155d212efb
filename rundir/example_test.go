package rundir_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/adafisher-go/landscape/rundir"
)

// A training run creates its directory, records its settings and metrics, and
// snapshots its weights; analysis code reads them back.
func ExampleDir() {
	tmp, err := os.MkdirTemp("", "run-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)

	d, err := rundir.Create(filepath.Join(tmp, "mlp"), false)
	if err != nil {
		log.Fatal(err)
	}
	if err := d.WriteJSON(rundir.ConfigFile, map[string]any{"model": "mlp", "seed": 1, "lr": 0.1}); err != nil {
		log.Fatal(err)
	}
	m, err := d.OpenMetrics()
	if err != nil {
		log.Fatal(err)
	}
	for step := 1; step <= 3; step++ {
		m.Write(rundir.StepRecord{Kind: rundir.KindStep, Step: step, Epoch: 1, Loss: 1.0 / float64(step), LR: 0.1, TimeS: 0.01 * float64(step)})
		w := rundir.FromFloat32("fc.weight", []int{1, 2}, []float32{float32(step), -1})
		if err := d.WriteWeights(step, []rundir.Tensor{w}, nil); err != nil {
			log.Fatal(err)
		}
	}
	if err := m.Close(); err != nil {
		log.Fatal(err)
	}

	// Later, or in another process.
	d, err = rundir.Open(d.Path)
	if err != nil {
		log.Fatal(err)
	}
	steps, _ := d.WeightSteps()
	fmt.Println("weight snapshots:", steps)
	metrics, err := d.Metrics()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("last loss:", metrics.Steps[len(metrics.Steps)-1].Loss)
	_, err = rundir.Create(d.Path, false)
	fmt.Println(err != nil)
	// Output:
	// weight snapshots: [1 2 3]
	// last loss: 0.3333333333333333
	// true
}

// Write a safetensors file that PyTorch reads with
// safetensors.torch.load_file, and read it back.
func ExampleWrite() {
	tmp, err := os.MkdirTemp("", "safetensors-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "final.safetensors")

	tensors := []rundir.Tensor{
		rundir.FromFloat32("fc1.weight", []int{2, 3}, []float32{1, 2, 3, 4, 5, 6}),
		rundir.FromFloat32("fc1.bias", []int{2}, []float32{0.5, -0.5}),
		rundir.FromInt64("step", []int{}, []int64{1000}),
	}
	if err := rundir.Write(path, tensors, map[string]string{"format": "pt"}); err != nil {
		log.Fatal(err)
	}

	f, err := rundir.Read(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range f.Tensors {
		v, _ := t.Float64s()
		fmt.Println(t.Name, t.DType, t.Shape, v)
	}
	fmt.Println(f.Metadata)
	// Output:
	// fc1.weight F32 [2 3] [1 2 3 4 5 6]
	// fc1.bias F32 [2] [0.5 -0.5]
	// step I64 [] [1000]
	// map[format:pt]
}

// Read a metrics file as typed records, in file order: each record has its
// kind and the typed record of that kind; kinds a reader does not know are
// kept with only their kind, to be skipped.
func ExampleReadRecords() {
	tmp, err := os.MkdirTemp("", "metrics-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, rundir.MetricsFile)
	os.WriteFile(path, []byte(`{"kind":"step","step":1,"epoch":1,"loss":1.5,"lr":0.1,"time_s":0.02}
{"kind":"eval","step":1,"epoch":1,"time_s":0.02,"test_loss":1.25,"test_accuracy":0.5}
{"kind":"note","text":"a kind from a later version"}
{"kind":"final","step":1,"time_s":0.03,"train_loss":1.2,"train_accuracy":0.6,"test_loss":1.25,"test_accuracy":0.5}
`), 0o644)

	recs, err := rundir.ReadRecords(path)
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range recs {
		switch {
		case r.Step != nil:
			fmt.Printf("line %d: step %d, loss %g\n", r.Line, r.Step.Step, r.Step.Loss)
		case r.Eval != nil:
			fmt.Printf("line %d: test accuracy %g after step %d\n", r.Line, r.Eval.TestAccuracy, r.Eval.Step)
		case r.Final != nil:
			fmt.Printf("line %d: final test loss %g\n", r.Line, *r.Final.TestLoss)
		default:
			fmt.Printf("line %d: skipped a %q record\n", r.Line, r.Kind)
		}
	}
	// Output:
	// line 1: step 1, loss 1.5
	// line 2: test accuracy 0.5 after step 1
	// line 3: skipped a "note" record
	// line 4: final test loss 1.25
}
