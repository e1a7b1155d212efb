package report

import (
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Line is a line chart of one or several series against a common x axis
// (a step, an epoch, wall-clock seconds), on linear or logarithmic axes.
type Line struct {
	Title, Subtitle string
	// XLabel and YLabel name the axes, with units: "wall-clock time (s)".
	XLabel, YLabel string
	LogX, LogY     bool
	Series         []Series
}

// Series is one line: Y[i] at X[i]. NaN values leave a gap.
type Series struct {
	Name string
	X, Y []float64
	// Color is "#rrggbb"; empty takes the i-th colour of the palette.
	Color string
	// Dashed draws a dashed line; Markers marks every point.
	Dashed, Markers bool
}

// maxLinePoints is the most points a series keeps on a page; longer series
// show every k-th point (and the last), and the chart says so.
const maxLinePoints = 20000

// FigureTitle implements Figure.
func (l Line) FigureTitle() string { return l.Title }

func (l Line) validate() error {
	if len(l.Series) == 0 {
		return fmt.Errorf("line chart %q has no series", l.Title)
	}
	for _, s := range l.Series {
		if len(s.X) != len(s.Y) {
			return fmt.Errorf("line chart %q: series %q has %d x values and %d y values", l.Title, s.Name, len(s.X), len(s.Y))
		}
		if s.Color != "" {
			if _, err := parseHex(s.Color); err != nil {
				return fmt.Errorf("line chart %q: series %q: %w", l.Title, s.Name, err)
			}
		}
	}
	return nil
}

// color returns the colour of the i-th series.
func (l Line) color(i int) string {
	if c := l.Series[i].Color; c != "" {
		return c
	}
	return SeriesColor(i)
}

func (l Line) chart() (*chartSpec, error) {
	nameAxes(&l.XLabel, &l.YLabel, nil)
	c := charts.NewLine()
	c.SetGlobalOptions(frame(l.Title, l.Subtitle, "axis")...)
	c.SetGlobalOptions(
		charts.WithXAxisOpts(xValueAxis(l.XLabel, l.LogX)),
		charts.WithYAxisOpts(yValueAxis(l.YLabel, l.LogY)),
		zoom(false),
	)
	spec := &chartSpec{Height: heightLine}
	for i, s := range l.Series {
		style := opts.LineStyle{Color: l.color(i), Width: 1.6}
		if s.Dashed {
			style.Type = "dashed"
		}
		c.AddSeries(s.Name, nil,
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(s.Markers), Symbol: "circle", SymbolSize: 5}),
			charts.WithLineStyleOpts(style),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: l.color(i)}),
		)
		x, y, k := thin(s.X, s.Y, maxLinePoints)
		if k > 1 {
			spec.Notes = append(spec.Notes, fmt.Sprintf("%s: every %d-th of %d points shown", s.Name, k, len(s.X)))
		}
		spec.Tables = append(spec.Tables, columns(s.Name, []string{l.XLabel, l.YLabel}, x, y))
		spec.Binds = append(spec.Binds, bind{Series: i, Table: i, As: "rows"})
	}
	option, err := optionOf(c)
	if err != nil {
		return nil, err
	}
	for i := range l.Series {
		patchSeries(option, i, map[string]any{"connectNulls": false, "sampling": "none"})
	}
	spec.Option = option
	return spec, nil
}

// thin keeps every k-th point of a long series, and the last, so that at
// most about limit points remain; it returns k (1 for none dropped).
func thin(x, y []float64, limit int) ([]float64, []float64, int) {
	if len(x) <= limit {
		return x, y, 1
	}
	k := int(math.Ceil(float64(len(x)) / float64(limit)))
	var tx, ty []float64
	for i := 0; i < len(x); i += k {
		tx, ty = append(tx, x[i]), append(ty, y[i])
	}
	if (len(x)-1)%k != 0 {
		tx, ty = append(tx, x[len(x)-1]), append(ty, y[len(y)-1])
	}
	return tx, ty, k
}
