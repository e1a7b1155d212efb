package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// Decimation keeps the first and last points, the global minimum and
// maximum, and the minimum and maximum of every x interval (checked against
// intervals computed here independently), in order, within 4 per interval.
func TestDecimate(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	walk := func(n int) []float64 {
		y, v := make([]float64, n), 0.0
		for i := range y {
			v += r.NormFloat64()
			y[i] = v
		}
		y[n/3] = 1e6  // a spike
		y[n/2] = -1e6 // a dip
		y[n-2] = 2e6  // beside the end
		return y
	}
	steps := func(n int, f func(i int) float64) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = f(i)
		}
		return x
	}
	cases := []struct {
		name    string
		x       []float64
		logX    bool
		byX     bool // intervals equal in x (else in index)
		pos     func(float64) float64
		buckets int
	}{
		{"steps", steps(200_000, func(i int) float64 { return float64(i + 1) }), false, true, nil, 1000},
		{"uneven time", steps(100_000, func(i int) float64 { return math.Pow(float64(i), 1.7) }), false, true, nil, 500},
		{"log x", steps(50_000, func(i int) float64 { return float64(i + 1) }), true, true, math.Log, 300},
		{"x not increasing", steps(30_000, func(i int) float64 { return math.Sin(float64(i)) }), false, false, nil, 200},
		{"log x through zero", steps(30_000, func(i int) float64 { return float64(i) }), true, false, nil, 200},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			y := walk(len(c.x))
			dx, dy, idx := decimate(c.x, y, c.buckets, c.logX)
			n := len(c.x)
			if idx == nil || len(idx) > 4*c.buckets || len(dx) != len(idx) || len(dy) != len(idx) {
				t.Fatalf("%d points kept of %d, want at most %d", len(idx), n, 4*c.buckets)
			}
			if idx[0] != 0 || idx[len(idx)-1] != n-1 {
				t.Errorf("first and last kept: %d, %d; want 0, %d", idx[0], idx[len(idx)-1], n-1)
			}
			for k, i := range idx {
				if k > 0 && i <= idx[k-1] {
					t.Fatalf("indices out of order at %d: %d after %d", k, i, idx[k-1])
				}
				if dx[k] != c.x[i] || dy[k] != y[i] {
					t.Fatalf("point %d is (%g, %g), want (%g, %g)", k, dx[k], dy[k], c.x[i], y[i])
				}
			}
			if slices.Min(dy) != slices.Min(y) || slices.Max(dy) != slices.Max(y) {
				t.Errorf("range kept [%g, %g], want [%g, %g]", slices.Min(dy), slices.Max(dy), slices.Min(y), slices.Max(y))
			}
			// Every interval's extremes are kept.
			pos := c.pos
			if pos == nil {
				pos = func(v float64) float64 { return v }
			}
			lo, hi := pos(c.x[0]), pos(c.x[n-1])
			min, max := map[int]float64{}, map[int]float64{}
			bucketOf := func(i int) int {
				if c.byX {
					return int(math.Min(math.Floor(float64(c.buckets)*(pos(c.x[i])-lo)/(hi-lo)), float64(c.buckets-1)))
				}
				return i * c.buckets / n
			}
			for i, v := range y {
				b := bucketOf(i)
				if _, ok := min[b]; !ok || v < min[b] {
					min[b] = v
				}
				if _, ok := max[b]; !ok || v > max[b] {
					max[b] = v
				}
			}
			kmin, kmax := map[int]float64{}, map[int]float64{}
			for _, i := range idx {
				b := bucketOf(i)
				if _, ok := kmin[b]; !ok || y[i] < kmin[b] {
					kmin[b] = y[i]
				}
				if _, ok := kmax[b]; !ok || y[i] > kmax[b] {
					kmax[b] = y[i]
				}
			}
			for b := range min {
				if kmin[b] != min[b] || kmax[b] != max[b] {
					t.Fatalf("interval %d: kept range [%g, %g], want [%g, %g]", b, kmin[b], kmax[b], min[b], max[b])
				}
			}
		})
	}
}

// Short series are drawn as they are; a gap (NaN) survives decimation.
func TestDecimateShortAndGaps(t *testing.T) {
	x, y := wave(4000, 0)
	if dx, _, idx := decimate(x, y, 1000, false); idx != nil || len(dx) != 4000 {
		t.Errorf("a series of 4000 points with 1000 intervals was decimated to %d", len(dx))
	}
	x, y = wave(100_000, 0)
	for i := 50_000; i < 50_010; i++ {
		y[i] = math.NaN()
	}
	_, dy, _ := decimate(x, y, 1000, false)
	if !slices.ContainsFunc(dy, math.IsNaN) {
		t.Error("the gap of 10 NaN values was lost")
	}
}

// Markers are drawn while a chart has at most maxMarkers points to mark.
func TestMarkerBudget(t *testing.T) {
	for _, c := range []struct {
		series, points int
		want           bool
	}{{10, 200, true}, {5, 1000, true}, {24, 2000, false}, {1, 100_000, true}, {2, 100_000, false}} {
		l := Line{Title: "f_min"}
		for i := range c.series {
			x, y := wave(c.points, float64(i))
			l.Series = append(l.Series, Series{Name: fmt.Sprint(i), X: x, Y: y, Markers: true})
		}
		spec, err := l.chart()
		if err != nil {
			t.Fatal(err)
		}
		for i := range l.Series {
			if got := series(spec.Option, i)["showSymbol"]; got != c.want {
				t.Errorf("%d series of %d points: series %d showSymbol %v, want %v", c.series, c.points, i, got, c.want)
			}
		}
		if noted := strings.Contains(strings.Join(spec.Notes, " "), "Markers are left out"); noted == c.want {
			t.Errorf("%d series of %d points: note of markers left out %v, want %v", c.series, c.points, noted, !c.want)
		}
	}
}
