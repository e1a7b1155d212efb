package report

import (
	"math"
	"math/rand/v2"
)

// galleryPage returns a page with one figure of every kind, on data made up
// for the purpose.
func galleryPage() *Page {
	p := NewPage("Gallery of figure kinds")
	p.Text("One figure of every kind report/ draws.")
	steps := make([]float64, 300)
	a, b, secs := make([]float64, 300), make([]float64, 300), make([]float64, 300)
	for i := range steps {
		steps[i] = float64(i + 1)
		a[i] = 2*math.Exp(-steps[i]/60) + 0.05 + 0.02*math.Sin(steps[i])
		b[i] = 2*math.Exp(-steps[i]/35) + 0.03
		secs[i] = 0.004 * steps[i]
	}
	must(p.Add(Line{Title: "Training loss", XLabel: "step", YLabel: "loss", LogY: true, Series: []Series{
		{Name: "adam lr=0.001", X: steps, Y: a}, {Name: "adafisher lr=0.001", X: steps, Y: b, Dashed: true}}}))

	// A spiral trajectory.
	var tx, ty []float64
	var ts []int
	for i := range 25 {
		t := float64(i) / 4
		tx, ty, ts = append(tx, math.Exp(-t/4)*math.Cos(t)), append(ty, math.Exp(-t/4)*math.Sin(t)), append(ts, 10*i)
	}
	must(p.Add(Arrows{Title: "Weight trajectory", XLabel: "PC1", YLabel: "PC2", Equal: true,
		Paths: []Path{{Name: "adam", X: tx, Y: ty, Steps: ts}}}))

	// A matrix with structure.
	m := make([][]float64, 64)
	for i := range m {
		m[i] = make([]float64, 48)
		for j := range m[i] {
			m[i][j] = math.Exp(-math.Abs(float64(i-j))/6) * math.Cos(float64(i*j)/90)
		}
	}
	must(p.Add(Heatmap{Title: "Kronecker factor A of fc1", ValueLabel: "entry"}.with(m)))

	// A loss surface with NaN outside a disc (the hull of interpolated data).
	n := 61
	gx, gy := make([]float64, n), make([]float64, n)
	for i := range n {
		gx[i] = -2 + 4*float64(i)/float64(n-1)
		gy[i] = -1.5 + 3*float64(i)/float64(n-1)
	}
	gz := make([][]float64, n)
	for i := range gz {
		gz[i] = make([]float64, n)
		for j := range gz[i] {
			x, y := gx[j], gy[i]
			gz[i][j] = math.Log1p((x*x+y*y-1)*(x*x+y*y-1) + 0.3*x*y + 0.5)
			if x*x/4+y*y/2.25 > 0.95 {
				gz[i][j] = math.NaN()
			}
		}
	}
	var px, py, pz []float64
	for i := range 20 {
		t := float64(i) / 19
		x, y := -1.3+1.1*t, 0.9-1.0*t*t
		px, py = append(px, x), append(py, y)
		pz = append(pz, math.Log1p((x*x+y*y-1)*(x*x+y*y-1)+0.3*x*y+0.5))
	}
	must(p.Add(Contour{Title: "Loss on the PCA plane", XLabel: "PC1", YLabel: "PC2", ZLabel: "loss", X: gx, Y: gy, Z: gz,
		Paths: []Path{{Name: "adam", X: px, Y: py}}}))
	must(p.Add(Surface{Title: "Loss surface", XLabel: "PC1", YLabel: "PC2", ZLabel: "loss", X: gx, Y: gy, Z: gz,
		Paths: []Path{{Name: "adam", X: px, Y: py, Z: pz}}}))

	// Gersgorin discs of a small non-symmetric matrix.
	must(p.Add(Discs{Title: "Gersgorin discs of F", Discs: []Disc{{1, 0.4}, {2.5, 1.2}, {complex(4, 0.5), 0.3}, {-0.5, 0.8}},
		Points: []complex128{1.1, 2.2, complex(4, 0.4), -0.3, complex(2.8, 0.6)}}))

	r := rand.New(rand.NewPCG(1, 2))
	h1, h2 := make([]float64, 2000), make([]float64, 2000)
	for i := range h1 {
		h1[i], h2[i] = r.NormFloat64(), 0.6*r.NormFloat64()+1
	}
	must(p.Add(Histogram{Title: "Eigenvalues", XLabel: "eigenvalue", Series: []HistogramSeries{{Name: "step 0", Values: h1}, {Name: "step 100", Values: h2}}}))
	p.Settings("made up", map[string]any{"seed": 1})
	return p
}

func (h Heatmap) with(m [][]float64) Heatmap { h.Values = m; return h }

func must(err error) {
	if err != nil {
		panic(err)
	}
}
