package report

import (
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Surface draws a function on a grid as a 3-D surface, coloured by height,
// with 3-D trajectories on it (each path's Z is its height: the loss along a
// training run, say). Points where Z is NaN leave a hole. The page can be
// turned and zoomed with the mouse; the PNG is one fixed view.
type Surface struct {
	Title, Subtitle string
	// XLabel, YLabel and ZLabel name the axes, with units.
	XLabel, YLabel, ZLabel string
	// X and Y are the grid coordinates, increasing; Z[i][j] is the height
	// at (X[j], Y[i]).
	X, Y  []float64
	Z     [][]float64
	Paths []Path
}

// maxSurfaceLines is the most grid lines along each axis the 3-D view of a
// surface draws: at a chart's size more lines are closer than a few pixels
// apart, and each costs the browser vertices and wireframe lines. Larger
// grids are subsampled (every k-th line and the last), not averaged, so that
// every point drawn is a value of the function.
const maxSurfaceLines = 101

// FigureTitle implements Figure.
func (s Surface) FigureTitle() string { return s.Title }

func (s Surface) validate() error {
	if err := validateGrid(s.Title, s.X, s.Y, s.Z); err != nil {
		return err
	}
	return validatePaths(s.Title, s.Paths, true)
}

func (s Surface) chart() (*chartSpec, error) {
	nameAxes(&s.XLabel, &s.YLabel, &s.ZLabel)
	c := charts.NewSurface3D()
	// ECharts-GL draws text into textures; without a generous line height
	// it cuts the tops of the letters off.
	label := func(size int) map[string]any { return map[string]any{"fontSize": size, "lineHeight": 2*size + 4} }
	axis := func(name string) map[string]any {
		return map[string]any{"type": "value", "name": name, "nameTextStyle": label(14),
			"axisLabel":   map[string]any{"formatter": string(fnTick), "textStyle": label(13)},
			"axisPointer": map[string]any{"label": map[string]any{"textStyle": label(13)}}}
	}
	c.SetGlobalOptions(
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: s.Title, Subtitle: s.Subtitle, Left: "center", Top: "5"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: fnItemTooltip}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Top: "52", Left: "center"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "10", Top: "5", Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "save as image"},
		}}),
		charts.WithGrid3DOpts(opts.Grid3D{BoxWidth: 100, BoxDepth: 100, BoxHeight: 70}),
	)
	spec := &chartSpec{Height: heightSurface, GL: true}
	gridTable := func(x, y []float64, z [][]float64) *table {
		g := newGrid(len(y), len(x), flatten(z), false)
		g.X, g.Y = x, y
		return &table{Name: s.ZLabel, Columns: []string{s.XLabel, s.YLabel, s.ZLabel}, Grid: g}
	}
	x, y, z, kx, ky := subsampleGrid(s.X, s.Y, s.Z, maxSurfaceLines)
	spec.Tables = append(spec.Tables, gridTable(x, y, z))
	if kx > 1 || ky > 1 {
		spec.Notes = append(spec.Notes, fmt.Sprintf("The 3-D view draws every %d-th of the %d x grid lines and every %d-th of the %d y grid lines, and the last of each (%d x %d points, each the function's value there); the downloads hold all %d x %d points.",
			kx, len(s.X), ky, len(s.Y), len(x), len(y), len(s.X), len(s.Y)))
		spec.Full = append(spec.Full, gridTable(s.X, s.Y, s.Z))
	}
	// go-echarts' Surface3D.AddSeries makes a scatter3D series; the type is
	// set to surface below.
	c.AddSeries(s.ZLabel, nil)
	spec.Binds = append(spec.Binds, bind{Series: 0, Table: 0, As: "surface"})
	for i, p := range s.Paths {
		t := len(spec.Tables)
		spec.Tables = append(spec.Tables, pathTable(p, s.XLabel, s.YLabel, s.ZLabel))
		if spec.Full != nil {
			spec.Full = append(spec.Full, spec.Tables[t])
		}
		n := len(c.MultiSeries)
		c.AddSeries(p.Name, nil, charts.WithItemStyleOpts(opts.ItemStyle{Color: pathColor(p, i, true)}))
		c.AddSeries(p.Name, nil, charts.WithItemStyleOpts(opts.ItemStyle{Color: pathColor(p, i, true)}))
		spec.Binds = append(spec.Binds, bind{Series: n, Table: t, As: "rows"}, bind{Series: n + 1, Table: t, As: "rows"})
	}
	option, err := optionOf(c)
	if err != nil {
		return nil, err
	}
	patchSeries(option, 0, map[string]any{
		"type": "surface", "shading": "color",
		"wireframe":  map[string]any{"show": true, "lineStyle": map[string]any{"color": "rgba(0,0,0,0.18)", "width": 1}},
		"itemStyle":  map[string]any{"opacity": 0.92},
		"emphasis":   map[string]any{"itemStyle": map[string]any{"color": "#ffd400"}},
		"dimensions": []string{s.XLabel, s.YLabel, s.ZLabel},
	})
	for i, p := range s.Paths {
		col := pathColor(p, i, true)
		patchSeries(option, 1+2*i, map[string]any{"type": "line3D", "silent": true,
			"lineStyle": map[string]any{"width": 4, "color": col, "opacity": 1}})
		patchSeries(option, 2+2*i, map[string]any{"type": "scatter3D", "symbolSize": 7,
			"itemStyle": map[string]any{"color": col}})
	}
	lo, hi := extent(s.Z...)
	scale, lo, hi := sequential, lo, hi
	if lo > hi {
		lo, hi = 0, 1
	}
	option["visualMap"] = []any{continuousMap(scale, lo, hi, 2, []int{0}, s.ZLabel)}
	option["xAxis3D"], option["yAxis3D"], option["zAxis3D"] = axis(s.XLabel), axis(s.YLabel), axis(s.ZLabel)
	option["grid3D"].(map[string]any)["viewControl"] = map[string]any{"distance": 210, "alpha": 28, "beta": 35}
	option["grid3D"].(map[string]any)["axisLabel"] = map[string]any{"textStyle": label(13)}
	spec.Option = option
	return spec, nil
}
