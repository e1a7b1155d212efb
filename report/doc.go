// Package report draws the toolkit's figures: interactive HTML pages that
// work offline, and PNG versions of the same figures for papers.
//
// A page is built from figures, each a plain struct of plain Go values:
// Line (several series against step or wall-clock seconds, linear or log
// axes), Arrows (trajectories as points joined by arrows), Heatmap (matrices,
// FFT magnitudes; block-averaged above 512x512 on the page), Contour (filled
// level bands with isolines and trajectories over them; NaN cells are left
// empty), Surface (a 3-D surface with 3-D trajectories on it), Discs (circles
// in the complex plane with points: Gersgorin discs and eigenvalues) and
// Histogram.
//
//	p := report.NewPage("Loss")
//	p.Add(report.Line{Title: "Training loss", XLabel: "step", YLabel: "loss", LogY: true,
//		Series: []report.Series{{Name: "adam lr=0.01", X: steps, Y: losses}}})
//	err := p.WriteFile("out/loss.html", report.Options{Command: os.Args, Version: v})
//
// Pages are drawn with ECharts and ECharts-GL. Their option objects are
// built with go-echarts (github.com/go-echarts/go-echarts/v2) and written
// into a page of this package's own, never go-echarts' templates: those load
// scripts from a CDN and ask 3-D charts for an old ECharts. The JavaScript
// itself is built into the binary: the minified builds from the npm packages
// pinned in the repository's package.json and package-lock.json, committed in
// report/js with their licences by scripts/update-js.sh (which CI runs with
// --check against the packages), and inlined into every page, so that one
// HTML file opens from file:// with no request to any other host, and a
// binary built anywhere writes reports with nothing installed. A page is
// never written that would load anything from the
// network, and every page forbids it in its Content-Security-Policy.
//
// Each page states what made it (the command line, the settings of the runs
// it shows, the toolkit version) and offers the data behind every chart for
// download as CSV and JSON, from data embedded in the page.
//
// A page draws no more than a screen can show, so that it stays under
// 10 MB and a browser draws it in well under a gigabyte: a line series of
// more than 4000 points is drawn decimated by min/max per x interval (the
// first, last, smallest and largest point of each of 1000 equal intervals
// of x, so the line on screen is the same and the first and last points
// and the extremes are always there); a 3-D surface draws at most 101 grid
// lines per axis, subsampled (every k-th line and the last, values of the
// function, not averages); a heat map averages blocks down to 512 x 512; a
// filled contour draws each run of cells of one band in a row as one
// rectangle. Charts are drawn when they come within a window's height of
// the window, and 2-D charts are released again when they leave it, so that
// a page of many charts holds only the few a reader sees.
// The downloads hold the full data where the page has room for it within
// 10 MB, charts in page order, and otherwise what is drawn, which the page
// says under the chart and in the JSON download.
//
// WriteRunIndex writes the index page of one or several run directories:
// losses against step and wall-clock time, per-epoch test loss and accuracy,
// learning rate, time per step and any curvature diagnostics, one colour per
// run, and links to the pages of later analyses.
//
// The package knows nothing of training: it reads run directories as plain
// JSON (run.json, metrics.jsonl).
package report
