package report

import (
	"image/color"
	"math"
	"math/cmplx"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func (d Discs) plot() (*pngFigure, error) {
	xl, yl, dn, pn := d.names()
	p := newPlot(d.Title, d.Subtitle, xl, yl)
	x0, x1, y0, y1, r0, r1 := d.bounds()
	bar := &colorBar{scale: sequential, min: r0, max: r1, label: "radius"}
	if len(d.Discs) > 0 {
		dp := discPlotter{discs: d.Discs, bar: bar}
		p.Add(dp)
		p.Legend.Add(dn, legendSwatch(sequential.at(0.5)))
	}
	var pts plotter.XYs
	for _, z := range d.Points {
		if !cmplx.IsNaN(z) && !cmplx.IsInf(z) {
			pts = append(pts, plotter.XY{X: real(z), Y: imag(z)})
		}
	}
	if len(pts) > 0 {
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return nil, err
		}
		sc.GlyphStyle = draw.GlyphStyle{Color: color.NRGBA{0xd6, 0x27, 0x28, 255}, Radius: vg.Points(3.2), Shape: draw.CrossGlyph{}}
		p.Add(sc)
		p.Legend.Add(pn, sc)
	}
	if x0 <= x1 && y0 <= y1 {
		equalRanges(p, x0, x1, y0, y1)
	}
	return &pngFigure{plot: p, bar: bar, w: pngSquare + colorBarWidth, h: pngSquare}, nil
}

// discPlotter draws discs filled in the colour of their radius.
type discPlotter struct {
	discs []Disc
	bar   *colorBar
}

func (dp discPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for _, d := range dp.discs {
		var pts []vg.Point
		for k := range 96 {
			a := 2 * math.Pi * float64(k) / 96
			pts = append(pts, vg.Point{X: trX(real(d.Center) + d.Radius*math.Cos(a)), Y: trY(imag(d.Center) + d.Radius*math.Sin(a))})
		}
		col := dp.bar.colorOf(d.Radius)
		if fill := c.ClipPolygonXY(pts); len(fill) > 0 {
			c.FillPolygon(withAlpha(col, 0.28), fill)
		}
		c.StrokeLines(draw.LineStyle{Color: col, Width: vg.Points(1)}, c.ClipLinesXY(append(pts, pts[0]))...)
	}
}

// DataRange implements plot.DataRanger.
func (dp discPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, ymin = math.Inf(1), math.Inf(1)
	xmax, ymax = math.Inf(-1), math.Inf(-1)
	for _, d := range dp.discs {
		xmin, xmax = math.Min(xmin, real(d.Center)-d.Radius), math.Max(xmax, real(d.Center)+d.Radius)
		ymin, ymax = math.Min(ymin, imag(d.Center)-d.Radius), math.Max(ymax, imag(d.Center)+d.Radius)
	}
	return
}
