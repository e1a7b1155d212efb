package trajectory_test

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/trajectory"
)

func ExampleFitPCA() {
	// Two runs of two snapshots each, three parameters.
	runs := [][][]float64{
		{{1, 0, 1}, {-1, 0, 1}},
		{{0, 2, -1}, {0, -2, -1}},
	}
	p, err := trajectory.FitPCA(runs, trajectory.PCAOptions{K: 2})
	if err != nil {
		panic(err)
	}
	fmt.Printf("directions %.0f %.0f\n", p.Directions[0], p.Directions[1])
	fmt.Printf("share %.3f %.3f\n", p.Share[0], p.Share[1])
	fmt.Printf("run 1 coords %.0f, distances %.0f\n", p.Coords[1], p.Distance[1])
	fmt.Printf("run 0 distances %.0f\n", p.Distance[0])
	// Output:
	// directions [0 1 0] [0 0 1]
	// share 0.571 0.286
	// run 1 coords [[2 -1] [-2 -1]], distances [0 0]
	// run 0 distances [1 1]
}

func ExampleFilterNormalizedDirection() {
	weights := []trajectory.Tensor{
		{Name: "fc1.weight", Shape: []int{2, 3}, Data: []float64{3, 0, 4, 0, 1, 0}},
		{Name: "fc1.bias", Shape: []int{2}, Data: []float64{0.5, -0.5}},
	}
	dir, err := trajectory.FilterNormalizedDirection(weights, trajectory.FilterNormOptions{Seed: 1})
	if err != nil {
		panic(err)
	}
	for f := 0; f < 2; f++ {
		row := dir[0].Data[3*f : 3*f+3]
		fmt.Printf("filter %d norm %.4f\n", f, math.Sqrt(row[0]*row[0]+row[1]*row[1]+row[2]*row[2]))
	}
	fmt.Println("bias direction", dir[1].Data)
	// Output:
	// filter 0 norm 5.0000
	// filter 1 norm 1.0000
	// bias direction [0 0]
}

func ExamplePlane_Point() {
	centre := []float64{1, 1, 1}
	p, _ := trajectory.NewPlane(centre, []float64{1, 0, 0}, []float64{0, 0, 2})
	buf := make([]float64, 3) // one buffer per worker, reused for every grid point
	alphas := trajectory.Linspace(-1, 1, 3)
	betas := trajectory.Linspace(-1, 1, 2)
	for k := 0; k < len(alphas)*len(betas); k++ {
		i, j := p.GridPoint(buf, alphas, betas, k)
		fmt.Println(i, j, buf)
	}
	// Output:
	// 0 0 [0 1 -1]
	// 0 1 [0 1 3]
	// 1 0 [1 1 -1]
	// 1 1 [1 1 3]
	// 2 0 [2 1 -1]
	// 2 1 [2 1 3]
}

func ExamplePlane_Coordinates() {
	// A plane with skewed directions: coordinates are least squares, not
	// dot products.
	p, _ := trajectory.NewPlane([]float64{0, 0, 0}, []float64{1, 0, 0}, []float64{1, 1, 0})
	a, b, dist := p.Coordinates([]float64{3, 2, 5})
	fmt.Println(a, b, dist)
	// Output:
	// 1 2 5
}
