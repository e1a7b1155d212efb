package report

import (
	"fmt"
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Heatmap draws a matrix (a Kronecker factor, FFT magnitudes) as coloured
// cells, row 0 at the top. Values of both signs get a diverging colour scale
// centred on zero, values of one sign a sequential one; NaN cells are left
// empty. On the page a matrix larger than 512x512 (or MaxSide) is averaged
// over square blocks, the factor stated under the title; the PNG keeps every
// cell. The
// page holds the values as float32 (its tooltips show them to 9 significant
// digits), which keeps a page of a large matrix small.
type Heatmap struct {
	Title, Subtitle string
	// XLabel and YLabel name the columns and rows (default "column", "row");
	// ValueLabel names the values, with units.
	XLabel, YLabel, ValueLabel string
	// Values holds the rows of the matrix, all of the same length.
	Values [][]float64
	// Colormap is "" (diverging for values of both signs, sequential
	// otherwise), "gray" (black to white, as matplotlib's 'gray') or "hot"
	// (black, red, yellow, white, as matplotlib's 'hot').
	Colormap string
	// Range, when set (Range[0] < Range[1]), fixes the colour scale, so
	// that several heat maps share one (vmin and vmax).
	Range [2]float64
	// MaxSide is the most rows or columns shown on the page (0: 512): a
	// larger matrix is averaged over square blocks to fit. A browser keeps
	// every cell as a shape, some 1.6 KB each in Chromium, so a page of
	// several heat maps uses a smaller side to stay within memory.
	MaxSide int
}

var colormaps = map[string]colorScale{
	"gray": {"#000000", "#ffffff"},
	"hot":  {"#0b0000", "#ff0000", "#ffff00", "#ffffff"},
}

// colors picks the colour scale and range of the heat map for values in
// [lo, hi].
func (h Heatmap) colors(lo, hi float64) (colorScale, float64, float64) {
	if h.Range[0] < h.Range[1] {
		lo, hi = h.Range[0], h.Range[1]
	}
	scale, lo, hi := colorRange(lo, hi)
	if c, ok := colormaps[h.Colormap]; ok {
		scale = c
	}
	return scale, lo, hi
}

// maxHeatCells is the most rows or columns a heat map shows on a page.
const maxHeatCells = 512

// FigureTitle implements Figure.
func (h Heatmap) FigureTitle() string { return h.Title }

func (h Heatmap) validate() error {
	if len(h.Values) == 0 || len(h.Values[0]) == 0 {
		return fmt.Errorf("heat map %q: empty matrix", h.Title)
	}
	if _, ok := colormaps[h.Colormap]; h.Colormap != "" && !ok {
		return fmt.Errorf("heat map %q: unknown colormap %q, want gray or hot", h.Title, h.Colormap)
	}
	for i, r := range h.Values {
		if len(r) != len(h.Values[0]) {
			return fmt.Errorf("heat map %q: row %d has %d values, row 0 has %d", h.Title, i, len(r), len(h.Values[0]))
		}
	}
	return nil
}

func (h Heatmap) labels() (x, y, v string) {
	x, y, v = h.XLabel, h.YLabel, h.ValueLabel
	if x == "" {
		x = "column"
	}
	if y == "" {
		y = "row"
	}
	if v == "" {
		v = "value"
	}
	return x, y, v
}

// blockAverage averages a matrix over f x f blocks, the smallest f that
// leaves at most limit rows and columns; NaN values are left out of the
// means (a block of NaN only is NaN). It returns the averaged matrix,
// row-major, its size and f.
func blockAverage(m [][]float64, limit int) (avg []float64, rows, cols, f int) {
	r, c := len(m), len(m[0])
	f = max(1, (max(r, c)+limit-1)/limit)
	rows, cols = (r+f-1)/f, (c+f-1)/f
	avg = make([]float64, rows*cols)
	n := make([]int, rows*cols)
	for i, row := range m {
		for j, v := range row {
			if math.IsNaN(v) {
				continue
			}
			k := (i/f)*cols + j/f
			avg[k] += v
			n[k]++
		}
	}
	for k := range avg {
		if n[k] == 0 {
			avg[k] = math.NaN()
		} else {
			avg[k] /= float64(n[k])
		}
	}
	return avg, rows, cols, f
}

// colorRange returns the colour scale and range for values: diverging and
// symmetric about zero when they have both signs, sequential otherwise.
func colorRange(lo, hi float64) (colorScale, float64, float64) {
	switch {
	case lo > hi: // no finite value
		return sequential, 0, 1
	case lo < 0 && hi > 0:
		m := math.Max(-lo, hi)
		return diverging, -m, m
	case lo == hi:
		return sequential, lo - 0.5, hi + 0.5
	}
	return sequential, lo, hi
}

// continuousMap is an ECharts visualMap colouring one dimension of some
// series by a colour scale from lo to hi.
func continuousMap(scale colorScale, lo, hi float64, dim int, series []int, name string) map[string]any {
	return map[string]any{
		"type": "continuous", "min": lo, "max": hi, "dimension": dim, "seriesIndex": series,
		"calculable": true, "formatter": fnRange, "right": 8, "top": "middle", "itemHeight": 220, "text": []string{name, ""},
		"inRange": map[string]any{"color": scale.steps(9)},
	}
}

func (h Heatmap) chart() (*chartSpec, error) {
	xl, yl, vl := h.labels()
	limit := maxHeatCells
	if h.MaxSide > 0 {
		limit = h.MaxSide
	}
	avg, rows, cols, f := blockAverage(h.Values, limit)
	sub := h.Subtitle
	r, c := len(h.Values), len(h.Values[0])
	if f > 1 {
		note := fmt.Sprintf("%dx%d matrix, shown block-averaged %dx%d (each cell the mean of %dx%d values); the PNG keeps every cell", r, c, rows, cols, f, f)
		if sub != "" {
			sub += "\n"
		}
		sub += note
	}
	axis := func(n int) []string {
		l := make([]string, n)
		for i := range l {
			l[i] = strconv.Itoa(i * f)
		}
		return l
	}
	ch := charts.NewHeatMap()
	ch.SetGlobalOptions(frame(h.Title, sub, "item")...)
	ch.SetGlobalOptions(
		charts.WithXAxisOpts(opts.XAxis{Type: "category", Name: xl, NameLocation: "middle", NameGap: 28, Data: axis(cols)}),
		charts.WithYAxisOpts(opts.YAxis{Type: "category", Name: yl, NameLocation: "middle", NameGap: 50, Data: axis(rows), Inverse: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(false)}),
		zoom(true),
	)
	ch.AddSeries(vl, nil)
	option, err := optionOf(ch)
	if err != nil {
		return nil, err
	}
	patchSeries(option, 0, map[string]any{"progressive": 0, "emphasis": map[string]any{"disabled": true}})
	// At most about 16 labels on each axis (ECharts' own choice lets the
	// row labels overlap).
	for _, a := range []struct {
		key string
		n   int
	}{{"xAxis", cols}, {"yAxis", rows}} {
		ax := option[a.key].([]any)[0].(map[string]any)
		ax["axisLabel"] = map[string]any{"interval": (a.n+15)/16 - 1}
		ax["axisTick"] = map[string]any{"alignWithLabel": true, "interval": (a.n+15)/16 - 1}
	}
	lo, hi := extent(avg)
	scale, lo, hi := h.colors(lo, hi)
	option["visualMap"] = []any{continuousMap(scale, lo, hi, 2, []int{0}, vl)}
	option["grid"] = map[string]any{"top": gridTop + 14*(countLines(sub)-1), "bottom": gridBottom, "left": gridLeft, "right": 150}
	g := newGrid(rows, cols, avg, true)
	if f > 1 {
		g.Block, g.Full = f, [2]int{r, c}
	}
	return &chartSpec{
		Option: option,
		Tables: []*table{{Name: vl, Columns: []string{xl, yl, vl}, Grid: g}},
		Binds:  []bind{{Series: 0, Table: 0, As: "heat"}},
		Height: heightSquare + 60,
	}, nil
}

// countLines returns the number of lines of s (at least 1).
func countLines(s string) int {
	n := 1
	for _, r := range s {
		if r == '\n' {
			n++
		}
	}
	return n
}
