package report_test

import (
	"fmt"
	"image"
	_ "image/png"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/adafisher-go/landscape/report"
)

// A page of two figures, written with the PNG of each beside it. The page
// inlines the ECharts JavaScript built into the binary.
func ExamplePage() {
	steps := []float64{1, 2, 3, 4, 5}
	loss := []float64{2.3, 1.1, 0.7, 0.5, 0.45}
	p := report.NewPage("Loss of one run")
	p.Section("Training")
	if err := p.Add(report.Line{Title: "Training loss", XLabel: "step", YLabel: "loss", LogY: true,
		Series: []report.Series{{Name: "adam lr=0.01", X: steps, Y: loss}}}); err != nil {
		log.Fatal(err)
	}
	m := [][]float64{{1, 0.2}, {0.2, 3}}
	if err := p.Add(report.Discs{Title: "Gersgorin discs",
		Discs:  []report.Disc{{Center: complex(m[0][0], 0), Radius: math.Abs(m[0][1])}, {Center: complex(m[1][1], 0), Radius: math.Abs(m[1][0])}},
		Points: []complex128{0.98, 3.02}}); err != nil {
		log.Fatal(err)
	}
	dir, _ := os.MkdirTemp("", "report")
	defer os.RemoveAll(dir)
	err := p.WriteFile(filepath.Join(dir, "loss.html"), report.Options{PNG: true, Command: os.Args, Version: "v0.1.0"})
	if err != nil {
		log.Fatal(err)
	}
}

// Pages are checked for references to other hosts before they are written.
func ExampleRemoteReferences() {
	page := []byte(`<script src="https://cdn.example/echarts.min.js"></script><a href="https://echarts.apache.org">ECharts</a>`)
	fmt.Println(report.RemoteReferences(page))
	// Output: [https://cdn.example/echarts.min.js]
}

// Figures are drawn as PNG with gonum/plot, for papers; no JavaScript is
// needed for that.
func ExampleWritePNG() {
	dir, err := os.MkdirTemp("", "report-png")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "loss.png")
	fig := report.Line{Title: "Training loss", XLabel: "step", YLabel: "loss", LogY: true,
		Series: []report.Series{{Name: "adafisher", X: []float64{1, 2, 3}, Y: []float64{1, 0.5, 0.3}}}}
	if err := report.WritePNG(fig, path); err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	cfg, format, err := image.DecodeConfig(f)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(format, cfg.Width, "x", cfg.Height)
	// Output: png 1200 x 780
}

// A figure is checked when it is added: a series whose x and y differ in
// length is an error that names the figure and the series.
func ExamplePage_Add() {
	p := report.NewPage("Checks")
	err := p.Add(report.Line{Title: "Loss", Series: []report.Series{{Name: "adam", X: []float64{1, 2, 3}, Y: []float64{1, 2}}}})
	fmt.Println(err)
	// Output:
	// report: line chart "Loss": series "adam" has 3 x values and 2 y values
}

// Runs take the same colour on every page: series i of every chart.
func ExampleSeriesColor() {
	for i := range 3 {
		fmt.Println(report.SeriesColor(i))
	}
	// Output:
	// #4e79a7
	// #f28e2b
	// #e15759
}
