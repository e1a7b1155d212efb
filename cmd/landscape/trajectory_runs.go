package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/train"
	"github.com/adafisher-go/landscape/trajectory"
)

// runsTrajectory is trajectory.json for runs: one shared PCA basis for the
// weight snapshots of every run, the runs' paths in it, and the loss on a
// grid in that plane around the centre.
type runsTrajectory struct {
	Runs     []runPath `json:"runs"`
	Centre   string    `json:"centre"`
	Route    string    `json:"route"`
	Share    floats    `json:"explained_share"`
	Alphas   floats    `json:"alphas"`
	Betas    floats    `json:"betas"`
	Loss     grid      `json:"loss"`
	Accuracy grid      `json:"accuracy,omitempty"`
	Seconds  float64   `json:"seconds"`
}

type runPath struct {
	Run      string `json:"run"`
	Label    string `json:"label"`
	Steps    []int  `json:"steps"` // -1: final.safetensors
	A        floats `json:"a"`
	B        floats `json:"b"`
	Distance floats `json:"distance"`
}

type runsOptions struct {
	Runs       []string
	Centre     string // mean, final (of the first run), or RUN_INDEX:STEP
	Resolution int
	Margin     float64
	Out        string
	Workers    int
}

// trajectoryOfRuns fits one PCA basis to every weight snapshot of the runs
// and evaluates the loss (the first run's training data) on the plane.
func trajectoryOfRuns(ctx context.Context, o runsOptions) (*runsTrajectory, error) {
	start := time.Now()
	var saved []*train.Saved
	var all [][][]float64
	res := &runsTrajectory{Centre: o.Centre}
	for _, r := range o.Runs {
		s, err := train.Open(r)
		if err != nil {
			return nil, err
		}
		snaps, steps, err := snapshots(s)
		if err != nil {
			return nil, err
		}
		if len(all) > 0 && len(snaps[0]) != len(all[0][0]) {
			return nil, fmt.Errorf("%s has %d parameters, %s has %d: the runs must share one architecture", r, len(snaps[0]), o.Runs[0], len(all[0][0]))
		}
		saved = append(saved, s)
		all = append(all, snaps)
		c := s.Info.Config
		res.Runs = append(res.Runs, runPath{Run: r, Label: fmt.Sprintf("%s lr=%g (%s)", c.Optimizer, c.Hyper.LR, filepath.Base(r)), Steps: steps})
	}
	var centre []float64
	switch {
	case o.Centre == "mean":
	case o.Centre == "final":
		centre = all[0][len(all[0])-1]
	default:
		ri, st, ok := strings.Cut(o.Centre, ":")
		i, err1 := strconv.Atoi(ri)
		step, err2 := strconv.Atoi(st)
		if !ok || err1 != nil || err2 != nil || i < 0 || i >= len(all) {
			return nil, fmt.Errorf("--centre %q: want mean, final or RUN_INDEX:STEP (RUN_INDEX from 0)", o.Centre)
		}
		found := false
		for k, s := range res.Runs[i].Steps {
			if s == step {
				centre, found = all[i][k], true
			}
		}
		if !found {
			return nil, fmt.Errorf("--centre %q: run %s has no snapshot at step %d", o.Centre, o.Runs[i], step)
		}
	}
	pca, err := trajectory.FitPCA(all, trajectory.PCAOptions{K: 2, Centre: centre})
	if err != nil {
		return nil, fmt.Errorf("PCA of the runs' snapshots (write them with --snapshot-every): %w", err)
	}
	res.Share = pca.Share
	res.Route = map[trajectory.PCARoute]string{trajectory.RouteGram: "gram", trajectory.RouteCovariance: "covariance"}[pca.Route]
	lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
	for r := range res.Runs {
		for s, c := range pca.Coords[r] {
			res.Runs[r].A = append(res.Runs[r].A, c[0])
			res.Runs[r].B = append(res.Runs[r].B, c[1])
			res.Runs[r].Distance = append(res.Runs[r].Distance, pca.Distance[r][s])
			for k := 0; k < 2; k++ {
				lo[k], hi[k] = min(lo[k], c[k]), max(hi[k], c[k])
			}
		}
	}
	for k := 0; k < 2; k++ {
		lo[k], hi[k] = min(lo[k], 0), max(hi[k], 0)
		pad := o.Margin * max(hi[k]-lo[k], 1e-6)
		lo[k], hi[k] = lo[k]-pad, hi[k]+pad
	}
	res.Alphas = trajectory.Linspace(lo[0], hi[0], o.Resolution)
	res.Betas = trajectory.Linspace(lo[1], hi[1], o.Resolution)
	template, err := saved[0].Load(-1)
	if err != nil {
		return nil, err
	}
	plane := landscape.Grid{Plane: trajectory.Plane{Centre: pca.Centre, D1: pca.Directions[0], D2: pca.Directions[1]}, Alphas: res.Alphas, Betas: res.Betas}
	acc := make(grid, len(res.Alphas))
	for i := range acc {
		acc[i] = make([]float64, len(res.Betas))
	}
	res.Loss, err = landscape.Evaluate(ctx, landscape.EvalConfig{Grid: plane, Build: saved[0].Build, Template: template, Data: saved[0].Train,
		Workers: o.Workers, Done: func(p landscape.Point) { acc[p.I][p.J] = p.Accuracy }})
	if err != nil {
		return nil, err
	}
	res.Accuracy = acc
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// runsReport writes the page of a runs trajectory.
func runsReport(dir string, r *runsTrajectory, o report.Options) error {
	p := report.NewPage("Weight trajectories in one PCA plane")
	p.Text(fmt.Sprintf("The flattened weight snapshots of %d run(s) share one principal basis (centred on %s; %s route). The first two axes hold %.1f%% and %.1f%% of the snapshots' squared distance from the centre. The loss is that of the first run's model and training data on the plane through the centre.",
		len(r.Runs), r.Centre, r.Route, 100*r.Share[0], 100*r.Share[1]))
	var paths, paths3 []report.Path
	for i, rp := range r.Runs {
		q := report.Path{Name: rp.Label, X: rp.A, Y: rp.B, Steps: rp.Steps, Color: report.SeriesColor(i)}
		paths = append(paths, q)
		for k := range rp.A {
			q.Z = append(q.Z, interpolateGrid(r.Alphas, r.Betas, r.Loss, rp.A[k], rp.B[k]))
		}
		paths3 = append(paths3, q)
	}
	z := transpose(r.Loss)
	if err := p.Add(report.Contour{Title: "Trajectories on the PCA plane", XLabel: fmt.Sprintf("PC1 (%.1f%%)", 100*r.Share[0]), YLabel: fmt.Sprintf("PC2 (%.1f%%)", 100*r.Share[1]), ZLabel: "training loss",
		X: r.Alphas, Y: r.Betas, Z: z, Levels: 30, Paths: paths}); err != nil {
		return err
	}
	if err := p.Add(report.Surface{Title: "The plane in 3-D", XLabel: "PC1", YLabel: "PC2", ZLabel: "loss", X: r.Alphas, Y: r.Betas, Z: z, Paths: paths3}); err != nil {
		return err
	}
	var dist []report.Series
	for i, rp := range r.Runs {
		var xs []float64
		for k, s := range rp.Steps {
			if s < 0 {
				s = rp.Steps[max(k-1, 0)] + 1
			}
			xs = append(xs, float64(s))
		}
		dist = append(dist, report.Series{Name: rp.Label, X: xs, Y: rp.Distance, Color: report.SeriesColor(i)})
	}
	if err := p.Add(report.Line{Title: "Distance of each snapshot from the plane", XLabel: "step (final weights last)", YLabel: "distance (parameter space)", Series: dist}); err != nil {
		return err
	}
	p.Settings("trajectory", map[string]any{"runs": len(r.Runs), "centre": r.Centre, "explained_share": []float64(r.Share)})
	return p.WriteFile(filepath.Join(dir, "index.html"), o)
}
