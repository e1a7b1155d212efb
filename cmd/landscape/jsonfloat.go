package main

import "github.com/adafisher-go/landscape/rundir"

// floats and grid write NaN and infinities as JSON null (a value outside the
// convex hull, a point not evaluated), which encoding/json refuses otherwise.
type (
	floats = rundir.Floats
	grid   = rundir.Grid
)

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
