package interp

// MGridAxis returns the n values of numpy.mgrid[a:b:nj] along one axis:
// i*step + a with step = (b-a)/(n-1). Unlike numpy.linspace the last value is
// not forced to b, so it may differ from b in the last bit, as numpy's does.
// n = 1 gives [a].
func MGridAxis(a, b float64, n int) []float64 {
	if n <= 0 {
		return []float64{}
	}
	step := 1.0
	if n != 1 {
		step = (b - a) / float64(n-1)
	}
	out := make([]float64, n)
	for i := range out {
		out[i] = float64(float64(i)*step) + a
	}
	return out
}

// BoundingBoxGrid returns the axes of the notebook's grid
// np.mgrid[min(x):max(x):nx*1j, min(y):max(y):ny*1j] over the bounding box
// of the points: the grid point (i, j) is (gx[i], gy[j]), and
// [CloughTocher.Grid](gx, gy) fills the matching 2-D array (first index x).
func BoundingBoxGrid(x, y []float64, nx, ny int) (gx, gy []float64) {
	if len(x) == 0 || len(y) == 0 {
		return MGridAxis(0, 0, nx), MGridAxis(0, 0, ny)
	}
	minX, maxX := x[0], x[0]
	for _, v := range x {
		minX, maxX = min(minX, v), max(maxX, v)
	}
	minY, maxY := y[0], y[0]
	for _, v := range y {
		minY, maxY = min(minY, v), max(maxY, v)
	}
	return MGridAxis(minX, maxX, nx), MGridAxis(minY, maxY, ny)
}
