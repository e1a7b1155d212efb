package report

import (
	"fmt"
	"slices"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Contour draws a function on a grid as filled bands between equally spaced
// levels, with the isolines between them and trajectories drawn over it (a
// loss surface on the plane of two principal components, say). Cells where
// Z is NaN (outside the convex hull of interpolated data) are left empty.
// On the page neighbouring cells of a row that fall in one band are drawn as
// one rectangle (the same picture with far fewer objects for the browser);
// the downloads hold every value.
type Contour struct {
	Title, Subtitle string
	// XLabel, YLabel and ZLabel name the axes and the values, with units.
	XLabel, YLabel, ZLabel string
	// X and Y are the grid coordinates, increasing; Z[i][j] is the value at
	// (X[j], Y[i]).
	X, Y []float64
	Z    [][]float64
	// Levels is the number of bands (12 when 0).
	Levels int
	Paths  []Path
	// Equal gives both axes the same scale.
	Equal bool
}

// FigureTitle implements Figure.
func (c Contour) FigureTitle() string { return c.Title }

func (c Contour) validate() error {
	if err := validateGrid(c.Title, c.X, c.Y, c.Z); err != nil {
		return err
	}
	if c.Levels < 0 {
		return fmt.Errorf("contour %q: %d levels", c.Title, c.Levels)
	}
	return validatePaths(c.Title, c.Paths, false)
}

// validateGrid checks that z is len(y) rows of len(x) values over
// increasing coordinates.
func validateGrid(title string, x, y []float64, z [][]float64) error {
	if len(x) < 2 || len(y) < 2 {
		return fmt.Errorf("%q: a grid of %d x %d points, want at least 2 x 2", title, len(x), len(y))
	}
	if len(z) != len(y) {
		return fmt.Errorf("%q: %d rows of values for %d y coordinates", title, len(z), len(y))
	}
	for i, r := range z {
		if len(r) != len(x) {
			return fmt.Errorf("%q: row %d has %d values for %d x coordinates", title, i, len(r), len(x))
		}
	}
	for _, v := range [][]float64{x, y} {
		for i := 1; i < len(v); i++ {
			if !(v[i] > v[i-1]) {
				return fmt.Errorf("%q: grid coordinates must increase (%g after %g)", title, v[i], v[i-1])
			}
		}
	}
	return nil
}

// levels returns the band boundaries: Levels+1 values from the smallest to
// the largest finite value of Z.
func (c Contour) levels() []float64 {
	n := c.Levels
	if n == 0 {
		n = 12
	}
	lo, hi := extent(c.Z...)
	if lo > hi {
		lo, hi = 0, 1
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	ls := make([]float64, n+1)
	for i := range ls {
		ls[i] = lo + (hi-lo)*float64(i)/float64(n)
	}
	return ls
}

func flatten(z [][]float64) []float64 {
	out := make([]float64, 0, len(z)*len(z[0]))
	for _, r := range z {
		out = append(out, r...)
	}
	return out
}

func (c Contour) chart() (*chartSpec, error) {
	nameAxes(&c.XLabel, &c.YLabel, &c.ZLabel)
	ch := charts.NewScatter()
	ch.SetGlobalOptions(frame(c.Title, c.Subtitle, "item")...)
	ch.SetGlobalOptions(charts.WithXAxisOpts(xValueAxis(c.XLabel, false)), charts.WithYAxisOpts(yValueAxis(c.YLabel, false)), zoom(true))
	g := newGrid(len(c.Y), len(c.X), flatten(c.Z), false)
	g.X, g.Y = c.X, c.Y
	spec := &chartSpec{Height: heightSquare + 40}
	spec.Tables = append(spec.Tables, &table{Name: c.ZLabel, Columns: []string{c.XLabel, c.YLabel, c.ZLabel}, Grid: g})
	ls := c.levels()
	segs := isolines(c.X, c.Y, c.Z, ls[1:len(ls)-1])
	sx1, sy1, sx2, sy2, sl := make([]float64, len(segs)), make([]float64, len(segs)), make([]float64, len(segs)), make([]float64, len(segs)), make([]float64, len(segs))
	for i, s := range segs {
		sx1[i], sy1[i], sx2[i], sy2[i], sl[i] = s.X1, s.Y1, s.X2, s.Y2, s.Level
	}
	// The segments' ends are drawn, not read: float32 is far finer than a
	// pixel and halves the page's share of them.
	iso := columns("isolines", []string{"x1", "y1", "x2", "y2", c.ZLabel}, sx1, sy1, sx2, sy2, sl)
	iso.Short = true
	spec.Tables = append(spec.Tables, iso)
	ch.AddSeries(c.ZLabel, nil,
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Type = "custom"; s.RenderItem = fnCells }),
		charts.WithEncodeOpts(opts.Encode{X: []int{0, 1}, Y: []int{2, 3}}))
	ch.AddSeries("isolines", nil,
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Type = "custom"; s.RenderItem = fnSegment }),
		charts.WithEncodeOpts(opts.Encode{X: []int{0, 2}, Y: []int{1, 3}}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#222222"}))
	spec.Binds = append(spec.Binds, bind{Series: 0, Table: 0, As: "cells"}, bind{Series: 1, Table: 1, As: "rows"})
	patches := addPaths(ch, spec, c.Paths, c.XLabel, c.YLabel, true)
	option, err := optionOf(ch)
	if err != nil {
		return nil, err
	}
	patchSeries(option, 0, map[string]any{"z": 1, "clip": true, "progressive": 0})
	patchSeries(option, 1, map[string]any{"z": 2, "clip": true, "silent": true, "progressive": 0})
	for i, p := range patches {
		patchSeries(option, i+2, p)
	}
	colors := sequential.steps(len(ls) - 1)
	pieces := make([]any, len(ls)-1)
	for i := range pieces {
		pieces[i] = map[string]any{"gte": ls[i], "lt": ls[i+1], "color": colors[i]}
	}
	pieces[len(pieces)-1].(map[string]any)["lte"] = ls[len(ls)-1]
	delete(pieces[len(pieces)-1].(map[string]any), "lt")
	slices.Reverse(pieces) // the highest band at the top of the legend
	option["visualMap"] = []any{map[string]any{
		"type": "piecewise", "dimension": 4, "seriesIndex": []int{0}, "pieces": pieces, "formatter": fnRange,
		"right": 8, "top": "middle", "itemWidth": 14, "itemHeight": 10, "itemGap": 3, "textGap": 6,
	}}
	legend := []string{"isolines"}
	for _, p := range c.Paths {
		legend = append(legend, p.Name)
	}
	option["legend"].(map[string]any)["data"] = legend
	option["grid"] = map[string]any{"top": gridTop, "bottom": gridBottom, "left": gridLeft, "right": 170}
	if c.Equal {
		spec.Equal = []float64{c.X[0], c.X[len(c.X)-1], c.Y[0], c.Y[len(c.Y)-1]}
	}
	spec.Option = option
	return spec, nil
}
