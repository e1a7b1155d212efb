package report

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func (a Arrows) plot() (*pngFigure, error) {
	p := newPlot(a.Title, a.Subtitle, a.XLabel, a.YLabel)
	if err := plotPaths(p, a.Paths, false); err != nil {
		return nil, err
	}
	w, h := pngWidth, pngHeight
	if a.Equal {
		var xs, ys [][]float64
		for _, q := range a.Paths {
			xs, ys = append(xs, q.X), append(ys, q.Y)
		}
		x0, x1 := extent(xs...)
		y0, y1 := extent(ys...)
		if x0 <= x1 && y0 <= y1 {
			equalRanges(p, x0, x1, y0, y1)
		}
		w, h = pngSquare, pngSquare
	}
	return &pngFigure{plot: p, w: w, h: h}, nil
}

// plotPaths draws every path as arrows between its points, and its points.
func plotPaths(p *plot.Plot, paths []Path, overlay bool) error {
	for i, q := range paths {
		var pts plotter.XYs
		for k := range q.X {
			if finite(q.X[k], false) && finite(q.Y[k], false) {
				pts = append(pts, plotter.XY{X: q.X[k], Y: q.Y[k]})
			}
		}
		if len(pts) == 0 {
			continue
		}
		col := mustHex(pathColor(q, i, overlay))
		p.Add(arrowPlotter{pts: pts, color: col})
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.4), Shape: draw.CircleGlyph{}}
		p.Add(sc)
		p.Legend.Add(q.Name, sc)
	}
	return nil
}

// arrowPlotter draws an arrow from each point to the next.
type arrowPlotter struct {
	pts   plotter.XYs
	color color.Color
}

func (a arrowPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	style := draw.LineStyle{Color: a.color, Width: vg.Points(1.1)}
	for i := 0; i+1 < len(a.pts); i++ {
		x0, y0 := trX(a.pts[i].X), trY(a.pts[i].Y)
		x1, y1 := trX(a.pts[i+1].X), trY(a.pts[i+1].Y)
		dx, dy := float64(x1-x0), float64(y1-y0)
		l := math.Hypot(dx, dy)
		if l < 0.5 {
			continue
		}
		h := math.Min(7, 0.45*l)
		w := 0.45 * h
		ux, uy := dx/l, dy/l
		bx, by := float64(x1)-ux*h, float64(y1)-uy*h
		c.StrokeLines(style, c.ClipLinesXY([]vg.Point{{X: x0, Y: y0}, {X: vg.Length(bx), Y: vg.Length(by)}})...)
		head := []vg.Point{{X: x1, Y: y1}, {X: vg.Length(bx - uy*w), Y: vg.Length(by + ux*w)}, {X: vg.Length(bx + uy*w), Y: vg.Length(by - ux*w)}}
		if c.Contains(head[0]) {
			c.FillPolygon(a.color, head)
		}
	}
}

// DataRange implements plot.DataRanger.
func (a arrowPlotter) DataRange() (xmin, xmax, ymin, ymax float64) { return plotter.XYRange(a.pts) }
