package landscape_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/trajectory"
)

// The probes work on any symmetric operator; here an explicit matrix with
// eigenvalues 4, -3, 1 and 0.5.
func ExampleTopEigen() {
	a := mat.NewSymDense(4, []float64{
		4, 0, 0, 0,
		0, -1, 2, 0,
		0, 2, -1, 0,
		0, 0, 0, 0.5,
	})
	op := landscape.MatrixOperator{A: a}
	e, err := landscape.TopEigen(op, 2, 1000, 1e-12, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		panic(err)
	}
	fmt.Printf("largest in magnitude: %.6f %.6f\n", e.Values[0], e.Values[1])
	// Hutchinson's estimate is exact for a diagonal matrix: every
	// Rademacher sample v^T D v is the trace.
	d := landscape.MatrixOperator{A: mat.NewDiagDense(3, []float64{1, 2, 3})}
	s, _ := landscape.Trace(d, 10, 0, rand.New(rand.NewPCG(3, 4)))
	fmt.Println("trace", landscape.Mean(s), "from", len(s), "samples")
	// Output:
	// largest in magnitude: 4.000000 -3.000000
	// trace 6 from 10 samples
}

// The curvature of a model's loss as an operator: the generalised
// Gauss-Newton matrix of the iris mlp's last layer, positive semidefinite.
func ExampleNewCurvature() {
	d, _, err := data.Load("iris", data.Options{Standardize: true})
	if err != nil {
		panic(err)
	}
	m, err := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{16}, Classes: 3, Seed: 3})
	if err != nil {
		panic(err)
	}
	ggn, err := landscape.NewCurvature(m, d, landscape.CurvatureOptions{Kind: landscape.GaussNewton, Layer: "fc2"})
	if err != nil {
		panic(err)
	}
	q, err := landscape.Density(ggn, ggn.Dim(), 1, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		panic(err)
	}
	smallest := q.Nodes[0][0]
	for _, x := range q.Nodes[0] {
		smallest = min(smallest, x)
	}
	fmt.Println(ggn.Dim(), "parameters:", ggn.Params())
	fmt.Println("smallest eigenvalue >= -1e-12:", smallest >= -1e-12)
	// Output:
	// 51 parameters: [fc2.weight fc2.bias]
	// smallest eigenvalue >= -1e-12: true
}

// The loss along a line through a model's weights, evaluated in parallel:
// here along the first weight, from -1 to 1 around its value.
func ExampleEvaluate() {
	d, _, err := data.Load("iris", data.Options{Standardize: true})
	if err != nil {
		panic(err)
	}
	build := func() (*nn.Model[float64], error) {
		return models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{16}, Classes: 3, Seed: 3})
	}
	m, _ := build()
	centre := landscape.Flatten(m)
	dir := make([]float64, len(centre))
	dir[0] = 1
	line := landscape.Grid{Plane: trajectory.Plane{Centre: centre, D1: dir}, Alphas: trajectory.Linspace(-1, 1, 3)}
	loss, err := landscape.Evaluate(context.Background(), landscape.EvalConfig{Grid: line, Build: build, Template: m, Data: d})
	if err != nil {
		panic(err)
	}
	centreLoss, _, _ := landscape.Loss(m, d)
	fmt.Println(len(loss), "points; the middle one is the model's loss:", loss[1][0] == centreLoss)
	// Output:
	// 3 points; the middle one is the model's loss: true
}
