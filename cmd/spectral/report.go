package main

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"

	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/spectral"
)

// writeReport writes index.html: the settings, the summary table with a
// link to each matrix's pages, and the time series of the diagonal's share
// and the SNR over training. The figures of each matrix are on its own
// pages (writeMatrixPages), so that no page grows with the number of
// matrices.
func writeReport(dir string, o output, results []spectral.Result, pages [][]report.Link, ro report.Options) error {
	p := report.NewPage("Kronecker-factor analysis")
	p.Text(fmt.Sprintf("%d matrices; perturbation noise N(0, %g) on the off-diagonal entries, seed %d; modes %v. Reference mode reproduces the official notebooks: noise drawn independently in both triangles and eigenvalues from a symmetric solver that reads the lower triangle, FFT magnitude 20*ln|F|, SNR over the noisy strict upper triangle with the n*n normaliser. Corrected mode uses symmetric noise and a symmetric solver, 20*log10|F| (decibels), and the SNR of diagonal power over off-diagonal power with the n(n-1)/2 normaliser, for the clean matrix and for the noise alone. A and G of one layer are always that layer's own factors. Each matrix's figures (Gersgorin discs, eigenvalues, factor and FFT images) are on the pages linked below.", len(results), o.Sigma, o.Seed, o.Modes))
	p.Table(summaryHeader(o.Modes), summaryRows(results))
	if steps := distinctSteps(results); len(steps) > 1 {
		p.Section("Over training")
		if err := p.Add(series("Diagonal share of the squared Frobenius norm", "diagonal share", results, spectral.DiagonalShareOf, false)); err != nil {
			return err
		}
		for _, m := range o.Modes {
			if err := p.Add(series("SNR, "+m+" mode", "SNR (dB)", results, spectral.SNROf(spectral.Mode(m)), false)); err != nil {
				return err
			}
		}
	}
	var layers []string
	byLayer := map[string][]int{}
	for i, r := range results {
		if _, ok := byLayer[r.Layer]; !ok {
			layers = append(layers, r.Layer)
		}
		byLayer[r.Layer] = append(byLayer[r.Layer], i)
	}
	for _, l := range layers {
		idx := byLayer[l]
		sort.SliceStable(idx, func(a, b int) bool {
			ra, rb := results[idx[a]], results[idx[b]]
			if ra.Side != rb.Side {
				return ra.Side < rb.Side
			}
			return ra.Step < rb.Step
		})
		p.Section(l)
		var links []report.Link
		for _, i := range idx {
			links = append(links, pages[i]...)
		}
		p.Links(links)
	}
	p.Settings("analysis", struct {
		Modes  any     `json:"modes"`
		Sigma  float64 `json:"sigma"`
		Seed   uint64  `json:"seed"`
		Factor string  `json:"factor"`
	}{o.Modes, o.Sigma, o.Seed, o.Factor})
	return p.WriteFile(filepath.Join(dir, "index.html"), ro)
}

// fftSide is the side of the FFT images on their page: four of them at
// 256x256 cost headless Chromium about what one matrix at 512x512 does.
const fftSide = 256

// writeMatrixPages writes the figures of result i, the paper's Figures 3, 7
// and 8 for one matrix, on two pages: matrix-i.html with the discs and
// eigenvalues, the clean and perturbed eigenvalues with the Kaiser line in
// each mode and the matrix itself (block means, at most 512x512);
// matrix-i-fft.html with the FFT images of the clean and perturbed matrix in
// each mode (block maxima, at most 256x256). At 4608x4608 each page stays
// under 10 MB and under 1 GB of renderer memory. With --png the images come
// at full resolution: the pages show block means and the PNGs every entry.
// It returns links to the pages.
func writeMatrixPages(dir string, i int, r spectral.Result, ro report.Options) ([]report.Link, error) {
	name := fmt.Sprintf("matrix-%04d", i)
	p := report.NewPage("Factor " + r.Name)
	if err := p.Add(discs(r)); err != nil {
		return nil, err
	}
	for _, mr := range r.Modes {
		if err := p.Add(eigenLine(r, mr)); err != nil {
			return nil, err
		}
	}
	if err := p.Add(report.Heatmap{Title: "Factor " + r.Name, Subtitle: imageNote(r.N, r.MatrixImage, "mean"), ValueLabel: "entry",
		Values: imageRows(r.MatrixImage), Colormap: "gray"}); err != nil {
		return nil, err
	}
	if err := p.WriteFile(filepath.Join(dir, name+".html"), ro); err != nil {
		return nil, err
	}
	f := report.NewPage("FFT images of " + r.Name)
	for _, mr := range r.Modes {
		for k, im := range []spectral.Image{mr.Spectrum, mr.PerturbedSpectrum} {
			if !ro.PNG {
				im = im.Downsample(fftSide, spectral.MaxPool)
			}
			what := [2]string{"", "perturbed "}[k]
			unit := map[string]string{"reference": "20 ln|F|", "corrected": "20 log10|F| (dB)"}[string(mr.Mode)]
			if err := f.Add(report.Heatmap{Title: fmt.Sprintf("FFT of %s%s (%s mode)", what, r.Name, mr.Mode),
				Subtitle: "centred (fftshift); frequencies from -pi to pi. " + imageNote(r.N, im, "maximum"),
				XLabel:   "frequency index", YLabel: "frequency index", ValueLabel: unit, Values: imageRows(im), Colormap: "hot", MaxSide: fftSide}); err != nil {
				return nil, err
			}
		}
	}
	if err := f.WriteFile(filepath.Join(dir, name+"-fft.html"), ro); err != nil {
		return nil, err
	}
	return []report.Link{
		{Href: name + ".html", Text: r.Name, Note: fmt.Sprintf("n = %d: discs, eigenvalues, factor image", r.N)},
		{Href: name + "-fft.html", Text: r.Name + " FFT", Note: "FFT images of the clean and perturbed matrix in each mode"},
	}, nil
}

