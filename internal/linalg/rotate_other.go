//go:build !amd64 || purego

package linalg

// rotate sets (x, y) = (c*x - s*y, s*x + c*y) element by element.
func rotate(x, y []float64, c, s float64) { rotateGo(x, y, c, s) }

// symvRow adds t*row to y and returns row . x (all of row's length).
func symvRow(row, x, y []float64, t float64) float64 { return symvRowGo(row, x, y, t) }
