package report

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// coordGrid presents z on the grid x, y to gonum/plot.
type coordGrid struct {
	x, y []float64
	z    [][]float64
}

func (g coordGrid) Dims() (c, r int)   { return len(g.x), len(g.y) }
func (g coordGrid) Z(c, r int) float64 { return g.z[r][c] }
func (g coordGrid) X(c int) float64    { return g.x[c] }
func (g coordGrid) Y(r int) float64    { return g.y[r] }

func (c Contour) plot() (*pngFigure, error) {
	p := newPlot(c.Title, c.Subtitle, c.XLabel, c.YLabel)
	ls := c.levels()
	n := len(ls) - 1
	bar := &colorBar{scale: sequential, min: ls[0], max: ls[n], levels: n, label: c.ZLabel}
	p.Add(bandPlotter{g: coordGrid{c.X, c.Y, c.Z}, bar: bar})
	p.Add(segmentPlotter{segs: isolines(c.X, c.Y, c.Z, ls[1:n]), color: color.NRGBA{34, 34, 34, 190}})
	if err := plotPaths(p, c.Paths, true); err != nil {
		return nil, err
	}
	p.X.Min, p.X.Max = c.X[0], c.X[len(c.X)-1]
	p.Y.Min, p.Y.Max = c.Y[0], c.Y[len(c.Y)-1]
	w, h := pngWidth+colorBarWidth, pngHeight
	if c.Equal {
		equalRanges(p, c.X[0], c.X[len(c.X)-1], c.Y[0], c.Y[len(c.Y)-1])
		w, h = pngSquare+colorBarWidth, pngSquare
	}
	return &pngFigure{plot: p, bar: bar, w: w, h: h}, nil
}

// bandPlotter draws the cells of a grid (each reaching halfway to its
// neighbours, as the page draws them) in the colours of discrete bands.
// (plotter.HeatMap maps a value to one of n colours by rounding, which puts
// band edges half a band off the levels; this takes the band a value is in.)
type bandPlotter struct {
	g   coordGrid
	bar *colorBar
}

// cellEdges returns the edges of the cell around v[i]: halfway to its
// neighbours, and as far out at the ends.
func cellEdges(v []float64, i int) (lo, hi float64) {
	if i > 0 {
		lo = (v[i-1] + v[i]) / 2
	} else {
		lo = v[0] - (v[1]-v[0])/2
	}
	if i+1 < len(v) {
		hi = (v[i] + v[i+1]) / 2
	} else {
		hi = v[i] + (v[i]-v[i-1])/2
	}
	return lo, hi
}

func (bp bandPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	// Each cell overlaps its neighbours a little, so that no seam of
	// background shows between them.
	const overlap = vg.Length(0.35)
	g := bp.g
	trX, trY := p.Transforms(&c)
	for row := range g.y {
		y0, y1 := cellEdges(g.y, row)
		for col := range g.x {
			z := g.z[row][col]
			if !finite(z, false) {
				continue
			}
			x0, x1 := cellEdges(g.x, col)
			l, r, b, t := trX(x0)-overlap, trX(x1)+overlap, trY(y0)-overlap, trY(y1)+overlap
			pts := c.ClipPolygonXY([]vg.Point{{X: l, Y: b}, {X: r, Y: b}, {X: r, Y: t}, {X: l, Y: t}})
			if len(pts) > 0 {
				c.FillPolygon(bp.bar.colorOf(z), pts)
			}
		}
	}
}

// DataRange implements plot.DataRanger.
func (bp bandPlotter) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, _ = cellEdges(bp.g.x, 0)
	_, xmax = cellEdges(bp.g.x, len(bp.g.x)-1)
	ymin, _ = cellEdges(bp.g.y, 0)
	_, ymax = cellEdges(bp.g.y, len(bp.g.y)-1)
	return xmin, xmax, ymin, ymax
}

// segmentPlotter draws isoline segments.
type segmentPlotter struct {
	segs  []segment
	color color.Color
}

func (s segmentPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	style := draw.LineStyle{Color: s.color, Width: vg.Points(0.6)}
	for _, g := range s.segs {
		c.StrokeLines(style, c.ClipLinesXY([]vg.Point{{X: trX(g.X1), Y: trY(g.Y1)}, {X: trX(g.X2), Y: trY(g.Y2)}})...)
	}
}
