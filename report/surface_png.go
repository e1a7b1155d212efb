package report

import (
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// The fixed view of a surface in its PNG: turned by viewAzimuth about the
// vertical and seen from viewElevation above the horizontal, the corner of
// largest x and smallest y nearest, as the page starts (ECharts-GL's beta
// 35, alpha 28).
const (
	viewAzimuth   = -35 * math.Pi / 180
	viewElevation = 28 * math.Pi / 180
	boxHeight     = 0.7 // half the height of the box, the width being 1
)

// projector maps grid coordinates to the plane of the picture.
type projector struct {
	x0, x1, y0, y1, z0, z1 float64
}

// project returns the picture coordinates of (x, y, z) and its depth
// (larger is farther from the viewer).
func (p projector) project(x, y, z float64) (sx, sy, depth float64) {
	xn := 2*(x-p.x0)/(p.x1-p.x0) - 1
	yn := 2*(y-p.y0)/(p.y1-p.y0) - 1
	zn := boxHeight * (2*(z-p.z0)/(p.z1-p.z0) - 1)
	xr := xn*math.Cos(viewAzimuth) - yn*math.Sin(viewAzimuth)
	yr := xn*math.Sin(viewAzimuth) + yn*math.Cos(viewAzimuth)
	return xr, zn*math.Cos(viewElevation) + yr*math.Sin(viewElevation), yr*math.Cos(viewElevation) - zn*math.Sin(viewElevation)
}

func (s Surface) plot() (*pngFigure, error) {
	p := basePlot(s.Title, s.Subtitle, "", "")
	p.HideAxes()
	lo, hi := extent(s.Z...)
	if lo > hi {
		lo, hi = 0, 1
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	pr := projector{s.X[0], s.X[len(s.X)-1], s.Y[0], s.Y[len(s.Y)-1], lo, hi}
	bar := &colorBar{scale: sequential, min: lo, max: hi, label: s.ZLabel}
	p.Add(surfacePlotter{s: s, pr: pr, bar: bar, style: p.X.Label.TextStyle})
	for i, q := range s.Paths {
		p.Legend.Add(q.Name, legendSwatch(mustHex(pathColor(q, i, true))))
	}
	// The picture spans at most sqrt(2) across and about 1.5 high.
	p.X.Min, p.X.Max = -1.6, 1.6
	p.Y.Min, p.Y.Max = -1.45, 1.45
	return &pngFigure{plot: p, bar: bar, w: pngSquare + colorBarWidth, h: pngSquare - 80}, nil
}

// legendSwatch is a legend entry: a short thick line.
type legendSwatch color.NRGBA

func (l legendSwatch) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	c.StrokeLine2(draw.LineStyle{Color: color.NRGBA(l), Width: vg.Points(2.5)}, c.Min.X, y, c.Max.X, y)
}

// surfacePlotter draws the surface's cells far to near, its paths over them,
// and the axes of its box.
type surfacePlotter struct {
	s     Surface
	pr    projector
	bar   *colorBar
	style text.Style
}

func (sp surfacePlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	pt := func(x, y, z float64) (vg.Point, float64) {
		sx, sy, d := sp.pr.project(x, y, z)
		return vg.Point{X: trX(sx), Y: trY(sy)}, d
	}
	s, pr := sp.s, sp.pr
	sp.drawFloor(c, pt)
	type quad struct {
		pts   []vg.Point
		depth float64
		col   color.Color
	}
	var quads []quad
	for i := 0; i+1 < len(s.Y); i++ {
		for j := 0; j+1 < len(s.X); j++ {
			zs := [4]float64{s.Z[i][j], s.Z[i][j+1], s.Z[i+1][j+1], s.Z[i+1][j]}
			xs := [4]float64{s.X[j], s.X[j+1], s.X[j+1], s.X[j]}
			ys := [4]float64{s.Y[i], s.Y[i], s.Y[i+1], s.Y[i+1]}
			q := quad{}
			mean := 0.0
			ok := true
			for k := range 4 {
				if !finite(zs[k], false) {
					ok = false
					break
				}
				v, d := pt(xs[k], ys[k], zs[k])
				q.pts = append(q.pts, v)
				q.depth += d / 4
				mean += zs[k] / 4
			}
			if ok {
				q.col = sp.bar.colorOf(mean)
				quads = append(quads, q)
			}
		}
	}
	slices.SortFunc(quads, func(a, b quad) int { return -cmpFloat(a.depth, b.depth) })
	edge := draw.LineStyle{Color: color.NRGBA{0, 0, 0, 40}, Width: vg.Points(0.3)}
	for _, q := range quads {
		c.FillPolygon(q.col, q.pts)
		c.StrokeLines(edge, append(q.pts, q.pts[0]))
	}
	for i, path := range s.Paths {
		col := mustHex(pathColor(path, i, true))
		var line []vg.Point
		for k := range path.X {
			if !finite(path.X[k], false) || !finite(path.Y[k], false) || !finite(path.Z[k], false) {
				continue
			}
			v, _ := pt(path.X[k], path.Y[k], path.Z[k]+(pr.z1-pr.z0)*0.01)
			line = append(line, v)
		}
		if len(line) > 1 {
			c.StrokeLines(draw.LineStyle{Color: col, Width: vg.Points(2)}, line)
		}
		for _, v := range line {
			c.DrawGlyph(draw.GlyphStyle{Color: col, Radius: vg.Points(2.2), Shape: draw.CircleGlyph{}}, v)
		}
	}
	sp.drawLabels(c, pt)
}

// drawFloor draws the floor of the box and its vertical axis.
func (sp surfacePlotter) drawFloor(c draw.Canvas, pt func(x, y, z float64) (vg.Point, float64)) {
	bottom, top := sp.verticalAxis(pt)
	line := draw.LineStyle{Color: color.Gray{Y: 150}, Width: vg.Points(0.7)}
	pr := sp.pr
	var floor []vg.Point
	for _, k := range [][2]float64{{pr.x0, pr.y0}, {pr.x1, pr.y0}, {pr.x1, pr.y1}, {pr.x0, pr.y1}} {
		v, _ := pt(k[0], k[1], pr.z0)
		floor = append(floor, v)
	}
	c.StrokeLines(line, append(floor, floor[0]))
	c.StrokeLine2(line, bottom.X, bottom.Y, top.X, top.Y)
}

// verticalAxis returns the ends of the vertical axis, which stands at the
// corner of the floor farthest from the viewer.
func (sp surfacePlotter) verticalAxis(pt func(x, y, z float64) (vg.Point, float64)) (bottom, top vg.Point) {
	pr := sp.pr
	far, farDepth := [2]float64{}, math.Inf(-1)
	for _, k := range [][2]float64{{pr.x0, pr.y0}, {pr.x1, pr.y0}, {pr.x1, pr.y1}, {pr.x0, pr.y1}} {
		if _, d := pt(k[0], k[1], pr.z0); d > farDepth {
			far, farDepth = k, d
		}
	}
	bottom, _ = pt(far[0], far[1], pr.z0)
	top, _ = pt(far[0], far[1], pr.z1)
	return bottom, top
}

// drawLabels names the three axes and writes their end values.
func (sp surfacePlotter) drawLabels(c draw.Canvas, pt func(x, y, z float64) (vg.Point, float64)) {
	pr := sp.pr
	_, top := sp.verticalAxis(pt)
	st := sp.style
	st.Font.Size = vg.Points(10)
	label := func(at vg.Point, xalign, yalign float64, s string) {
		st.XAlign, st.YAlign = text.XAlignment(xalign), text.YAlignment(yalign)
		c.FillText(st, at, s)
	}
	label(top, -0.5, 0, sp.s.ZLabel+" from "+tickLabel(pr.z0)+" to "+tickLabel(pr.z1))
	a, _ := pt((pr.x0+pr.x1)/2, pr.y0, pr.z0)
	label(vg.Point{X: a.X, Y: a.Y - vg.Points(6)}, -0.5, -1, sp.s.XLabel)
	b, _ := pt(pr.x1, (pr.y0+pr.y1)/2, pr.z0)
	label(vg.Point{X: b.X + vg.Points(6), Y: b.Y - vg.Points(6)}, 0, -1, sp.s.YLabel)
	for _, k := range [][3]float64{{pr.x0, pr.y0, 0}, {pr.x1, pr.y0, 0}} {
		v, _ := pt(k[0], k[1], pr.z0)
		label(vg.Point{X: v.X, Y: v.Y - vg.Points(4)}, -0.5, -1, tickLabel(k[0]))
	}
	v, _ := pt(pr.x1, pr.y1, pr.z0)
	label(vg.Point{X: v.X + vg.Points(4), Y: v.Y}, 0, -0.5, tickLabel(pr.y1))
}

// DataRange implements plot.DataRanger: the picture's fixed frame.
func (sp surfacePlotter) DataRange() (xmin, xmax, ymin, ymax float64) { return -1.6, 1.6, -1.45, 1.45 }

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
