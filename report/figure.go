package report

// Figure is one chart: drawn on an HTML page and, when asked, as a PNG. The
// figure kinds of this package implement it: Line, Arrows, Heatmap, Contour,
// Surface, Discs and Histogram.
type Figure interface {
	// FigureTitle returns the title the figure is shown and named by.
	FigureTitle() string
	// validate checks the values before the figure is added to a page.
	validate() error
	// chart returns the ECharts option and the data behind it.
	chart() (*chartSpec, error)
	// plot returns the figure drawn with gonum/plot.
	plot() (*pngFigure, error)
}

// chartSpec is what the page's script needs to draw one chart: the ECharts
// option (built with go-echarts), the tables of data behind it, and which
// table fills which series.
type chartSpec struct {
	Option map[string]any `json:"option"`
	Tables []*table       `json:"tables"`
	Binds  []bind         `json:"binds"`
	// Full, when set, holds the tables the downloads offer in place of
	// Tables: the data before it was decimated for drawing. The page keeps
	// it only while it fits the page's size budget (see fitFullData).
	Full []*table `json:"full,omitempty"`
	// DownloadNote, when set, is said in the JSON download (and under the
	// chart): the downloads hold what is drawn, not all of the data.
	DownloadNote string `json:"download_note,omitempty"`
	// GL is set for charts that need ECharts-GL.
	GL bool `json:"gl,omitempty"`
	// Height of the chart in CSS pixels.
	Height int `json:"height"`
	// Equal, when set, is the data extent [xmin, xmax, ymin, ymax] of a chart
	// whose axes must have the same scale (circles stay round).
	Equal []float64 `json:"equal,omitempty"`
	// Notes are shown under the chart.
	Notes []string `json:"-"`
}

// bind says how the script turns a table into the data of a series: As is
// one of "rows" (one item per row, the columns in order), "arrows" (one
// arrow from each row to the next), "heat" (a grid table as [column, row,
// value] items), "cells" (a grid table as rectangles around its points, one
// per run of cells of one band in a row),
// "surface" (a grid table as [x, y, z] items), "discs" and "bars".
type bind struct {
	Series int    `json:"series"`
	Table  int    `json:"table"`
	As     string `json:"as"`
}

// nameAxes names unnamed axes "x", "y" and "z", so that the columns of the
// data behind a chart always have names.
func nameAxes(x, y, z *string) {
	for _, a := range []struct {
		p    *string
		name string
	}{{x, "x"}, {y, "y"}, {z, "z"}} {
		if a.p != nil && *a.p == "" {
			*a.p = a.name
		}
	}
}

// Default chart heights in CSS pixels.
const (
	heightLine    = 420
	heightSquare  = 560
	heightSurface = 600
)
