package landscape

import (
	"errors"
	"fmt"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/trajectory"
)

// ErrSnapshots is wrapped by the error of a PCA plane when the run's weight
// snapshots do not span a plane (too few of them).
var ErrSnapshots = errors.New("the snapshots span no plane")

var oneDModes = map[string]trajectory.OneDMode{"zero": trajectory.OneDZero, "copy": trajectory.OneDCopy, "filter": trajectory.OneDFilter}

// surfaceGrid builds the grid of a surface from the run's checkpoints,
// resolves the settings' default ranges, and returns the model whose state
// (BatchNorm statistics) the evaluation uses: the line's start, the plane's
// centre, or the first of three checkpoints.
func surfaceGrid(st SurfaceSettings, cps []Checkpoint) (*SurfaceResult, Grid, *nn.Model[float64], error) {
	var g Grid
	if err := st.Validate(); err != nil {
		return nil, g, nil, err
	}
	oneD := oneDModes[st.OneD]
	rangeGiven := st.Range != [2]float64{}
	if rangeGiven && st.RangeB == [2]float64{} {
		st.RangeB = st.Range
	}
	for _, r := range [][2]float64{st.Range, st.RangeB} {
		if r != [2]float64{} && !(r[0] < r[1]) {
			return nil, g, nil, fmt.Errorf("landscape: coordinate range %v, want min < max", r)
		}
	}
	res := &SurfaceResult{}
	load := func(ref string) (*nn.Model[float64], []float64, error) {
		c, err := Find(cps, ref)
		if err != nil {
			return nil, nil, err
		}
		m, err := c.Load()
		if err != nil {
			return nil, nil, err
		}
		return m, Flatten(m), nil
	}
	var template *nn.Model[float64]
	switch st.Mode {
	case "line":
		m, from, err := load(st.From)
		if err != nil {
			return nil, g, nil, err
		}
		_, to, err := load(st.To)
		if err != nil {
			return nil, g, nil, err
		}
		template = m
		d1 := make([]float64, len(from))
		for k := range d1 {
			d1[k] = to[k] - from[k]
		}
		if !rangeGiven {
			st.Range = [2]float64{-0.5, 1.5}
		}
		g.Plane = trajectory.Plane{Centre: from, D1: d1}
	case "random", "pca":
		m, centre, err := load(st.Centre)
		if err != nil {
			return nil, g, nil, err
		}
		template = m
		var d1, d2 []float64
		if st.Mode == "random" {
			ws := Tensors(m)
			a, err := trajectory.FilterNormalizedDirection(ws, trajectory.FilterNormOptions{Seed: st.Seed, OneD: oneD})
			if err != nil {
				return nil, g, nil, err
			}
			b, err := trajectory.FilterNormalizedDirection(ws, trajectory.FilterNormOptions{Seed: st.Seed + 1, OneD: oneD})
			if err != nil {
				return nil, g, nil, err
			}
			d1, d2 = trajectory.Flatten(a), trajectory.Flatten(b)
		} else {
			snaps, _, err := Snapshots(cps)
			if err != nil {
				return nil, g, nil, err
			}
			pca, err := trajectory.FitPCA([][][]float64{snaps}, trajectory.PCAOptions{K: 2, Centre: centre})
			if err != nil {
				return nil, g, nil, fmt.Errorf("landscape: PCA of the run's %d weight snapshots: %w: %w", len(snaps), ErrSnapshots, err)
			}
			d1, d2 = pca.Directions[0], pca.Directions[1]
			res.Explained = pca.Share
		}
		g.Plane = trajectory.Plane{Centre: centre, D1: d1, D2: d2}
	case "three":
		if len(st.Steps) != 3 {
			return nil, g, nil, fmt.Errorf("landscape: a plane through %d checkpoints, want 3", len(st.Steps))
		}
		var ws [3][]float64
		for k, ref := range st.Steps {
			m, w, err := load(ref)
			if err != nil {
				return nil, g, nil, err
			}
			if k == 0 {
				template = m
			}
			ws[k] = w
		}
		pl, _, err := trajectory.PlaneThrough(ws[0], ws[1], ws[2], true)
		if err != nil {
			return nil, g, nil, err
		}
		g.Plane = pl
	default:
		return nil, g, nil, fmt.Errorf("landscape: surface mode %q, want line, random, pca or three", st.Mode)
	}
	if !g.Plane.IsLine() {
		snaps, steps, err := Snapshots(cps)
		if err != nil {
			return nil, g, nil, err
		}
		for k, w := range snaps {
			a, b, dist := g.Plane.Coordinates(w)
			res.Path = append(res.Path, PathPoint{Step: steps[k], A: a, B: b, Distance: dist})
		}
		if !rangeGiven {
			st.Range, st.RangeB = pathRanges(st.Mode, res.Path)
		}
		g.Betas = trajectory.Linspace(st.RangeB[0], st.RangeB[1], st.Resolution)
		res.Betas = g.Betas
	}
	g.Alphas = trajectory.Linspace(st.Range[0], st.Range[1], st.Resolution)
	res.Alphas = g.Alphas
	res.Settings = st
	return res, g, template, nil
}

// pathRanges are a plane's default coordinate ranges: -1:1 for random
// directions; otherwise around the path (and the origin, with at least
// +-0.1), with a margin of a fifth of the width on each side.
func pathRanges(mode string, path []PathPoint) (ra, rb [2]float64) {
	if mode == "random" {
		return [2]float64{-1, 1}, [2]float64{-1, 1}
	}
	ra, rb = [2]float64{-0.1, 0.1}, [2]float64{-0.1, 0.1}
	for _, q := range path {
		ra = [2]float64{min(ra[0], q.A), max(ra[1], q.A)}
		rb = [2]float64{min(rb[0], q.B), max(rb[1], q.B)}
	}
	for _, r := range []*[2]float64{&ra, &rb} {
		pad := 0.2 * (r[1] - r[0])
		r[0], r[1] = r[0]-pad, r[1]+pad
	}
	return ra, rb
}
