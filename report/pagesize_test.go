package report

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/report/reporttest"
	"github.com/adafisher-go/landscape/train"
)

// maxRendererPeak is the peak resident memory of the Chromium renderer
// that draws a page which every page kind keeps under at the sizes of
// pageKinds (as it keeps under maxPageBytes).
const maxRendererPeak = 1 << 30

// pageKinds builds every kind of page the toolkit writes, at sizes as large
// as real runs make them: the figures are those the commands add (the cmd/
// pages are composed here from the same figure kinds, as cmd/ builds them).
func pageKinds() []pageKind {
	return []pageKind{
		{"run index: 6 runs x 200k steps", func() *Page { return runIndexPage(bigRuns(6, 200_000)) }, ""},
		{"surface: 201x201 contour and 3-D", func() *Page {
			x, y, z := bowl(201)
			p := NewPage("Loss surface")
			must(p.Add(Contour{Title: "Loss on the plane", X: x, Y: y, Z: z, Paths: []Path{spiralPath("path", 60, false)}}))
			must(p.Add(Surface{Title: "Loss on the plane in 3-D", X: x, Y: y, Z: z, Paths: []Path{spiralPath("path", 60, true)}}))
			return p
		}, ""},
		{"figure 1: 200x200 grid, 6 optimizers", func() *Page {
			x, y, z := bowl(200)
			p := NewPage("Figure 1")
			var ps, ps3 []Path
			for i := range 6 {
				ps, ps3 = append(ps, spiralPath(fmt.Sprint("opt", i), 50, false)), append(ps3, spiralPath(fmt.Sprint("opt", i), 50, true))
			}
			must(p.Add(Contour{Title: "Weight trajectories on loss landscape", X: x, Y: y, Z: z, Paths: ps}))
			must(p.Add(Surface{Title: "Interpolated surface in 3-D", X: x, Y: y, Z: z, Paths: ps3}))
			for i := range 6 {
				must(p.Add(Contour{Title: fmt.Sprint("Evaluated ", i), X: x, Y: y, Z: z, Paths: ps[i : i+1]}))
				must(p.Add(Contour{Title: fmt.Sprint("Difference ", i), X: x, Y: y, Z: z}))
				must(p.Add(Surface{Title: fmt.Sprint("Evaluated surface ", i), X: x, Y: y, Z: z, Paths: ps3[i : i+1]}))
			}
			return p
		}, ""},
		{"histogram: 6 x 1M values, 200 bins", func() *Page {
			r := rand.New(rand.NewPCG(5, 6))
			h := Histogram{Title: "Eigenvalues", Bins: 200, LogY: true}
			for i := range 6 {
				v := make([]float64, 1_000_000)
				for k := range v {
					v[k] = r.NormFloat64() * float64(i+1)
				}
				h.Series = append(h.Series, HistogramSeries{Name: fmt.Sprint("step ", i), Values: v})
			}
			p := NewPage("Histogram")
			must(p.Add(h))
			return p
		}, ""},
		{"arrows: 6 paths x 5000 points", func() *Page {
			a := Arrows{Title: "Trajectories", Equal: true}
			for i := range 6 {
				a.Paths = append(a.Paths, spiralPath(fmt.Sprint("run ", i), 5000, false))
			}
			p := NewPage("Arrows")
			must(p.Add(a))
			return p
		}, ""},
		{"hessian: spectra, 20k-point densities", func() *Page {
			p := NewPage("Hessian")
			var eig []Series
			for k := range 10 {
				x, y := wave(200, float64(k))
				eig = append(eig, Series{Name: fmt.Sprint("eigenvalue ", k+1), X: x, Y: y, Markers: true})
			}
			must(p.Add(Line{Title: "Top eigenvalues over training", Series: eig}))
			for s := range 6 {
				x, y := wave(20_000, float64(s))
				for i := range y {
					y[i] = math.Exp(y[i])
				}
				must(p.Add(Line{Title: fmt.Sprint("Density ", s), LogY: true, Series: []Series{{Name: "density", X: x, Y: y}}}))
			}
			return p
		}, ""},
		// spectral analyze writes two pages per matrix (cmd/spectral): the
		// discs, the eigenvalues and the factor's image (block means, at
		// most 512 x 512), and the four FFT images (256 x 256 each); here
		// for a 4608 x 4608 factor, layer4.1.conv1's of ResNet-18.
		{"spectral matrix page: 4608 discs, 512x512 image", func() *Page {
			r := rand.New(rand.NewPCG(7, 8))
			p := NewPage("Factor layer4.1.conv1/A")
			n := 4608
			var ds []Disc
			var pts []complex128
			for i := 0; i < n; i++ {
				ds = append(ds, Disc{Center: complex(float64(i)/50, 0), Radius: r.Float64()})
				pts = append(pts, complex(float64(i)/50+r.NormFloat64()/10, 0))
			}
			must(p.Add(Discs{Title: "Gersgorin discs", Discs: ds, Points: pts}))
			x, y := wave(n, 1)
			must(p.Add(Line{Title: "Eigenvalues", LogX: true, Series: []Series{{Name: "clean", X: x, Y: y}, {Name: "perturbed", X: x, Y: y}}}))
			must(p.Add(Heatmap{Title: "Factor", Values: bandMatrix(r, 512), Colormap: "gray"}))
			return p
		}, ""},
		{"spectral FFT page: 4 images of 256x256", func() *Page {
			r := rand.New(rand.NewPCG(7, 9))
			p := NewPage("FFT of layer4.1.conv1/A")
			for k := range 4 {
				must(p.Add(Heatmap{Title: fmt.Sprint("FFT ", k), Values: bandMatrix(r, 256), Colormap: "hot"}))
			}
			return p
		}, ""},
	}
}

