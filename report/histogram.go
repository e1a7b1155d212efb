package report

import (
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Histogram counts values in equal bins shared by all its series (eigenvalues,
// weights, SNRs), the series drawn over each other.
type Histogram struct {
	Title, Subtitle string
	// XLabel names the values, with units; YLabel the counts (default
	// "count").
	XLabel, YLabel string
	// Bins is the number of bins (40 when 0).
	Bins   int
	LogY   bool
	Series []HistogramSeries
}

// HistogramSeries is one set of values; NaN and infinite values are left out.
type HistogramSeries struct {
	Name   string
	Values []float64
	// Color is "#rrggbb"; empty takes the i-th colour of the palette.
	Color string
}

// FigureTitle implements Figure.
func (h Histogram) FigureTitle() string { return h.Title }

func (h Histogram) validate() error {
	if len(h.Series) == 0 {
		return fmt.Errorf("histogram %q has no series", h.Title)
	}
	if h.Bins < 0 {
		return fmt.Errorf("histogram %q: %d bins", h.Title, h.Bins)
	}
	for _, s := range h.Series {
		if s.Color != "" {
			if _, err := parseHex(s.Color); err != nil {
				return fmt.Errorf("histogram %q: series %q: %w", h.Title, s.Name, err)
			}
		}
	}
	return nil
}

func (h Histogram) color(i int) string {
	if c := h.Series[i].Color; c != "" {
		return c
	}
	return SeriesColor(i)
}

func (h Histogram) ylabel() string {
	if h.YLabel == "" {
		return "count"
	}
	return h.YLabel
}

// bins returns the bin edges shared by all series and each series' counts.
func (h Histogram) bins() (edges []float64, counts [][]float64) {
	n := h.Bins
	if n == 0 {
		n = 40
	}
	var all [][]float64
	for _, s := range h.Series {
		all = append(all, s.Values)
	}
	lo, hi := extent(all...)
	if lo > hi {
		lo, hi = 0, 1
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	edges = make([]float64, n+1)
	for i := range edges {
		edges[i] = lo + (hi-lo)*float64(i)/float64(n)
	}
	for _, s := range h.Series {
		c := make([]float64, n)
		for _, v := range s.Values {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				continue
			}
			k := int(float64(n) * (v - lo) / (hi - lo))
			c[min(max(k, 0), n-1)]++ // the last bin is closed
		}
		counts = append(counts, c)
	}
	return edges, counts
}

func (h Histogram) chart() (*chartSpec, error) {
	c := charts.NewScatter()
	c.SetGlobalOptions(frame(h.Title, h.Subtitle, "item")...)
	c.SetGlobalOptions(charts.WithXAxisOpts(xValueAxis(h.XLabel, false)), charts.WithYAxisOpts(yValueAxis(h.ylabel(), h.LogY)), zoom(false))
	edges, counts := h.bins()
	spec := &chartSpec{Height: heightLine}
	for i, s := range h.Series {
		var from, to, n []float64
		for k, v := range counts[i] {
			if h.LogY && v == 0 {
				continue
			}
			from, to, n = append(from, edges[k]), append(to, edges[k+1]), append(n, v)
		}
		spec.Tables = append(spec.Tables, columns(s.Name, []string{"from", "to", h.ylabel()}, from, to, n))
		c.AddSeries(s.Name, nil,
			charts.WithSeriesOpts(func(ss *charts.SingleSeries) { ss.Type = "custom"; ss.RenderItem = fnBar }),
			charts.WithEncodeOpts(opts.Encode{X: []int{0, 1}, Y: []int{2}}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: h.color(i)}))
		spec.Binds = append(spec.Binds, bind{Series: i, Table: i, As: "bars"})
	}
	option, err := optionOf(c)
	if err != nil {
		return nil, err
	}
	for i := range h.Series {
		patchSeries(option, i, map[string]any{"clip": true})
	}
	if !h.LogY {
		option["yAxis"].([]any)[0].(map[string]any)["scale"] = false // counts from zero
	}
	spec.Option = option
	return spec, nil
}
