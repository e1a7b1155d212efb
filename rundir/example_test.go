package rundir_test

import (
	"encoding/binary"
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

// A crash can cut the last line of metrics.jsonl short. Readers ignore that
// line, and opening the file for writing again cuts it off, so the next
// record starts on a line of its own.
func ExampleReadMetrics() {
	tmp, err := os.MkdirTemp("", "metrics-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, rundir.MetricsFile)
	crashed := `{"kind":"step","step":1,"loss":2.5}` + "\n" + `{"kind":"step","step":2,"lo`
	if err := os.WriteFile(path, []byte(crashed), 0o644); err != nil {
		log.Fatal(err)
	}
	recs, err := rundir.ReadMetrics(path)
	fmt.Println(len(recs), "record, err", err)

	m, err := rundir.OpenMetrics(path) // on resume
	if err != nil {
		log.Fatal(err)
	}
	m.Write(map[string]any{"kind": "step", "step": 2, "loss": 2.25})
	m.Close()
	recs, _ = rundir.ReadMetrics(path)
	for _, r := range recs {
		fmt.Println(r["step"], r["loss"])
	}
	// Output:
	// 1 record, err <nil>
	// 1 2.5
	// 2 2.25
}

// Files from elsewhere are validated before any tensor is used; errors say
// what is wrong.
func ExampleDecodeBytes() {
	header := `{"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}`
	file := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	file = append(file, header...)
	file = append(file, make([]byte, 12)...) // 4 bytes short

	_, err := rundir.DecodeBytes(file)
	fmt.Println(err)
	_, err = rundir.DecodeBytes(file[:20])
	fmt.Println(err)
	f, err := rundir.DecodeBytes(append(file, 0, 0, 0x80, 0x3f))
	fmt.Println(f.Names(), err)
	// Output:
	// safetensors: decode: tensor "w": data_offsets [0 16] end beyond the 12-byte data buffer (file truncated?)
	// safetensors: decode: header length 57 but only 12 bytes follow it (file truncated?)
	// [w] <nil>
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
