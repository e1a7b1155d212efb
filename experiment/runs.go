package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
	"github.com/adafisher-go/landscape/trajectory"
)

// RunsConfig is a trajectory of runs: their weight snapshots in one PCA
// plane and the loss on a grid in it.
type RunsConfig struct {
	Runs []string // run directories with weight snapshots
	// Centre is the centre of the plane: "mean" (of all snapshots),
	// "final" (the first run's final weights; the default) or
	// "RUN_INDEX:STEP" (a snapshot, RUN_INDEX from 0).
	Centre     string
	Resolution int     // grid points along each axis; default 41
	Margin     float64 // the grid extends this share beyond the paths; default 0.2
	Workers    int     // evaluating the grid; 0: one per CPU
	// Out, when set, is a directory to write trajectory.json into.
	Out string
}

// RunsTrajectory is the result of TrajectoryOfRuns (trajectory.json): one
// shared PCA basis for the weight snapshots of every run, the runs' paths in
// it, and the loss on a grid in that plane around the centre.
type RunsTrajectory struct {
	Runs     []RunPath     `json:"runs"`
	Centre   string        `json:"centre"`
	Route    string        `json:"route"`
	Share    rundir.Floats `json:"explained_share"`
	Alphas   rundir.Floats `json:"alphas"`
	Betas    rundir.Floats `json:"betas"`
	Loss     rundir.Grid   `json:"loss"`
	Accuracy rundir.Grid   `json:"accuracy,omitempty"`
	Seconds  float64       `json:"seconds"`
}

// RunPath is one run's path in the plane.
type RunPath struct {
	Run      string        `json:"run"`
	Label    string        `json:"label"`
	Steps    []int         `json:"steps"` // -1: final.safetensors
	A        rundir.Floats `json:"a"`
	B        rundir.Floats `json:"b"`
	Distance rundir.Floats `json:"distance"` // from the plane
}

// TrajectoryOfRuns fits one PCA basis to every weight snapshot of the runs
// and evaluates the loss (the first run's model and training data) on the
// plane.
func TrajectoryOfRuns(ctx context.Context, o RunsConfig) (*RunsTrajectory, error) {
	start := time.Now()
	if o.Centre == "" {
		o.Centre = "final"
	}
	if o.Resolution == 0 {
		o.Resolution = 41
	}
	if o.Margin == 0 {
		o.Margin = 0.2
	}
	if o.Resolution < 2 {
		return nil, fmt.Errorf("trajectory: a grid of %d points per axis, want at least 2", o.Resolution)
	}
	if len(o.Runs) == 0 {
		return nil, fmt.Errorf("trajectory: no runs")
	}
	var saved []*train.Saved
	var all [][][]float64
	res := &RunsTrajectory{Centre: o.Centre}
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
		res.Runs = append(res.Runs, RunPath{Run: r, Label: fmt.Sprintf("%s lr=%g (%s)", c.Optimizer, c.Hyper.LR, filepath.Base(r)), Steps: steps})
	}
	centre, err := planeCentre(o.Centre, o.Runs, res.Runs, all)
	if err != nil {
		return nil, err
	}
	pca, err := trajectory.FitPCA(all, trajectory.PCAOptions{K: 2, Centre: centre})
	if err != nil {
		return nil, fmt.Errorf("PCA of the runs' snapshots (train the runs with weight snapshots): %w", err)
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
	acc := make(rundir.Grid, len(res.Alphas))
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
	if o.Out != "" {
		if err := os.MkdirAll(o.Out, 0o755); err != nil {
			return nil, err
		}
		b, err := json.Marshal(res)
		if err != nil {
			return nil, err
		}
		if err := rundir.WriteBytesAtomic(filepath.Join(o.Out, TrajectoryFile), b); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// planeCentre returns the flattened weights at the centre the spec names,
// nil for the mean.
func planeCentre(spec string, runs []string, paths []RunPath, all [][][]float64) ([]float64, error) {
	switch spec {
	case "mean":
		return nil, nil
	case "final":
		return all[0][len(all[0])-1], nil
	}
	ri, st, ok := strings.Cut(spec, ":")
	i, err1 := strconv.Atoi(ri)
	step, err2 := strconv.Atoi(st)
	if !ok || err1 != nil || err2 != nil || i < 0 || i >= len(all) {
		return nil, &CentreError{spec, fmt.Sprintf("want mean, final or RUN_INDEX:STEP (RUN_INDEX from 0 to %d)", len(all)-1)}
	}
	for k, s := range paths[i].Steps {
		if s == step {
			return all[i][k], nil
		}
	}
	return nil, &CentreError{spec, fmt.Sprintf("run %s has no snapshot at step %d", runs[i], step)}
}

// CentreError is a centre of the plane that is malformed or names no
// snapshot.
type CentreError struct{ Spec, Problem string }

func (e *CentreError) Error() string { return fmt.Sprintf("centre %q: %s", e.Spec, e.Problem) }

// snapshots returns a run's flattened weight snapshots, final.safetensors
// last (step -1).
func snapshots(s *train.Saved) ([][]float64, []int, error) {
	steps, err := s.Dir.WeightSteps()
	if err != nil {
		return nil, nil, err
	}
	steps = append(steps, -1)
	var out [][]float64
	for _, st := range steps {
		m, err := s.Load(st)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, landscape.Flatten(m))
	}
	return out, steps, nil
}
