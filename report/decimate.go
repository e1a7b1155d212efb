package report

import (
	"math"
	"slices"
)

// Line series are decimated for drawing: a chart is at most a couple of
// thousand pixels wide, and a browser that draws 200,000 points per series
// gains nothing on screen and spends its memory on them.
const (
	// lineBuckets is the number of x intervals a long series is cut into.
	lineBuckets = 1000
	// maxLinePoints is the most points a series is drawn with undecimated;
	// decimation leaves at most 4 per bucket, so never more than this.
	maxLinePoints = 4 * lineBuckets
)

// decimate reduces a series to at most 4*buckets points for drawing, by
// min/max per bucket (the M4 aggregation of Jugel et al., "M4: A
// Visualization-Oriented Time Series Data Aggregation", VLDB 2014): the x
// range is cut into buckets of equal width (equal in log x on a log axis)
// and each keeps its first and last point and the points of its smallest
// and largest y, in their original order. At one bucket per pixel column
// the line drawn is the one the full series draws; the first and last
// points and the global minimum and maximum of y are always kept. Where x
// does not increase (or a log axis has x <= 0, or x is not finite) the
// buckets are runs of equally many consecutive points instead. A NaN y,
// which leaves a gap, is kept (the first of each bucket), so gaps stay
// gaps. Series of at most 4*buckets points are returned as they are; idx
// is nil then, and otherwise holds the indices of the points kept.
func decimate(x, y []float64, buckets int, logX bool) (dx, dy []float64, idx []int) {
	n := len(x)
	if n <= 4*buckets {
		return x, y, nil
	}
	pos := func(v float64) float64 {
		if logX {
			return math.Log(v)
		}
		return v
	}
	byX := true
	for i, v := range x {
		if math.IsNaN(pos(v)) || math.IsInf(pos(v), 0) || i > 0 && v < x[i-1] {
			byX = false
			break
		}
	}
	lo, hi := pos(x[0]), pos(x[n-1])
	if !(hi > lo) {
		byX = false
	}
	bucket := func(i int) int {
		if byX {
			return min(int(float64(buckets)*(pos(x[i])-lo)/(hi-lo)), buckets-1)
		}
		return i * buckets / n
	}
	for start := 0; start < n; {
		b := bucket(start)
		end := start + 1
		for end < n && bucket(end) == b {
			end++
		}
		lo, hi, gap := -1, -1, -1
		for i := start; i < end; i++ {
			switch {
			case math.IsNaN(y[i]):
				if gap < 0 {
					gap = i
				}
			case lo < 0 || y[i] < y[lo]:
				lo = i
				if hi < 0 {
					hi = i
				}
			case y[i] > y[hi]:
				hi = i
			}
		}
		keep := []int{start, end - 1}
		for _, i := range []int{lo, hi, gap} {
			if i >= 0 {
				keep = append(keep, i)
			}
		}
		slices.Sort(keep)
		for k, i := range keep {
			if k == 0 || i != keep[k-1] {
				idx = append(idx, i)
			}
		}
		start = end
	}
	dx, dy = make([]float64, len(idx)), make([]float64, len(idx))
	for k, i := range idx {
		dx[k], dy[k] = x[i], y[i]
	}
	return dx, dy, idx
}
