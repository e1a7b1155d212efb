package report

import (
	"fmt"
	"math"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Arrows draws trajectories: the points of each path joined in order by
// arrows (weights projected onto two principal components, say).
type Arrows struct {
	Title, Subtitle string
	XLabel, YLabel  string
	Paths           []Path
	// Equal gives both axes the same scale.
	Equal bool
}

// Path is a trajectory: the points (X[i], Y[i]), and Z[i] on a surface, in
// order. Steps, when given, tags each point with its training step.
type Path struct {
	Name    string
	X, Y, Z []float64
	Steps   []int
	// Color is "#rrggbb"; empty takes the i-th colour of the palette.
	Color string
}

// FigureTitle implements Figure.
func (a Arrows) FigureTitle() string { return a.Title }

func (a Arrows) validate() error {
	if len(a.Paths) == 0 {
		return fmt.Errorf("arrows %q: no paths", a.Title)
	}
	return validatePaths(a.Title, a.Paths, false)
}

// validatePaths checks that every path has matching lengths (and Z when
// needZ).
func validatePaths(title string, paths []Path, needZ bool) error {
	for _, p := range paths {
		if len(p.X) != len(p.Y) || p.Z != nil && len(p.Z) != len(p.X) || p.Steps != nil && len(p.Steps) != len(p.X) {
			return fmt.Errorf("%q: path %q has %d x, %d y, %d z values and %d steps, want as many of each", title, p.Name, len(p.X), len(p.Y), len(p.Z), len(p.Steps))
		}
		if needZ && p.Z == nil && len(p.X) > 0 {
			return fmt.Errorf("%q: path %q has no z values, which a 3-D surface needs", title, p.Name)
		}
		if p.Color != "" {
			if _, err := parseHex(p.Color); err != nil {
				return fmt.Errorf("%q: path %q: %w", title, p.Name, err)
			}
		}
	}
	return nil
}

// pathColor returns the colour of the i-th path; over a colour scale
// (overlay), one that stands out against it.
func pathColor(p Path, i int, overlay bool) string {
	switch {
	case p.Color != "":
		return p.Color
	case overlay:
		return overlayColors[i%len(overlayColors)]
	}
	return SeriesColor(i)
}

// pathTable returns a path's points as a table: x, y (z) and the step.
func pathTable(p Path, xlabel, ylabel, zlabel string) *table {
	names, cols := []string{xlabel, ylabel}, [][]float64{p.X, p.Y}
	if p.Z != nil {
		names, cols = append(names, zlabel), append(cols, p.Z)
	}
	if p.Steps != nil {
		s := make([]float64, len(p.Steps))
		for i, v := range p.Steps {
			s[i] = float64(v)
		}
		names, cols = append(names, "step"), append(cols, s)
	}
	return columns(p.Name, names, cols...)
}

// addPaths adds, for every path, a series of arrows and a series of its
// points (same name, so the legend toggles both) to a 2-D chart whose
// series so far number first; it returns the series' options to patch.
func addPaths(c *charts.Scatter, spec *chartSpec, paths []Path, xlabel, ylabel string, overlay bool) []map[string]any {
	var patches []map[string]any
	for i, p := range paths {
		col := pathColor(p, i, overlay)
		t := len(spec.Tables)
		spec.Tables = append(spec.Tables, pathTable(p, xlabel, ylabel, "z"))
		n := len(c.MultiSeries)
		c.AddSeries(p.Name, nil,
			charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Type = "custom"; s.RenderItem = fnArrow }),
			charts.WithEncodeOpts(opts.Encode{X: []int{0, 2}, Y: []int{1, 3}}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: col}))
		c.AddSeries(p.Name, nil,
			charts.WithScatterChartOpts(opts.ScatterChart{Symbol: "circle", SymbolSize: 6}),
			charts.WithItemStyleOpts(opts.ItemStyle{Color: col, BorderColor: "#333", BorderWidth: 0.6}))
		spec.Binds = append(spec.Binds, bind{Series: n, Table: t, As: "arrows"}, bind{Series: n + 1, Table: t, As: "rows"})
		patches = append(patches,
			map[string]any{"silent": true, "z": 3, "clip": true, "tooltip": map[string]any{"show": false}},
			map[string]any{"z": 4, "clip": true})
	}
	return patches
}

// extent returns the range of the finite values of the slices.
func extent(vs ...[]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vs {
		for _, x := range v {
			if !math.IsNaN(x) && !math.IsInf(x, 0) {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
			}
		}
	}
	return lo, hi
}

func (a Arrows) chart() (*chartSpec, error) {
	nameAxes(&a.XLabel, &a.YLabel, nil)
	c := charts.NewScatter()
	c.SetGlobalOptions(frame(a.Title, a.Subtitle, "item")...)
	c.SetGlobalOptions(charts.WithXAxisOpts(xValueAxis(a.XLabel, false)), charts.WithYAxisOpts(yValueAxis(a.YLabel, false)), zoom(true))
	spec := &chartSpec{Height: heightSquare}
	patches := addPaths(c, spec, a.Paths, a.XLabel, a.YLabel, false)
	option, err := optionOf(c)
	if err != nil {
		return nil, err
	}
	for i, p := range patches {
		patchSeries(option, i, p)
	}
	option["grid"] = map[string]any{"top": gridTop, "bottom": gridBottom, "left": gridLeft, "right": gridRight + 30}
	if a.Equal {
		var xs, ys [][]float64
		for _, p := range a.Paths {
			xs, ys = append(xs, p.X), append(ys, p.Y)
		}
		x0, x1 := extent(xs...)
		y0, y1 := extent(ys...)
		if x0 <= x1 && y0 <= y1 {
			spec.Equal = []float64{x0, x1, y0, y1}
		}
	}
	spec.Option = option
	return spec, nil
}
