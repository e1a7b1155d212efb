package data_test

import (
	"bytes"
	"fmt"
	"log"
	"strings"

	"github.com/adafisher-go/landscape/data"
)

func ExampleLoad() {
	train, test, err := data.Load("iris", data.Options{Standardize: true, TestFraction: 0.2, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("train:", train.Len(), "samples of shape", train.Shape, "in", train.Classes, "classes")
	fmt.Println("test: ", test.Len(), "samples")
	fmt.Println("features:", train.FeatureNames)

	b, err := data.NewBatcher(train, 32, true, 1)
	if err != nil {
		log.Fatal(err)
	}
	var x []float64
	var y []int
	for i := range b.StepsPerEpoch() {
		x, y = b.Batch(0, i, x, y)
		fmt.Printf("batch %d: %d samples, %d values\n", i, len(y), len(x))
	}
	// Output:
	// train: 120 samples of shape [4] in 3 classes
	// test:  30 samples
	// features: [sepal_length sepal_width petal_length petal_width]
	// batch 0: 32 samples, 128 values
	// batch 1: 32 samples, 128 values
	// batch 2: 32 samples, 128 values
	// batch 3: 24 samples, 96 values
}

// A CSV table of features with the class label last; errors name the source
// and the line.
func ExampleReadCSV() {
	table := "width,height,label\n1.0,2.0,0\n3.5,1.5,2\n"
	d, err := data.ReadCSV(strings.NewReader(table), "shapes.csv", true)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(d.Len(), "samples,", d.Classes, "classes, features", d.FeatureNames)
	fmt.Println("x:", d.X, "y:", d.Y)

	_, err = data.ReadCSV(strings.NewReader("width,height,label\n1.0,2.0,0\n3.5,x,2\n"), "shapes.csv", true)
	fmt.Println(err)
	// Output:
	// 2 samples, 3 classes, features [width height]
	// x: [1 2 3.5 1.5] y: [0 2]
	// shapes.csv: line 3: column 2 ("height"): "x" is not a number
}

// MNIST-style IDX files: an images file and a labels file, either of them
// gzip-compressed or not.
func ExampleReadIDX() {
	images := []byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 255, 51, 102} // 2 images of 1x2 pixels
	labels := []byte{0, 0, 8, 1, 0, 0, 0, 2, 7, 3}                                    // 2 labels
	d, err := data.ReadIDX(bytes.NewReader(images), bytes.NewReader(labels))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("shape", d.Shape, "x", d.X, "y", d.Y, "classes", d.Classes)
	// Output:
	// shape [1 1 2] x [0 1 0.2 0.4] y [7 3] classes 8
}

// Standardise with the training split's statistics, as scikit-learn's
// StandardScaler; the same scaler then applies to the test split.
func ExampleFitScaler() {
	train := &data.Dataset{X: []float64{1, 10, 3, 10, 5, 10}, Shape: []int{2}, Y: []int{0, 1, 0}, Classes: 2}
	s := data.FitScaler(train)
	fmt.Printf("mean %v, scale %.4f\n", s.Mean, s.Scale)
	s.Apply(train)
	fmt.Printf("%.4f\n", train.X)
	// Output:
	// mean [3 10], scale [1.6330 1.0000]
	// [-1.2247 0.0000 0.0000 0.0000 1.2247 0.0000]
}

// An epoch's order depends only on the seed and the epoch, so a resumed run
// shuffles as an uninterrupted one.
func ExamplePermutation() {
	fmt.Println(data.Permutation(6, 1, 0))
	fmt.Println(data.Permutation(6, 1, 1))
	fmt.Println(data.Permutation(6, 1, 0))
	// Output:
	// [1 4 0 5 3 2]
	// [1 4 3 2 5 0]
	// [1 4 0 5 3 2]
}
