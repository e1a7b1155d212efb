package landscape

import (
	"context"
	"math"
	"testing"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/trajectory"
)

func irisMLP(t *testing.T) (func() (*nn.Model[float64], error), *nn.Model[float64], *data.Dataset) {
	t.Helper()
	d, _, err := data.Load("iris", data.Options{Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	build := func() (*nn.Model[float64], error) {
		return models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{16}, Classes: 3, Seed: 3})
	}
	m, err := build()
	if err != nil {
		t.Fatal(err)
	}
	return build, m, d
}

// The grid point at the centre gives the centre's loss, and a point a step
// along a coordinate direction gives the loss of the model moved there.
func TestEvaluateCentreAndAxis(t *testing.T) {
	build, m, d := irisMLP(t)
	centre := Flatten(m)
	want, _, err := Loss(m, d)
	if err != nil {
		t.Fatal(err)
	}
	n := len(centre)
	d1, d2 := make([]float64, n), make([]float64, n)
	d1[0], d2[5] = 1, 1
	g := Grid{Plane: trajectory.Plane{Centre: centre, D1: d1, D2: d2}, Alphas: []float64{-0.5, 0, 0.5}, Betas: []float64{-1, 0, 1, 2}}
	var seen int
	grid, err := Evaluate(context.Background(), EvalConfig{Grid: g, Build: build, Template: m, Data: d, Workers: 2, Done: func(Point) { seen++ }})
	if err != nil {
		t.Fatal(err)
	}
	if seen != 12 || len(grid) != 3 || len(grid[0]) != 4 {
		t.Fatalf("%d points, grid %dx%d", seen, len(grid), len(grid[0]))
	}
	if grid[1][1] != want {
		t.Fatalf("centre loss %v, want %v", grid[1][1], want)
	}
	moved := append([]float64(nil), centre...)
	moved[0] += 0.5
	moved[5] += 2
	if err := SetFlat(m, moved); err != nil {
		t.Fatal(err)
	}
	w2, _, _ := Loss(m, d)
	if math.Abs(grid[2][3]-w2) > 0 {
		t.Fatalf("grid[2][3] = %v, want %v", grid[2][3], w2)
	}
	// Skipped points stay NaN and are not evaluated.
	seen = 0
	grid, err = Evaluate(context.Background(), EvalConfig{Grid: g, Build: build, Template: m, Data: d,
		Skip: func(i, j int) bool { return i == 0 }, Done: func(Point) { seen++ }})
	if err != nil || seen != 8 || !math.IsNaN(grid[0][2]) {
		t.Fatalf("with skip: %v, %d points, grid[0][2] = %v", err, seen, grid[0][2])
	}
}

func BenchmarkEvaluateIris51(b *testing.B) {
	d, _, _ := data.Load("iris", data.Options{Standardize: true})
	build := func() (*nn.Model[float64], error) {
		return models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{16}, Classes: 3, Seed: 3})
	}
	m, _ := build()
	c := Flatten(m)
	d1, d2 := make([]float64, len(c)), make([]float64, len(c))
	d1[0], d2[1] = 1, 1
	xs := make([]float64, 51)
	for i := range xs {
		xs[i] = -1 + 2*float64(i)/50
	}
	g := Grid{Plane: trajectory.Plane{Centre: c, D1: d1, D2: d2}, Alphas: xs, Betas: xs}
	for b.Loop() {
		if _, err := Evaluate(context.Background(), EvalConfig{Grid: g, Build: build, Template: m, Data: d}); err != nil {
			b.Fatal(err)
		}
	}
}