// imageNote says how an image was shrunk from the n x n matrix.
func imageNote(n int, im spectral.Image, pooling string) string {
	if im.Rows >= n {
		return ""
	}
	f := (n + im.Rows - 1) / im.Rows
	return fmt.Sprintf("%dx%d matrix shown as %dx%d, each pixel the %s over a block of up to %dx%d entries (--png keeps every entry)", n, n, im.Rows, im.Cols, pooling, f, f)
}

func summaryHeader(modes []string) []string {
	h := []string{"matrix", "n", "inside discs", "dominant rows", "diagonal share"}
	for _, m := range modes {
		h = append(h, "SNR "+m, "Kaiser >1 clean/perturbed ("+m+")", "Kaiser >mean clean/perturbed ("+m+")")
	}
	return h
}

func summaryRows(results []spectral.Result) [][]string {
	var rows [][]string
	for _, r := range results {
		row := []string{r.Name, fmt.Sprint(r.N), fmt.Sprintf("%.4f", r.InsideFraction), fmt.Sprintf("%.4f", r.DominantFraction), fmt.Sprintf("%.4f", float64(r.DiagonalShare))}
		for _, m := range r.Modes {
			row = append(row, fmt.Sprintf("%.2f", float64(m.SNR)), fmt.Sprintf("%d / %d", m.KaiserClean.AboveOne, m.KaiserPerturbed.AboveOne), fmt.Sprintf("%d / %d", m.KaiserClean.AboveMean, m.KaiserPerturbed.AboveMean))
		}
		rows = append(rows, row)
	}
	return rows
}

func distinctSteps(results []spectral.Result) []int {
	var s []int
	for _, r := range results {
		if !slices.Contains(s, r.Step) {
			s = append(s, r.Step)
		}
	}
	return s
}

func series(title, ylabel string, results []spectral.Result, measure func(spectral.Result) float64, logY bool) report.Line {
	l := report.Line{Title: title, XLabel: "step", YLabel: ylabel, LogY: logY}
	for i, s := range spectral.SeriesByLayer(results, measure) {
		var xs, ys []float64
		for k, st := range s.Steps {
			xs = append(xs, float64(st))
			v := float64(s.Values[k])
			if math.IsInf(v, 0) {
				v = math.NaN()
			}
			ys = append(ys, v)
		}
		name := s.Layer
		if s.Side != "" {
			name += " " + s.Side
		}
		l.Series = append(l.Series, report.Series{Name: name, X: xs, Y: ys, Color: report.SeriesColor(i / 2), Dashed: s.Side == "G", Markers: true})
	}
	return l
}

func discs(r spectral.Result) report.Discs {
	d := report.Discs{Title: "Gersgorin discs of " + r.Name, Subtitle: fmt.Sprintf("%.1f%% of eigenvalues inside, %.1f%% of rows dominant; colour: radius", 100*r.InsideFraction, 100*r.DominantFraction)}
	for i, c := range r.Discs.Centres {
		d.Discs = append(d.Discs, report.Disc{Center: complex(c, 0), Radius: r.Discs.Radii[i]})
	}
	d.Points = append(d.Points, r.Eigenvalues...)
	return d
}

// eigenLine draws the clean and perturbed eigenvalues against their index
// on log-log axes with the Kaiser line at 1, as the paper does; values that
// are not positive have no place on a log axis and are left out.
func eigenLine(r spectral.Result, mr spectral.ModeResult) report.Line {
	pos := func(v []float64) ([]float64, []float64) {
		s := slices.Clone(v)
		sort.Sort(sort.Reverse(sort.Float64Slice(s)))
		var xs, ys []float64
		for i, x := range s {
			if x > 0 {
				xs, ys = append(xs, float64(i+1)), append(ys, x)
			}
		}
		return xs, ys
	}
	cx, cy := pos(mr.Clean)
	px, py := pos(mr.Perturbed)
	n := float64(max(len(mr.Clean), 2))
	return report.Line{Title: fmt.Sprintf("Eigenvalues of %s, clean and perturbed (%s mode)", r.Name, mr.Mode),
		Subtitle: fmt.Sprintf("Kaiser count (> 1): %d clean, %d perturbed; above the mean: %d, %d", mr.KaiserClean.AboveOne, mr.KaiserPerturbed.AboveOne, mr.KaiserClean.AboveMean, mr.KaiserPerturbed.AboveMean),
		XLabel:   "index (descending)", YLabel: "eigenvalue", LogX: true, LogY: true,
		Series: []report.Series{
			{Name: "clean", X: cx, Y: cy, Color: "#1f77b4"},
			{Name: "perturbed", X: px, Y: py, Color: "#d62728", Dashed: true},
			{Name: "Kaiser rule (1)", X: []float64{1, n}, Y: []float64{1, 1}, Color: "#2ca02c", Dashed: true},
		}}
}

// imageRows turns an image into rows, -Inf (a zero coefficient) as NaN.
func imageRows(im spectral.Image) [][]float64 {
	out := make([][]float64, im.Rows)
	for i := range out {
		out[i] = make([]float64, im.Cols)
		for j := range out[i] {
			v := im.At(i, j)
			if math.IsInf(v, 0) {
				v = math.NaN()
			}
			out[i][j] = v
		}
	}
	return out
}