// pageKind is a page the toolkit writes. Where known is set, the page is
// known to exceed the limits for the reason it gives, and the test logs
// what it measures instead of failing.
type pageKind struct {
	name  string
	page  func() *Page
	known string
}

// Every page kind, at the largest sizes real runs give it, stays within
// maxPageBytes and draws in a Chromium renderer that peaks under
// maxRendererPeak.
func TestPageKindsFitABrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("loads large pages in Chromium")
	}
	nm := requireJS(t)
	reporttest.Chromium(t)
	for _, k := range pageKinds() {
		t.Run(k.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "page.html")
			p := k.page()
			if err := p.WriteFile(path, Options{JSDir: nm}); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("page %.2f MB", float64(fi.Size())/(1<<20))
			o := reporttest.Options{SelfTest: true, Budget: 60 * time.Second, Timeout: 3 * time.Minute}
			if k.known != "" {
				o.Timeout, o.AllowTimeout = 90*time.Second, true
			}
			s := reporttest.Open(t, path, o)
			if s.TimedOut {
				t.Logf("KNOWN (%s): not drawn in %v; page %.2f MB, renderer peak at least %.0f MB", k.known, o.Timeout, float64(fi.Size())/(1<<20), float64(s.RendererPeak)/(1<<20))
				return
			}
			checkDrawn(t, s, len(p.Figures()))
			t.Logf("%-40s page %6.2f MB  renderer peak %7.1f MB  GPU process peak %7.1f MB",
				k.name, float64(fi.Size())/(1<<20), float64(s.RendererPeak)/(1<<20), float64(s.GPUPeak)/(1<<20))
			fail := t.Errorf
			if k.known != "" {
				fail = func(format string, args ...any) { t.Logf("KNOWN ("+k.known+"): "+format, args...) }
			}
			if fi.Size() > maxPageBytes {
				fail("page is %.2f MB, want at most %d MB", float64(fi.Size())/(1<<20), maxPageBytes>>20)
			}
			if s.RendererPeak > maxRendererPeak {
				fail("renderer peaked at %.0f MB, want at most %d MB", float64(s.RendererPeak)/(1<<20), maxRendererPeak>>20)
			}
			if s.RendererPeak == 0 {
				t.Log("renderer memory unknown (no /proc)")
			}
		})
	}
}

