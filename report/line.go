package report

import (
	"fmt"

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

// Series is one line: Y[i] at X[i]. NaN values leave a gap. On a page a
// series of more than 4000 points is drawn decimated (see the package
// documentation); the chart says so under it.
type Series struct {
	Name string
	X, Y []float64
	// Color is "#rrggbb"; empty takes the i-th colour of the palette.
	Color string
	// Dashed draws a dashed line; Markers marks every point (unless the
	// chart has more than 5000 points to mark, which it then says).
	Dashed, Markers bool
}

// maxMarkers is the most points a line chart marks, over all its series:
// a browser draws every marker as an element of its own, in memory of its
// own, and more marks than this overlap on a chart's width anyway.
const maxMarkers = 5000

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
	decimated := false
	markers := 0
	for _, s := range l.Series {
		if s.Markers {
			markers += min(len(s.X), maxLinePoints)
		}
	}
	if markers > maxMarkers {
		spec.Notes = append(spec.Notes, fmt.Sprintf("Markers are left out: %d points are too many to mark one by one (a browser draws each as an object of its own).", markers))
	}
	for i, s := range l.Series {
		s.Markers = s.Markers && markers <= maxMarkers
		style := opts.LineStyle{Color: l.color(i), Width: 1.6}
		if s.Dashed {
			style.Type = "dashed"
		}
		c.AddSeries(s.Name, nil,
			charts.WithLineChartOpts(opts.LineChart{ShowSymbol: opts.Bool(s.Markers), Symbol: "circle", SymbolSize: 5}),
			charts.WithLineStyleOpts(style),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: l.color(i)}),
		)
		x, y, idx := decimate(s.X, s.Y, lineBuckets, l.LogX)
		if idx != nil {
			spec.Notes = append(spec.Notes, fmt.Sprintf("%s: %d points drawn as %d (the first, last, smallest and largest of each of %d equal x intervals: the line on screen is the same)", s.Name, len(s.X), len(x), lineBuckets))
		}
		spec.Tables = append(spec.Tables, columns(s.Name, []string{l.XLabel, l.YLabel}, x, y))
		spec.Binds = append(spec.Binds, bind{Series: i, Table: i, As: "rows"})
		spec.Full = append(spec.Full, columns(s.Name, []string{l.XLabel, l.YLabel}, s.X, s.Y))
		decimated = decimated || idx != nil
	}
	if !decimated {
		spec.Full = nil
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
