package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/gersgorin"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/report/reporttest"
	"github.com/adafisher-go/landscape/spectral"
)

// pageLimit is the largest report page allowed, in bytes.
const pageLimit = 10 << 20

// syntheticResult is a result of the size spectral analyze gives for an
// n x n matrix, with images shrunk to side pixels, without the solves.
func syntheticResult(n, side int) spectral.Result {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	image := func() spectral.Image {
		im := spectral.Image{Rows: side, Cols: side, Data: make([]float64, side*side)}
		for k := range im.Data {
			im.Data[k] = rng.NormFloat64()
		}
		return im
	}
	values := func() []float64 {
		v := make([]float64, n)
		for k := range v {
			v[k] = rng.ExpFloat64()
		}
		return v
	}
	d := gersgorin.Discs{Centres: values(), Radii: values()}
	eig := make(gersgorin.Eigenvalues, n)
	for k, v := range values() {
		eig[k] = complex(v, 0)
	}
	r := spectral.Result{Name: "layer4.1.conv1/A@0", Layer: "layer4.1.conv1", Side: "A", Analysis: gersgorin.NewAnalysis(d, eig), MatrixImage: image()}
	for _, m := range []spectral.Mode{spectral.Reference, spectral.Corrected} {
		p, err := gersgorin.NewPerturbation(m, 1e-3, values(), values())
		if err != nil {
			panic(err)
		}
		r.Modes = append(r.Modes, spectral.ModeResult{Perturbation: p, Spectrum: image(), PerturbedSpectrum: image()})
	}
	return r
}

// The pages of the largest factor of the paper's figures, ResNet-18's
// layer4.1.conv1 activation factor (4608 x 4608, images at the default 512
// pixels a side), stay under 10 MB each.
func TestMatrixPagesSize(t *testing.T) {
	if _, err := report.LoadJS(""); err != nil {
		reporttest.NeedJS(t, err)
	}
	dir := t.TempDir()
	links, err := writeMatrixPages(dir, 0, syntheticResult(4608, 512), report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 2 {
		t.Fatalf("links %v", links)
	}
	for _, l := range links {
		fi, err := os.Stat(filepath.Join(dir, l.Href))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: %.1f MB", l.Href, float64(fi.Size())/(1<<20))
		if fi.Size() > pageLimit {
			t.Errorf("%s is %d bytes, over %d", l.Href, fi.Size(), pageLimit)
		}
	}
}
