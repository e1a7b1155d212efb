package report_test

import (
	"fmt"
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
