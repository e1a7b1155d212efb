package report

import (
	"math"
	"strings"
	"testing"
)

func TestBlockAverage(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name             string
		m                [][]float64
		limit            int
		want             []float64
		rows, cols, fact int
	}{
		{"small is kept", [][]float64{{1, 2}, {3, 4}}, 2, []float64{1, 2, 3, 4}, 2, 2, 1},
		{"2x2 blocks", [][]float64{{1, 2, 3, 4}, {5, 6, 7, 8}}, 2, []float64{3.5, 5.5}, 1, 2, 2},
		{"ragged edge", [][]float64{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}, 2, []float64{3, 4.5, 7.5, 9}, 2, 2, 2},
		{"NaN left out", [][]float64{{nan, 2}, {4, nan}}, 1, []float64{3}, 1, 1, 2},
		{"all NaN", [][]float64{{nan, nan}, {nan, nan}}, 1, []float64{nan}, 1, 1, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, r, k, f := blockAverage(c.m, c.limit)
			if r != c.rows || k != c.cols || f != c.fact {
				t.Fatalf("%dx%d by %d, want %dx%d by %d", r, k, f, c.rows, c.cols, c.fact)
			}
			for i := range got {
				if !(got[i] == c.want[i] || math.IsNaN(got[i]) && math.IsNaN(c.want[i])) {
					t.Errorf("got %v, want %v", got, c.want)
					break
				}
			}
		})
	}
}

// A matrix over 512x512 is shown averaged, and says so; one at the limit is not.
func TestHeatmapFactorInSubtitle(t *testing.T) {
	cases := []struct {
		n      int
		factor int
		note   string
	}{
		{512, 1, ""},
		{513, 2, "block-averaged 257x257"},
		{2000, 4, "shown block-averaged 500x500 (each cell the mean of 4x4 values)"},
	}
	for _, c := range cases {
		m := make([][]float64, c.n)
		for i := range m {
			m[i] = make([]float64, c.n)
		}
		spec, err := Heatmap{Title: "m", Values: m}.chart()
		if err != nil {
			t.Fatal(err)
		}
		g := spec.Tables[0].Grid
		if max(g.Block, 1) != c.factor || g.Rows != (c.n+c.factor-1)/c.factor {
			t.Errorf("%d: block %d, %d rows; want factor %d", c.n, g.Block, g.Rows, c.factor)
		}
		sub, _ := spec.Option["title"].(map[string]any)["subtext"].(string)
		if c.note != "" && !strings.Contains(sub, c.note) || c.note == "" && strings.Contains(sub, "averaged") {
			t.Errorf("%d: subtitle %q, want it to say %q", c.n, sub, c.note)
		}
	}
}

// MaxSide lowers the size shown on the page; the values stay whole for the
// PNG.
func TestHeatmapMaxSide(t *testing.T) {
	m := make([][]float64, 600)
	for i := range m {
		m[i] = make([]float64, 600)
		for j := range m[i] {
			m[i][j] = float64(i*600 + j)
		}
	}
	h := Heatmap{Title: "m", Values: m, MaxSide: 256}
	spec, err := h.chart()
	if err != nil {
		t.Fatal(err)
	}
	g := spec.Tables[0].Grid
	if g.Block != 3 || g.Rows != 200 || g.Cols != 200 || len(h.Values) != 600 {
		t.Errorf("block %d, %dx%d shown", g.Block, g.Rows, g.Cols)
	}
	sub, _ := spec.Option["title"].(map[string]any)["subtext"].(string)
	if !strings.Contains(sub, "block-averaged 200x200") {
		t.Errorf("subtitle %q", sub)
	}
}
