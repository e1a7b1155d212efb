package report

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

func (h Heatmap) plot() (*pngFigure, error) {
	xl, yl, vl := h.labels()
	p := newPlot(h.Title, h.Subtitle, xl, yl)
	r, c := len(h.Values), len(h.Values[0])
	p.X.Min, p.X.Max = -0.5, float64(c)-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(r)-0.5
	p.Y.Scale = plot.InvertedScale{Normalizer: plot.LinearScale{}} // row 0 at the top
	p.X.Tick.Marker, p.Y.Tick.Marker = indexTicks{}, indexTicks{}
	lo, hi := extent(h.Values...)
	scale, lo, hi := h.colors(lo, hi)
	bar := &colorBar{scale: scale, min: lo, max: hi, label: vl}
	mp := matrixPlotter{m: h.Values, bar: bar}
	if r*c > rasterCells {
		mp.raster = &rasterLayer{m: h.Values, bar: bar}
	}
	p.Add(mp)
	// Enough pixels that every cell of a large matrix keeps at least one.
	w := min(max(pngSquare+colorBarWidth, c+200+colorBarWidth), pngMaxDimension)
	ht := min(max(pngSquare, r+260), pngMaxDimension)
	return &pngFigure{plot: p, bar: bar, w: w, h: ht, raster: mp.raster}, nil
}

// matrixPlotter draws a matrix, cell (i, j) centred on (j, i): as one
// rectangle per cell when small; when large it only records where the
// cells go, and the figure paints them pixel by pixel (see rasterLayer).
// NaN cells are left empty.
type matrixPlotter struct {
	m      [][]float64
	bar    *colorBar
	raster *rasterLayer
}

// rasterCells is the number of cells above which a matrix is drawn as an
// image.
const rasterCells = 128 * 128

func (mp matrixPlotter) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	rows, cols := len(mp.m), len(mp.m[0])
	if mp.raster != nil {
		mp.raster.rect = vg.Rectangle{
			Min: vg.Point{X: trX(-0.5), Y: trY(float64(rows) - 0.5)},
			Max: vg.Point{X: trX(float64(cols) - 0.5), Y: trY(-0.5)},
		}
		mp.raster.set = true
		return
	}
	const overlap = vg.Length(0.3) // no seams of background between cells
	for i, row := range mp.m {
		for j, v := range row {
			if !finite(v, false) {
				continue
			}
			l, r := trX(float64(j)-0.5)-overlap, trX(float64(j)+0.5)+overlap
			t, b := trY(float64(i)-0.5)+overlap, trY(float64(i)+0.5)-overlap
			c.FillPolygon(mp.bar.colorOf(v), []vg.Point{{X: l, Y: b}, {X: r, Y: b}, {X: r, Y: t}, {X: l, Y: t}})
		}
	}
}

// indexTicks marks whole row or column numbers a round step apart (1, 2,
// 5, 10, 20, ...), at most about 8 of them.
type indexTicks struct{}

func (indexTicks) Ticks(lo, hi float64) []plot.Tick {
	step := 1.0
	for k := 0; (hi-lo)/step > 8; k++ {
		step = []float64{1, 2, 5}[k%3] * math.Pow(10, float64(k/3))
	}
	var ts []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: strconv.Itoa(int(v))})
	}
	return ts
}
