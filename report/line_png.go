package report

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func (l Line) plot() (*pngFigure, error) {
	p := newPlot(l.Title, l.Subtitle, l.XLabel, l.YLabel)
	drawn := false
	for i, s := range l.Series {
		var pts plotter.XYs
		var lines []plotter.XYs // runs of drawable points; NaN leaves a gap
		for k := range s.X {
			if !finite(s.X[k], l.LogX) || !finite(s.Y[k], l.LogY) {
				if len(pts) > 0 {
					lines = append(lines, pts)
					pts = nil
				}
				continue
			}
			pts = append(pts, plotter.XY{X: s.X[k], Y: s.Y[k]})
		}
		if len(pts) > 0 {
			lines = append(lines, pts)
		}
		col := mustHex(l.color(i))
		var legend plot.Thumbnailer
		for _, seg := range lines {
			drawn = true
			ln, err := plotter.NewLine(seg)
			if err != nil {
				return nil, err
			}
			ln.Color = col
			ln.Width = vg.Points(1.3)
			if s.Dashed {
				ln.Dashes = dashes
			}
			p.Add(ln)
			legend = ln
			if s.Markers || len(seg) == 1 {
				sc, err := plotter.NewScatter(seg)
				if err != nil {
					return nil, err
				}
				sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.2), Shape: draw.CircleGlyph{}}
				p.Add(sc)
			}
		}
		if legend != nil {
			p.Legend.Add(s.Name, legend)
		}
	}
	// A log axis needs positive values to range over.
	if l.LogX && drawn {
		logAxis(&p.X)
	}
	if l.LogY && drawn {
		logAxis(&p.Y)
	}
	return &pngFigure{plot: p, w: pngWidth, h: pngHeight}, nil
}
