package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"

	"github.com/adafisher-go/landscape/interp"
	"github.com/adafisher-go/landscape/rundir"
)

func cmdInterpolate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("landscape interpolate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	points := fs.String("points", "", "CSV file of scattered points: a header row, then rows x,y,value")
	nx := fs.Int("nx", 200, "grid points along x")
	ny := fs.Int("ny", 200, "grid points along y")
	out := fs.String("out", "", "CSV file to write: rows x,y,value over the grid, x varying slowest, value empty outside the convex hull")
	tol := fs.Float64("tol", 1e-6, "tolerance of the gradient estimation (scipy's default)")
	maxiter := fs.Int("maxiter", 400, "iterations of the gradient estimation (scipy's default)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: landscape interpolate --points FILE.csv --nx N --ny M --out FILE.csv

Interpolates scattered values as scipy's griddata(method='cubic') does in 2-D (Delaunay triangles,
Clough-Tocher cubic patches, globally estimated gradients) on an N x M grid spanning the points'
bounding box, ends included.

flags:`)
		printFlags(fs, stderr)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *points == "" || *out == "" {
		return usagef("--points and --out are required")
	}
	if *nx < 1 || *ny < 1 {
		return usagef("--nx and --ny must be positive")
	}
	x, y, v, err := interp.ReadPointsCSV(*points)
	if err != nil {
		return err
	}
	ct, err := interp.NewCloughTocherOptions(x, y, v, interp.CloughTocherOptions{Tol: *tol, MaxIter: *maxiter})
	if err != nil {
		return fmt.Errorf("%s: %w", *points, err)
	}
	gx, gy := interp.BoundingBoxGrid(x, y, *nx, *ny)
	g := ct.Grid(gx, gy)
	var buf bytes.Buffer
	interp.WriteGridCSV(&buf, gx, gy, g)
	if err := rundir.WriteBytesAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d x %d grid from %d points (gradients: %d iterations, converged %v)\n", *out, *nx, *ny, len(x), ct.Iterations(), ct.Converged())
	return nil
}
