package data_test

import (
	"fmt"
	"log"

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
