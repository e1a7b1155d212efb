package report

import (
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"
)

func (h Histogram) plot() (*pngFigure, error) {
	p := newPlot(h.Title, h.Subtitle, h.XLabel, h.ylabel())
	edges, counts := h.bins()
	for i, s := range h.Series {
		var bins []plotter.HistogramBin
		for k, n := range counts[i] {
			bins = append(bins, plotter.HistogramBin{Min: edges[k], Max: edges[k+1], Weight: n})
		}
		col := mustHex(h.color(i))
		hist := &plotter.Histogram{Bins: bins, Width: edges[1] - edges[0], FillColor: withAlpha(col, 0.6), LineStyle: draw.LineStyle{Color: col, Width: 0.5}, LogY: h.LogY}
		p.Add(hist)
		p.Legend.Add(s.Name, hist)
	}
	if h.LogY {
		logAxis(&p.Y)
	}
	return &pngFigure{plot: p, w: pngWidth, h: pngHeight}, nil
}
