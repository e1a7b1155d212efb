package report

import (
	"encoding/json"
	"fmt"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"github.com/go-echarts/go-echarts/v2/types"
)

// Names of the page script's functions that options refer to: the script
// replaces these strings by the functions before it draws a chart (so that
// the page needs no eval of option code).
const (
	fnAxisTooltip types.FuncStr = "landscape:axis"  // tooltip of charts triggered by axis
	fnItemTooltip types.FuncStr = "landscape:item"  // tooltip of one item, every value exact
	fnTick        types.FuncStr = "landscape:tick"  // axis labels with 4 significant digits
	fnRange                     = "landscape:range" // visualMap labels: a value or a range of values
	fnArrow                     = "landscape:arrow" // renderItem: an arrow from (v0,v1) to (v2,v3)
	fnCells                     = "landscape:cells" // renderItem: a rectangle [v0,v1] x [v2,v3]
	fnSegment                   = "landscape:segment"
	fnDisc                      = "landscape:disc"
	fnBar                       = "landscape:bar"
)

// echartsChart is what every go-echarts chart provides.
type echartsChart interface {
	Validate()
	JSON() map[string]any
}

// optionOf returns the chart's ECharts option as a generic JSON object, so
// that what go-echarts does not model can be added to it.
func optionOf(c echartsChart) (map[string]any, error) {
	c.Validate()
	b, err := json.Marshal(c.JSON())
	if err != nil {
		return nil, fmt.Errorf("report: encode chart option: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("report: encode chart option: %w", err)
	}
	tidyZoom(m)
	return m, nil
}

// tidyZoom places the zoom slider below the x axis name and, where the y
// axis zooms too, adds the toolbox's box zoom.
func tidyZoom(option map[string]any) {
	zs, _ := option["dataZoom"].([]any)
	for _, z := range zs {
		z := z.(map[string]any)
		if z["type"] == "slider" {
			z["height"], z["bottom"] = 18, 8
		}
		if _, ok := z["yAxisIndex"]; ok {
			if tb, ok := option["toolbox"].(map[string]any); ok {
				if f, ok := tb["feature"].(map[string]any); ok {
					f["dataZoom"] = map[string]any{"show": true, "filterMode": "none",
						"title": map[string]any{"zoom": "zoom to a box", "back": "undo zoom"}}
				}
			}
		}
	}
}

// series returns the i-th series of an option.
func series(option map[string]any, i int) map[string]any {
	return option["series"].([]any)[i].(map[string]any)
}

// patchSeries sets fields of the i-th series that go-echarts does not model.
func patchSeries(option map[string]any, i int, fields map[string]any) {
	s := series(option, i)
	for k, v := range fields {
		s[k] = v
	}
}

// Chart layout in pixels: the title and subtitle at the top, the legend
// below them, the zoom slider at the bottom.
const (
	gridTop    = 95
	gridBottom = 92
	gridLeft   = 80
	gridRight  = 60
)

// frame returns the options every 2-D chart shares: title and subtitle, a
// tooltip (trigger "axis" or "item"), the legend, the toolbox and the grid.
func frame(title, subtitle, trigger string) []charts.GlobalOpts {
	formatter := fnItemTooltip
	if trigger == "axis" {
		formatter = fnAxisTooltip
	}
	return []charts.GlobalOpts{
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{Title: title, Subtitle: subtitle, Left: "center", Top: "5"}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: trigger, Formatter: formatter, Enterable: opts.Bool(true)}),
		charts.WithLegendOpts(opts.Legend{Show: opts.Bool(true), Type: "scroll", Top: "52", Left: "center"}),
		charts.WithToolboxOpts(opts.Toolbox{Show: opts.Bool(true), Right: "10", Top: "5", Feature: &opts.ToolBoxFeature{
			SaveAsImage: &opts.ToolBoxFeatureSaveAsImage{Show: opts.Bool(true), Title: "save as image"},
			Restore:     &opts.ToolBoxFeatureRestore{Show: opts.Bool(true), Title: "reset zoom"},
		}}),
		charts.WithGridOpts(opts.Grid{Top: px(gridTop), Bottom: px(gridBottom), Left: px(gridLeft), Right: px(gridRight)}),
	}
}

func px(n int) string { return fmt.Sprint(n) }

// valueAxis returns a value (or, with log, logarithmic) axis named name.
func xValueAxis(name string, log bool) opts.XAxis {
	return opts.XAxis{Type: axisType(log), Name: name, NameLocation: "middle", NameGap: 26, Scale: opts.Bool(true),
		AxisLabel: &opts.AxisLabel{Formatter: fnTick}, SplitLine: &opts.SplitLine{Show: opts.Bool(true)},
		AxisLine: &opts.AxisLine{OnZero: opts.Bool(false)}}
}

func yValueAxis(name string, log bool) opts.YAxis {
	return opts.YAxis{Type: axisType(log), Name: name, NameLocation: "middle", NameGap: 58, Scale: opts.Bool(true),
		AxisLabel: &opts.AxisLabel{Formatter: fnTick}, SplitLine: &opts.SplitLine{Show: opts.Bool(true)},
		AxisLine: &opts.AxisLine{OnZero: opts.Bool(false)}}
}

func axisType(log bool) string {
	if log {
		return "log"
	}
	return "value"
}

// zoom returns zooming with the mouse wheel and a slider on the x axis and,
// with both, with the wheel and a box drawn in the toolbox on the y axis too.
func zoom(both bool) charts.GlobalOpts {
	zs := []opts.DataZoom{
		{Type: "inside", XAxisIndex: 0, FilterMode: "none"},
		{Type: "slider", XAxisIndex: 0, FilterMode: "none", Start: 0, End: 100},
	}
	if both {
		zs = append(zs, opts.DataZoom{Type: "inside", YAxisIndex: 0, FilterMode: "none"})
	}
	return charts.WithDataZoomOpts(zs...)
}
