//go:build amd64 && !purego

package linalg

import "github.com/adafisher-go/landscape/internal/gemm"

//go:noescape
func rotateAVX2(x, y *float64, n int, c, s float64)

var haveAVX2 = gemm.HasAVX2FMA()

// rotate sets (x, y) = (c*x - s*y, s*x + c*y) element by element.
func rotate(x, y []float64, c, s float64) {
	y = y[:len(x)]
	i := 0
	if haveAVX2 && len(x) >= 8 {
		i = len(x) &^ 7
		rotateAVX2(&x[0], &y[0], i, c, s)
	}
	rotateGo(x[i:], y[i:], c, s)
}

//go:noescape
func symvRowAVX2(row, x, y *float64, n int, t float64) float64

// symvRow adds t*row to y and returns row . x (all of row's length).
func symvRow(row, x, y []float64, t float64) float64 {
	x, y = x[:len(row)], y[:len(row)]
	i := 0
	var dot float64
	if haveAVX2 && len(row) >= 8 {
		i = len(row) &^ 7
		dot = symvRowAVX2(&row[0], &x[0], &y[0], i, t)
	}
	return dot + symvRowGo(row[i:], x[i:], y[i:], t)
}
