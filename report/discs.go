package report

import (
	"fmt"
	"math"
	"math/cmplx"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// Discs draws circles in the complex plane, coloured by radius, and points
// as crosses: Gersgorin discs of a matrix and its eigenvalues. Both axes have
// the same scale, so circles stay round.
type Discs struct {
	Title, Subtitle string
	// XLabel and YLabel name the axes (default "real part", "imaginary
	// part").
	XLabel, YLabel string
	Discs          []Disc
	Points         []complex128
	// DiscName and PointName name them in the legend (default "Gersgorin
	// discs", "eigenvalues").
	DiscName, PointName string
}

// Disc is a closed disc in the complex plane.
type Disc struct {
	Center complex128
	Radius float64
}

// crossSymbol is an ECharts path symbol: a diagonal cross.
const crossSymbol = "path://M2,0 L5,3 L8,0 L10,2 L7,5 L10,8 L8,10 L5,7 L2,10 L0,8 L3,5 L0,2 Z"

// FigureTitle implements Figure.
func (d Discs) FigureTitle() string { return d.Title }

func (d Discs) validate() error {
	if len(d.Discs) == 0 && len(d.Points) == 0 {
		return fmt.Errorf("discs %q: no discs and no points", d.Title)
	}
	for i, c := range d.Discs {
		if !(c.Radius >= 0) || math.IsInf(c.Radius, 0) || cmplx.IsNaN(c.Center) || cmplx.IsInf(c.Center) {
			return fmt.Errorf("discs %q: disc %d has centre %v and radius %g", d.Title, i, c.Center, c.Radius)
		}
	}
	return nil
}

func (d Discs) names() (x, y, discs, points string) {
	x, y, discs, points = d.XLabel, d.YLabel, d.DiscName, d.PointName
	if x == "" {
		x = "real part"
	}
	if y == "" {
		y = "imaginary part"
	}
	if discs == "" {
		discs = "Gersgorin discs"
	}
	if points == "" {
		points = "eigenvalues"
	}
	return x, y, discs, points
}

// bounds returns the extent of the discs and points, and the radius range.
func (d Discs) bounds() (x0, x1, y0, y1, r0, r1 float64) {
	x0, y0, r0 = math.Inf(1), math.Inf(1), math.Inf(1)
	x1, y1, r1 = math.Inf(-1), math.Inf(-1), math.Inf(-1)
	for _, c := range d.Discs {
		x0, x1 = math.Min(x0, real(c.Center)-c.Radius), math.Max(x1, real(c.Center)+c.Radius)
		y0, y1 = math.Min(y0, imag(c.Center)-c.Radius), math.Max(y1, imag(c.Center)+c.Radius)
		r0, r1 = math.Min(r0, c.Radius), math.Max(r1, c.Radius)
	}
	for _, p := range d.Points {
		if cmplx.IsNaN(p) || cmplx.IsInf(p) {
			continue
		}
		x0, x1 = math.Min(x0, real(p)), math.Max(x1, real(p))
		y0, y1 = math.Min(y0, imag(p)), math.Max(y1, imag(p))
	}
	if r0 > r1 {
		r0, r1 = 0, 1
	}
	if r0 == r1 {
		r0, r1 = r0-0.5, r1+0.5
	}
	return
}

func (d Discs) chart() (*chartSpec, error) {
	xl, yl, dn, pn := d.names()
	c := charts.NewScatter()
	c.SetGlobalOptions(frame(d.Title, d.Subtitle, "item")...)
	c.SetGlobalOptions(charts.WithXAxisOpts(xValueAxis(xl, false)), charts.WithYAxisOpts(yValueAxis(yl, false)), zoom(true))
	cr, ci, rr := make([]float64, len(d.Discs)), make([]float64, len(d.Discs)), make([]float64, len(d.Discs))
	for i, s := range d.Discs {
		cr[i], ci[i], rr[i] = real(s.Center), imag(s.Center), s.Radius
	}
	pr, pi := make([]float64, len(d.Points)), make([]float64, len(d.Points))
	for i, p := range d.Points {
		pr[i], pi[i] = real(p), imag(p)
	}
	spec := &chartSpec{Height: heightSquare + 40, Tables: []*table{
		columns(dn, []string{"centre (real)", "centre (imaginary)", "radius"}, cr, ci, rr),
		columns(pn, []string{xl, yl}, pr, pi),
	}}
	c.AddSeries(dn, nil,
		charts.WithSeriesOpts(func(s *charts.SingleSeries) { s.Type = "custom"; s.RenderItem = fnDisc }),
		charts.WithEncodeOpts(opts.Encode{X: []int{0, 3, 4}, Y: []int{1, 5, 6}}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: sequential[4]}))
	c.AddSeries(pn, nil,
		charts.WithScatterChartOpts(opts.ScatterChart{Symbol: crossSymbol, SymbolSize: 11}),
		charts.WithItemStyleOpts(opts.ItemStyle{Color: "#d62728"}))
	spec.Binds = []bind{{Series: 0, Table: 0, As: "discs"}, {Series: 1, Table: 1, As: "rows"}}
	option, err := optionOf(c)
	if err != nil {
		return nil, err
	}
	patchSeries(option, 0, map[string]any{"z": 2, "clip": true})
	patchSeries(option, 1, map[string]any{"z": 3, "clip": true})
	x0, x1, y0, y1, r0, r1 := d.bounds()
	option["visualMap"] = []any{continuousMap(sequential, r0, r1, 2, []int{0}, "radius")}
	option["grid"] = map[string]any{"top": gridTop, "bottom": gridBottom, "left": gridLeft, "right": 150}
	if x0 <= x1 && y0 <= y1 {
		spec.Equal = []float64{x0, x1, y0, y1}
	}
	spec.Option = option
	return spec, nil
}
