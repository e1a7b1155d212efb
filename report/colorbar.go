package report

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// colorBar is the colour scale of a PNG figure that colours by value: a
// continuous scale, or levels discrete bands.
type colorBar struct {
	scale    colorScale
	min, max float64
	levels   int
	label    string
}

// colorOf returns the colour of value v.
func (b *colorBar) colorOf(v float64) color.NRGBA {
	t := 0.5
	if b.max > b.min {
		t = (v - b.min) / (b.max - b.min)
	}
	if b.levels > 0 {
		i := int(t * float64(b.levels))
		i = min(max(i, 0), b.levels-1)
		return b.scale.at(float64(i) / float64(max(b.levels-1, 1)))
	}
	return b.scale.at(t)
}

// draw draws the bar into c, its height matched to the plot area of main.
func (b *colorBar) draw(c draw.Canvas, main *plot.Plot) {
	p := plot.New()
	p.HideX()
	p.X.Min, p.X.Max = 0, 1
	p.Y.Min, p.Y.Max = b.min, b.max
	if p.Y.Max <= p.Y.Min {
		p.Y.Max = p.Y.Min + 1
	}
	p.Y.Label.Text = b.label
	p.Add(barFill{b})
	top := main.Title.TextStyle.Height(main.Title.Text) + main.Title.Padding + vg.Points(4)
	c = draw.Crop(c, vg.Points(8), -vg.Points(28), vg.Points(42), -top)
	p.Draw(c)
}

// barFill paints the scale over the bar's plot area.
type barFill struct{ b *colorBar }

func (f barFill) Plot(c draw.Canvas, p *plot.Plot) {
	_, trY := p.Transforms(&c)
	n := f.b.levels
	if n == 0 {
		n = 128
	}
	for i := range n {
		y0 := f.b.min + (f.b.max-f.b.min)*float64(i)/float64(n)
		y1 := f.b.min + (f.b.max-f.b.min)*float64(i+1)/float64(n)
		col := f.b.colorOf((y0 + y1) / 2)
		lo, hi := trY(y0), trY(y1)
		if f.b.levels == 0 {
			hi += vg.Points(0.5) // no hairline gaps between the steps of a gradient
		}
		c.FillPolygon(col, []vg.Point{{X: c.Min.X, Y: lo}, {X: c.Max.X, Y: lo}, {X: c.Max.X, Y: hi}, {X: c.Min.X, Y: hi}})
	}
}
