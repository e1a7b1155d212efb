package experiment

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/report"
)

// WriteHessianPage draws hessian.json: the eigenvalue spectral density of each
// snapshot on a log scale, and the top eigenvalues and the trace over
// training when there are several snapshots; the page is listed on the
// run's report index when there is one.
func WriteHessianPage(path string, h *landscape.ProbeResult, o report.Options) error {
	matrix := map[landscape.Kind]string{
		"":                         "Hessian",
		landscape.Hessian:          "Hessian",
		landscape.GaussNewton:      "generalised Gauss-Newton matrix",
		landscape.EmpiricalFisher:  "empirical Fisher",
		landscape.MonteCarloFisher: "Monte-Carlo Fisher",
	}[h.Operator]
	title := strings.ToUpper(matrix[:1]) + matrix[1:] + " of " + h.Run
	if h.Layer != "" {
		title += " (" + h.Layer + ")"
	}
	p := report.NewPage(title)
	p.Text(fmt.Sprintf("The %s of the %s loss (%s split, %d samples, BatchNorm in %s mode) with respect to %d parameters, from exact matrix-vector products: top eigenvalues by power iteration with deflation, the trace by Hutchinson's estimator with Rademacher vectors, the spectral density by stochastic Lanczos quadrature (as PyHessian).",
		matrix, h.Model, h.Split, h.Samples, h.Mode, h.Dimension))
	stepOf := func(s landscape.ProbeSnapshot) string {
		if s.Step < 0 {
			return "final"
		}
		return fmt.Sprint(s.Step)
	}
	var rows [][]string
	for _, s := range h.Snapshots {
		row := []string{stepOf(s), fmt.Sprintf("%.6g", s.Loss), fmt.Sprint([]float64(s.TopEigenvalues)), "", fmt.Sprint(s.Products), fmt.Sprintf("%.2f", s.TimeS)}
		if s.Trace != nil {
			row[3] = fmt.Sprintf("%.6g", *s.Trace)
		}
		rows = append(rows, row)
	}
	p.Table([]string{"weights", "loss", "top eigenvalues", "trace", "matrix-vector products", "seconds"}, rows)
	if len(h.Snapshots) > 1 {
		xs := make([]float64, len(h.Snapshots))
		for i, s := range h.Snapshots {
			xs[i] = float64(s.Step)
			if s.Step < 0 {
				xs[i] = math.NaN()
				if i > 0 {
					xs[i] = xs[i-1] + 1
				}
			}
		}
		var eig []report.Series
		for k := 0; ; k++ {
			ys := make([]float64, len(h.Snapshots))
			any := false
			for i, s := range h.Snapshots {
				ys[i] = math.NaN()
				if k < len(s.TopEigenvalues) {
					ys[i], any = s.TopEigenvalues[k], true
				}
			}
			if !any {
				break
			}
			eig = append(eig, report.Series{Name: fmt.Sprintf("eigenvalue %d", k+1), X: xs, Y: ys, Markers: true})
		}
		if len(eig) > 0 {
			if err := p.Add(report.Line{Title: "Top eigenvalues over training", XLabel: "step", YLabel: "eigenvalue", Series: eig}); err != nil {
				return err
			}
		}
		tr := make([]float64, len(h.Snapshots))
		has := false
		for i, s := range h.Snapshots {
			tr[i] = math.NaN()
			if s.Trace != nil {
				tr[i], has = *s.Trace, true
			}
		}
		if has {
			if err := p.Add(report.Line{Title: "Trace over training", XLabel: "step", YLabel: "trace (Hutchinson)", Series: []report.Series{{Name: "trace", X: xs, Y: tr, Markers: true}}}); err != nil {
				return err
			}
		}
	}
	for _, s := range h.Snapshots {
		if s.Density == nil {
			continue
		}
		ys := make([]float64, len(s.Density.Values))
		for i, v := range s.Density.Values {
			ys[i] = v
			if !(v > 1e-10) { // PyHessian draws the density from 1e-10 up
				ys[i] = math.NaN() // nothing to draw on a log axis
			}
		}
		if err := p.Add(report.Line{Title: "Eigenvalue spectral density, weights " + stepOf(s), Subtitle: "stochastic Lanczos quadrature, Gaussian kernels; log scale",
			XLabel: "eigenvalue", YLabel: "density", LogY: true, Series: []report.Series{{Name: "density", X: s.Density.Grid, Y: ys}}}); err != nil {
			return err
		}
	}
	p.Settings("hessian", h.Settings)
	if err := p.WriteFile(path, o); err != nil {
		return err
	}
	idx := filepath.Join(h.Run, "report")
	if _, err := os.Stat(filepath.Join(idx, report.IndexDataFile)); err == nil {
		rel, err := filepath.Rel(idx, path)
		if err != nil {
			return err
		}
		return report.UpdateIndex(idx, report.Options{JSDir: o.JSDir}, report.Link{Href: rel, Text: title})
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
