package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot/plotter"
)

// Band is a line chart whose lines carry a shaded band: the mean of
// repeated runs with mean ± std around it, say.
type Band struct {
	Title, Subtitle string
	XLabel, YLabel  string
	LogX, LogY      bool
	Series          []BandSeries
}

// BandSeries is a line (drawn as a Line's series) and the band from Lo to
// Hi at each X. A NaN bound leaves the band out at that point.
type BandSeries struct {
	Series
	Lo, Hi []float64
	// BandName names the band in the legend; empty: the line's name, so
	// that one legend entry shows and hides both.
	BandName string
}

// FigureTitle implements Figure.
func (b Band) FigureTitle() string { return b.Title }

func (b Band) line() Line {
	l := Line{Title: b.Title, Subtitle: b.Subtitle, XLabel: b.XLabel, YLabel: b.YLabel, LogX: b.LogX, LogY: b.LogY}
	for _, s := range b.Series {
		l.Series = append(l.Series, s.Series)
	}
	return l
}

func (b Band) validate() error {
	if err := b.line().validate(); err != nil {
		return err
	}
	for _, s := range b.Series {
		if len(s.Lo) != len(s.X) || len(s.Hi) != len(s.X) {
			return fmt.Errorf("band chart %q: series %q has %d x values and bounds of %d and %d", b.Title, s.Name, len(s.X), len(s.Lo), len(s.Hi))
		}
		for i := range s.Lo {
			if s.Lo[i] > s.Hi[i] {
				return fmt.Errorf("band chart %q: series %q: at x = %v the band runs from %v down to %v", b.Title, s.Name, s.X[i], s.Lo[i], s.Hi[i])
			}
		}
	}
	return nil
}

func (s BandSeries) bandName() string {
	if s.BandName != "" {
		return s.BandName
	}
	return s.Name
}

// chart draws the lines as Line does, then each band as two series stacked
// on each other: the lower bound, invisible, and the width Hi - Lo filled
// (ECharts fills between stacked lines only).
func (b Band) chart() (*chartSpec, error) {
	l := b.line()
	nameAxes(&l.XLabel, &l.YLabel, nil)
	spec, err := l.chart()
	if err != nil {
		return nil, err
	}
	list := spec.Option["series"].([]any)
	for i, s := range b.Series {
		width := make([]float64, len(s.Lo))
		for k := range s.Lo {
			width[k] = s.Hi[k] - s.Lo[k]
		}
		stack := fmt.Sprintf("band%d", i)
		color := l.color(i)
		for j, part := range []struct {
			y    []float64
			col  string
			fill map[string]any
		}{{s.Lo, l.YLabel + " (band low)", nil}, {width, "band width (high - low)", map[string]any{"color": color, "opacity": 0.18}}} {
			ser := map[string]any{"type": "line", "name": s.bandName(), "stack": stack, "symbol": "none", "connectNulls": false, "sampling": "none",
				"lineStyle": map[string]any{"opacity": 0}, "itemStyle": map[string]any{"color": color}, "z": 1}
			if j == 1 {
				ser["areaStyle"] = part.fill
			}
			list = append(list, ser)
			spec.Tables = append(spec.Tables, columns(s.bandName(), []string{l.XLabel, part.col}, s.X, part.y))
			spec.Binds = append(spec.Binds, bind{Series: len(list) - 1, Table: len(spec.Tables) - 1, As: "rows"})
		}
	}
	spec.Option["series"] = list
	return spec, nil
}

// plot draws the bands as translucent polygons under the lines.
func (b Band) plot() (*pngFigure, error) {
	f, err := b.line().plot()
	if err != nil {
		return nil, err
	}
	l := b.line()
	for i, s := range b.Series {
		// One polygon per run of points with both bounds drawable.
		var run []int
		flush := func() error {
			if len(run) < 2 {
				run = run[:0]
				return nil
			}
			var pts plotter.XYs
			for _, k := range run {
				pts = append(pts, plotter.XY{X: s.X[k], Y: s.Hi[k]})
			}
			for j := len(run) - 1; j >= 0; j-- {
				pts = append(pts, plotter.XY{X: s.X[run[j]], Y: s.Lo[run[j]]})
			}
			poly, err := plotter.NewPolygon(pts)
			if err != nil {
				return err
			}
			c := mustHex(l.color(i))
			c.A = 46
			poly.Color, poly.LineStyle.Width = c, 0
			f.plot.Add(poly)
			run = run[:0]
			return nil
		}
		for k := range s.X {
			if finite(s.X[k], b.LogX) && finite(s.Lo[k], b.LogY) && finite(s.Hi[k], b.LogY) && !math.IsNaN(s.Y[k]) {
				run = append(run, k)
				continue
			}
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if err := flush(); err != nil {
			return nil, err
		}
	}
	return f, nil
}
