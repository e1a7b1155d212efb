package report

// strided returns the indices 0, k, 2k, ... and n-1 for the smallest k that
// leaves at most limit of them (every index when n <= limit), and k.
func strided(n, limit int) ([]int, int) {
	k := 1
	if n > limit && limit > 1 {
		k = (n - 1 + limit - 2) / (limit - 1) // ceil((n-1)/(limit-1))
	}
	var idx []int
	for i := 0; i < n; i += k {
		idx = append(idx, i)
	}
	if idx[len(idx)-1] != n-1 {
		idx = append(idx, n-1)
	}
	return idx, k
}

// subsampleGrid keeps the grid lines strided picks along each axis: every
// kept value is one of the grid's own, and the grid keeps its extent (its
// first and last lines). It returns the kept coordinates and values and
// the strides along x and y.
func subsampleGrid(x, y []float64, z [][]float64, limit int) (sx, sy []float64, sz [][]float64, kx, ky int) {
	ix, kx := strided(len(x), limit)
	iy, ky := strided(len(y), limit)
	for _, j := range ix {
		sx = append(sx, x[j])
	}
	for _, i := range iy {
		sy = append(sy, y[i])
		row := make([]float64, len(ix))
		for c, j := range ix {
			row[c] = z[i][j]
		}
		sz = append(sz, row)
	}
	return sx, sy, sz, kx, ky
}