// bigRuns returns n runs of steps steps each, as the index reads them: a
// noisy decaying loss, a cosine learning rate, 50 epochs, and curvature
// diagnostics of 4 layers every 100 steps.
func bigRuns(n, steps int) []*runData {
	r := rand.New(rand.NewPCG(1, 1))
	var rs []*runData
	for k := range n {
		d := &runData{dir: fmt.Sprint("run", k), name: fmt.Sprintf("adam lr=%g", 0.001*float64(k+1)),
			info: &train.Info{Model: "mlp"}, curvature: map[string]map[string]*curve{}}
		t := 0.0
		for i := range steps {
			s := float64(i + 1)
			t += 0.004 + 0.001*r.Float64()
			d.step = append(d.step, s)
			d.loss = append(d.loss, 2*math.Exp(-s/float64(steps)*5)+0.05+0.1*r.Float64())
			d.lr = append(d.lr, 0.001*(1+math.Cos(math.Pi*s/float64(steps)))/2+1e-6)
			d.time = append(d.time, t)
		}
		for e := range 50 {
			d.epoch = append(d.epoch, float64(e+1))
			d.epochStep = append(d.epochStep, float64((e+1)*steps/50))
			d.epochTime = append(d.epochTime, t*float64(e+1)/50)
			v := math.Exp(-float64(e) / 10)
			d.trainLoss, d.trainAcc = append(d.trainLoss, v), append(d.trainAcc, 1-v/2)
			d.testLoss, d.testAcc = append(d.testLoss, v*1.1), append(d.testAcc, 1-v/1.8)
		}
		d.hasTest = true
		for _, f := range []string{"f_min", "f_max", "damping"} {
			d.curvatureFields = append(d.curvatureFields, f)
			d.curvature[f] = map[string]*curve{}
			for l := range 4 {
				c := &curve{}
				for s := 0; s < steps; s += 100 {
					c.step, c.value = append(c.step, float64(s)), append(c.value, 1+r.Float64())
				}
				name := fmt.Sprint("fc", l)
				d.curvature[f][name] = c
				if k == 0 && f == "f_min" {
					d.curvatureLayers = append(d.curvatureLayers, name)
				}
			}
		}
		if k > 0 {
			d.curvatureLayers = rs[0].curvatureLayers
		}
		rs = append(rs, d)
	}
	return rs
}

// bowl returns an n x n grid of a loss-like function on [-2, 2]^2.
func bowl(n int) (x, y []float64, z [][]float64) {
	x, y = make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = -2 + 4*float64(i)/float64(n-1)
		y[i] = x[i]
	}
	z = make([][]float64, n)
	for i := range z {
		z[i] = make([]float64, n)
		for j := range z[i] {
			a, b := x[j], y[i]
			z[i][j] = math.Log1p((a*a+b*b-1)*(a*a+b*b-1)+0.3*a*b+0.5) + 0.05*math.Sin(7*a)*math.Cos(5*b)
		}
	}
	return x, y, z
}

// spiralPath returns a path of n points spiralling in to the origin.
func spiralPath(name string, n int, withZ bool) Path {
	p := Path{Name: name}
	for i := range n {
		t := 12 * float64(i) / float64(n)
		p.X, p.Y, p.Steps = append(p.X, 1.8*math.Exp(-t/5)*math.Cos(t)), append(p.Y, 1.8*math.Exp(-t/5)*math.Sin(t)), append(p.Steps, i)
		if withZ {
			p.Z = append(p.Z, math.Exp(-t/5))
		}
	}
	return p
}

// wave returns n points of a wavy line.
func wave(n int, phase float64) (x, y []float64) {
	for i := range n {
		s := float64(i + 1)
		x, y = append(x, s), append(y, math.Sin(s/float64(n)*20+phase)+2)
	}
	return x, y
}

// bandMatrix is an n x n matrix with entries decaying away from the
// diagonal, as a Kronecker factor's.
func bandMatrix(r *rand.Rand, n int) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
		for j := range m[i] {
			m[i][j] = r.NormFloat64() * math.Exp(-math.Abs(float64(i-j))/20)
		}
	}
	return m
}
