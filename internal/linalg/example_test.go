package linalg_test

import (
	"fmt"

	"github.com/adafisher-go/landscape/internal/linalg"
)

func ExampleSymEigenvalues() {
	// The lower triangle of [[2, 1], [1, 2]]; the upper one is not read.
	a := []float64{
		2, 0,
		1, 2,
	}
	w, err := linalg.SymEigenvalues(2, a, 2)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%.6f\n", w)
	// Output: [1.000000 3.000000]
}

func ExampleSymEigen_Vectors() {
	a := []float64{
		2, 1,
		1, 2,
	}
	w, q := make([]float64, 2), make([]float64, 4)
	var s linalg.SymEigen
	if err := s.Vectors(w, q, 2, a, 2); err != nil {
		panic(err)
	}
	// Column j of q is the eigenvector of w[j], up to its sign.
	fmt.Printf("%.6f %.6f\n", w, []float64{q[0] * q[0], q[1] * q[1]})
	// Output: [1.000000 3.000000] [0.500000 0.500000]
}
