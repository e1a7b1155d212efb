package interp_test

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/interp"
)

func ExampleDelaunay() {
	// The unit square and its centre: four triangles around the centre.
	x := []float64{0, 1, 1, 0, 0.5}
	y := []float64{0, 0, 1, 1, 0.5}
	tr, err := interp.Delaunay(x, y)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(tr.Triangles), "triangles")
	hull := 0
	for _, nb := range tr.Neighbors {
		for _, n := range nb {
			if n == -1 {
				hull++
			}
		}
	}
	fmt.Println(hull, "hull edges")
	// Output:
	// 4 triangles
	// 4 hull edges
}

func ExampleNewCloughTocher() {
	// Loss values recorded at scattered weights, as in the notebook.
	w1 := []float64{0.2, 0.5, 0.9, 0.4, 0.8, 0.6}
	w2 := []float64{0.2, 0.1, 0.3, 0.7, 0.8, 0.45}
	loss := []float64{1.05, 0.95, 0.80, 0.90, 0.70, 0.85}
	ct, err := interp.NewCloughTocher(w1, w2, loss)
	if err != nil {
		panic(err)
	}
	fmt.Printf("at a data point: %.2f\n", ct.At(0.6, 0.45))
	fmt.Println("outside the hull:", ct.At(0, 1))
	// The notebook's grid: np.mgrid over the bounding box, 200 x 200.
	gx, gy := interp.BoundingBoxGrid(w1, w2, 200, 200)
	grid := ct.Grid(gx, gy) // grid[i][j] at (gx[i], gy[j])
	inside := 0
	for i := range grid {
		for j := range grid[i] {
			if !math.IsNaN(grid[i][j]) {
				inside++
			}
		}
	}
	fmt.Println(len(grid), len(grid[0]), inside > 20000)
	// Output:
	// at a data point: 0.85
	// outside the hull: NaN
	// 200 200 true
}
