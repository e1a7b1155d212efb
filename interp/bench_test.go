package interp

import (
	"math"
	"testing"
)

func BenchmarkDelaunayRandom10k(b *testing.B) {
	x, y := randomPoints(10000, 1)
	b.ResetTimer()
	for range b.N {
		if _, err := Delaunay(x, y); err != nil {
			b.Fatal(err)
		}
	}
}

// A 100x100 regular grid: every square is cocircular, so most in-circle
// tests take the exact path.
func BenchmarkDelaunayGrid100(b *testing.B) {
	var x, y []float64
	for i := 0; i < 100; i++ {
		for j := 0; j < 100; j++ {
			x = append(x, float64(i)*0.01)
			y = append(y, float64(j)*0.01)
		}
	}
	b.ResetTimer()
	for range b.N {
		if _, err := Delaunay(x, y); err != nil {
			b.Fatal(err)
		}
	}
}

// The notebook's surface: 100 points (5 optimizers x 20 epochs), 200x200
// grid over their bounding box, triangulation and gradients included.
func BenchmarkCloughTocherNotebookGrid(b *testing.B) {
	g := loadGolden(b)
	s := g.Sets["spiral"]
	b.ResetTimer()
	for range b.N {
		ct, err := NewCloughTocher(s.X, s.Y, s.Values)
		if err != nil {
			b.Fatal(err)
		}
		gx, gy := BoundingBoxGrid(s.X, s.Y, 200, 200)
		grid := ct.Grid(gx, gy)
		if math.IsNaN(grid[100][100]) && math.IsNaN(grid[0][0]) && math.IsNaN(grid[199][199]) {
			b.Fatal("all NaN")
		}
	}
}
