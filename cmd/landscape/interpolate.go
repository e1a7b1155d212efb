package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

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
	x, y, v, err := readPoints(*points)
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
	buf.WriteString("x,y,value\n")
	for i, xv := range gx {
		for j, yv := range gy {
			buf.WriteString(strconv.FormatFloat(xv, 'g', -1, 64))
			buf.WriteByte(',')
			buf.WriteString(strconv.FormatFloat(yv, 'g', -1, 64))
			buf.WriteByte(',')
			if !math.IsNaN(g[i][j]) {
				buf.WriteString(strconv.FormatFloat(g[i][j], 'g', -1, 64))
			}
			buf.WriteByte('\n')
		}
	}
	if err := rundir.WriteBytesAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d x %d grid from %d points (gradients: %d iterations, converged %v)\n", *out, *nx, *ny, len(x), ct.Iterations(), ct.Converged())
	return nil
}

// readPoints reads x,y,value rows after a header row.
func readPoints(path string) (x, y, v []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, nil, err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = -1
	line := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return nil, nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		if line == 1 {
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != 3 {
			return nil, nil, nil, fmt.Errorf("%s: line %d: %d columns, want 3 (x,y,value)", path, line, len(rec))
		}
		var vals [3]float64
		for k, s := range rec {
			vals[k], err = strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(vals[k]) || math.IsInf(vals[k], 0) {
				return nil, nil, nil, fmt.Errorf("%s: line %d: column %d is %q, want a finite number", path, line, k+1, s)
			}
		}
		x, y, v = append(x, vals[0]), append(y, vals[1]), append(v, vals[2])
	}
	if len(x) < 3 {
		return nil, nil, nil, fmt.Errorf("%s: %d points, want at least 3 after the header row", path, len(x))
	}
	return x, y, v, nil
}
