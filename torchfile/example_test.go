package torchfile_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/adafisher-go/landscape/torchfile"
)

// Read the state_dict of a checkpoint PyTorch saved as
// {"state_dict": {"module.fc1.weight": ...}, "epoch": 3}.
func ExampleLoadStateDict() {
	ts, err := torchfile.LoadStateDict("../testdata/torch/iris_mlp_wrapped.pt")
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range ts {
		fmt.Println(t.Name, t.DType, t.Shape)
	}
	// Output:
	// fc1.weight float32 [16 4]
	// fc1.bias float32 [16]
	// fc2.weight float32 [3 16]
	// fc2.bias float32 [3]
}

// Check a checkpoint against the names and shapes a model expects.
func ExampleMatch() {
	ts, err := torchfile.LoadStateDict("../testdata/torch/iris_mlp.pt")
	if err != nil {
		log.Fatal(err)
	}
	_, err = torchfile.Match(ts, []torchfile.Want{
		{Name: "fc1.weight", Shape: []int{16, 4}},
		{Name: "fc1.bias", Shape: []int{16}},
		{Name: "fc2.weight", Shape: []int{2, 16}},
		{Name: "fc3.weight", Shape: []int{2, 2}},
	})
	var e *torchfile.MismatchError
	if errors.As(err, &e) {
		fmt.Println(err)
	}
	// Output:
	// error(s) in loading state_dict:
	// 	missing key(s) in state_dict: "fc3.weight"
	// 	unexpected key(s) in state_dict: "fc2.bias"
	// 	size mismatch for fc2.weight: copying a tensor with shape [3 16] from the file, the shape in the model is [2 16]
}

// Read the official analysis dumps, pairing H and S of the same layer, and
// as the notebooks' layer_index pairs them.
func ExampleReadDumps() {
	for _, p := range []torchfile.Pairing{torchfile.PairLayer, torchfile.PairReference} {
		d, err := torchfile.ReadDumps("../testdata/torch/dumps", p)
		if err != nil {
			log.Fatal(err)
		}
		s := d.Steps[1]
		fmt.Printf("%s, step %d:\n", p, s.Step)
		for _, l := range s.Layers {
			fmt.Printf("  %s: H %v, S %v\n", l.Name(p), l.H.Shape, l.S.Shape)
		}
	}
	// Output:
	// layer, step 50:
	//   00.Conv2d: H [9 9], S [2 2]
	//   01.BatchNorm2d: H [2 2], S [2 2]
	//   02.Linear: H [32 32], S [5 5]
	//   03.Linear: H [5 5], S [3 3]
	// reference, step 50:
	//   #0 H=00.Conv2d S=03.Linear: H [9 9], S [3 3]
	//   #1 H=01.BatchNorm2d S=02.Linear: H [2 2], S [5 5]
	//   #2 H=02.Linear S=01.BatchNorm2d: H [32 32], S [2 2]
	//   #3 H=03.Linear S=00.Conv2d: H [5 5], S [2 2]
}
