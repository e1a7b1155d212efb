package experiment

import "math"

// transpose turns grid[i over x][j over y] into report's Z[row over y][column over x].
func transpose(g [][]float64) [][]float64 {
	if len(g) == 0 {
		return nil
	}
	out := make([][]float64, len(g[0]))
	for j := range out {
		out[j] = make([]float64, len(g))
		for i := range g {
			out[j][i] = g[i][j]
		}
	}
	return out
}

// bilinear interpolates g (g[i][j] at xs[i], ys[j], both increasing) at
// (x, y); NaN outside the grid.
func bilinear(xs, ys []float64, g [][]float64, x, y float64) float64 {
	i, ti, ok1 := locate(xs, x)
	j, tj, ok2 := locate(ys, y)
	if !ok1 || !ok2 {
		return math.NaN()
	}
	a := g[i][j]*(1-tj) + g[i][j+1]*tj
	b := g[i+1][j]*(1-tj) + g[i+1][j+1]*tj
	return a*(1-ti) + b*ti
}

// locate returns the cell [xs[i], xs[i+1]] holding x and x's fraction of
// the way across it.
func locate(xs []float64, x float64) (int, float64, bool) {
	n := len(xs)
	if n < 2 || x < xs[0] || x > xs[n-1] {
		return 0, 0, false
	}
	for i := 0; i < n-1; i++ {
		if x <= xs[i+1] {
			return i, (x - xs[i]) / (xs[i+1] - xs[i]), true
		}
	}
	return n - 2, 1, true
}
