package interp

import "slices"

// hilbertSort orders the point indices along a Hilbert curve over the
// points' bounding box (16 bits per axis). Inserting in this order keeps
// each walk of the incremental triangulation short.
func hilbertSort(x, y []float64, order []int32) {
	if len(order) < 3 {
		return
	}
	minX, maxX := x[order[0]], x[order[0]]
	minY, maxY := y[order[0]], y[order[0]]
	for _, i := range order {
		minX, maxX = min(minX, x[i]), max(maxX, x[i])
		minY, maxY = min(minY, y[i]), max(maxY, y[i])
	}
	const side = 1 << 16
	sx, sy := 0.0, 0.0
	if maxX > minX {
		sx = (side - 1) / (maxX - minX)
	}
	if maxY > minY {
		sy = (side - 1) / (maxY - minY)
	}
	type keyed struct {
		key uint64
		i   int32
	}
	ks := make([]keyed, len(order))
	for k, i := range order {
		qx := uint32((x[i] - minX) * sx)
		qy := uint32((y[i] - minY) * sy)
		ks[k] = keyed{hilbertIndex(side, qx, qy), i}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return int(a.i - b.i)
	})
	for k := range ks {
		order[k] = ks[k].i
	}
}

// hilbertIndex maps (x, y) in [0, n)^2, n a power of two, to its distance
// along the Hilbert curve.
func hilbertIndex(n uint32, x, y uint32) uint64 {
	var d uint64
	for s := n / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x = n - 1 - x
				y = n - 1 - y
			}
			x, y = y, x
		}
	}
	return d
}
