package report

import (
	"fmt"
	"image/color"
	stddraw "image/draw"
	"io"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/adafisher-go/landscape/rundir"
)

// PNG figures are drawn at pngDPI; their sizes are given in pixels.
const (
	pngDPI          = 144
	pngWidth        = 1200
	pngHeight       = 780
	pngSquare       = 1000
	pngMaxDimension = 6000
	colorBarWidth   = 230 // pixels at the right of figures with a colour bar
)

// WritePNG draws the figure with gonum/plot into a PNG file at path.
func WritePNG(f Figure, path string) error {
	if err := f.validate(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	pf, err := f.plot()
	if err != nil {
		return fmt.Errorf("report: %s: %w", f.FigureTitle(), err)
	}
	err = rundir.WriteFileAtomic(path, pf.writePNG)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// pngFigure is a figure drawn with gonum/plot: a plot, with a colour bar at
// its right for figures that colour by value, w x h pixels.
type pngFigure struct {
	plot *plot.Plot
	bar  *colorBar
	w, h int
	// raster is a matrix painted pixel by pixel into the plot area after
	// the plot is drawn, so that no resampling blends its cells.
	raster *rasterLayer
}

// rasterLayer is a matrix drawn as an image: its plotter records where the
// plot area fell, and the matrix is painted there, nearest cell per pixel.
type rasterLayer struct {
	m    [][]float64
	bar  *colorBar
	rect vg.Rectangle // in the canvas' coordinates, set when the plot is drawn
	set  bool
}

// paint fills the pixels of the layer's rectangle with the colours of the
// cells they fall in (row 0 at the top); NaN cells are left as drawn.
func (l *rasterLayer) paint(img stddraw.Image, dpi float64) {
	if !l.set {
		return
	}
	h := img.Bounds().Dy()
	px := func(v vg.Length) float64 { return float64(v) / 72 * dpi }
	x0, x1 := px(l.rect.Min.X), px(l.rect.Max.X)
	y0, y1 := float64(h)-px(l.rect.Max.Y), float64(h)-px(l.rect.Min.Y) // top, bottom in pixels
	rows, cols := len(l.m), len(l.m[0])
	for y := int(math.Ceil(y0 - 0.5)); float64(y)+0.5 < y1; y++ {
		i := int((float64(y) + 0.5 - y0) / (y1 - y0) * float64(rows))
		if i < 0 || i >= rows {
			continue
		}
		for x := int(math.Ceil(x0 - 0.5)); float64(x)+0.5 < x1; x++ {
			j := int((float64(x) + 0.5 - x0) / (x1 - x0) * float64(cols))
			if j < 0 || j >= cols || !finite(l.m[i][j], false) {
				continue
			}
			img.Set(x, y, l.bar.colorOf(l.m[i][j]))
		}
	}
}

// writePNG renders the figure as PNG.
func (f *pngFigure) writePNG(out io.Writer) (err error) {
	defer func() {
		// gonum/plot panics on some degenerate data (a log axis over no
		// positive value, say); report it as an error instead.
		if r := recover(); r != nil {
			err = fmt.Errorf("draw: %v", r)
		}
	}()
	inch := func(n int) vg.Length { return vg.Length(float64(n)/pngDPI) * vg.Inch }
	c := vgimg.NewWith(vgimg.UseWH(inch(f.w), inch(f.h)), vgimg.UseDPI(pngDPI), vgimg.UseBackgroundColor(color.White))
	dc := draw.New(c)
	if f.bar != nil {
		barWidth := inch(colorBarWidth)
		f.bar.draw(draw.Crop(dc, dc.Max.X-dc.Min.X-barWidth, 0, 0, 0), f.plot)
		dc = draw.Crop(dc, 0, -barWidth, 0, 0)
	}
	f.plot.Draw(dc)
	if f.raster != nil {
		f.raster.paint(c.Image(), c.DPI())
	}
	_, err = vgimg.PngCanvas{Canvas: c}.WriteTo(out)
	return err
}

// newPlot returns a plot with a title (and subtitle under it), axis labels
// and a grid.
func newPlot(title, subtitle, xlabel, ylabel string) *plot.Plot {
	p := basePlot(title, subtitle, xlabel, ylabel)
	grid := plotter.NewGrid()
	grid.Vertical.Color = color.Gray{Y: 225}
	grid.Horizontal.Color = color.Gray{Y: 225}
	p.Add(grid)
	return p
}

// basePlot returns a plot with a title (and subtitle under it) and axis
// labels.
func basePlot(title, subtitle, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	if subtitle != "" {
		p.Title.Text += "\n" + subtitle
	}
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	return p
}

// logAxis makes an axis logarithmic.
func logAxis(a *plot.Axis) {
	a.Scale = plot.LogScale{}
	a.Tick.Marker = logTicks{}
}

// logTicks are gonum's logarithmic ticks with labels of at most 4
// significant digits, so that 1e-4 does not read 9.999999999999999e-05.
type logTicks struct{}

func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.LogTicks{Prec: -1}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'g', 4, 64)
		}
	}
	return ts
}

// finite reports whether v is a number that can be drawn on the axis.
func finite(v float64, log bool) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!log || v > 0)
}

// equalRanges gives both axes of a square plot the same span around the data
// extent, so that circles stay round.
func equalRanges(p *plot.Plot, xmin, xmax, ymin, ymax float64) {
	span := math.Max(xmax-xmin, ymax-ymin) * 1.08
	if span == 0 || math.IsNaN(span) {
		span = 1
	}
	cx, cy := (xmin+xmax)/2, (ymin+ymax)/2
	p.X.Min, p.X.Max = cx-span/2, cx+span/2
	p.Y.Min, p.Y.Max = cy-span/2, cy+span/2
}

// dashes is the dash pattern of dashed lines.
var dashes = []vg.Length{vg.Points(5), vg.Points(3)}
