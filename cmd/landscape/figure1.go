package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
	"github.com/adafisher-go/landscape/trajectory"
)

// figure1Optimizer is one optimizer of the paper's Figure 1 notebook (reference
// section 12.3), with its settings and colour there, plus SGD.
type figure1Optimizer struct {
	Label     string      `json:"label"`
	Optimizer string      `json:"optimizer"`
	Color     string      `json:"color"`
	Hyper     optim.Hyper `json:"hyper"`
}

func figure1Optimizers() []figure1Optimizer {
	return []figure1Optimizer{
		{"AdaFisher", "adafisher", "#000000", optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, FisherMode: "reference"}},
		{"KFAC", "kfac", "#800080", kfacFigure1Hyper()},
		{"Adam", "adam", "#00bfbf", optim.Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"AdaHessian", "adahessian", "#008000", adahessianFigure1Hyper()},
		{"Shampoo", "shampoo", "#0000ff", shampooFigure1Hyper()},
		{"SGD", "sgd", "#ff7f0e", optim.Hyper{LR: 1e-3, Momentum: 0.9}},
	}
}

// figure1Path is one optimizer's trajectory: fc1's two weights after each
// epoch and the mean of that epoch's batch losses, as the notebook records.
type figure1Path struct {
	figure1Optimizer
	Run  string `json:"run"`
	W1   floats `json:"w1"`
	W2   floats `json:"w2"`
	Loss floats `json:"epoch_loss"`
	// Evaluated is the true training loss on the grid with fc1's weights at
	// the grid point and every other parameter at this optimizer's final
	// values; Difference is interpolated minus evaluated, NaN outside the
	// hull.
	Evaluated  grid       `json:"evaluated"`
	Difference grid       `json:"difference"`
	Summary    diffSummry `json:"difference_summary"`
}

// diffSummry summarises interpolated minus evaluated loss over the grid
// points inside the hull.
type diffSummry struct {
	Points      int     `json:"points"`
	MeanAbs     float64 `json:"mean_abs"`
	RMS         float64 `json:"rms"`
	MaxAbs      float64 `json:"max_abs"`
	Mean        float64 `json:"mean"`
	Correlation float64 `json:"correlation"`
}

// figure1Result is everything trajectory.json holds.
type figure1Result struct {
	Dataset      string        `json:"dataset"`
	Seed         uint64        `json:"seed"`
	Epochs       int           `json:"epochs"`
	BatchSize    int           `json:"batch_size"`
	Start        [2]float64    `json:"start"`
	Skipped      []string      `json:"skipped,omitempty"`
	GridX        floats        `json:"grid_x"`
	GridY        floats        `json:"grid_y"`
	Interpolated grid          `json:"interpolated"`
	Paths        []figure1Path `json:"paths"`
	Seconds      float64       `json:"seconds"`
	Interpolator struct {
		Iterations int  `json:"gradient_iterations"`
		Converged  bool `json:"converged"`
	} `json:"interpolator"`
}

type figure1Options struct {
	Seed       uint64
	Epochs     int
	BatchSize  int
	Grid       int
	Optimizers []string // labels; empty: all
	Out        string
	Log        func(string)
}

// figure1 trains the paper's Figure 1 model with each optimizer from the same
// start and builds the interpolated and the evaluated loss surfaces.
func figure1(ctx context.Context, o figure1Options) (*figure1Result, error) {
	start := time.Now()
	res := &figure1Result{Dataset: "iris", Seed: o.Seed, Epochs: o.Epochs, BatchSize: o.BatchSize, Start: [2]float64{0.2, 0.2}}
	dopt := data.Options{PCA: 2, Standardize: true}
	tr, _, err := data.Load("iris", dopt)
	if err != nil {
		return nil, err
	}
	mcfg := models.Config{Arch: "iris-toy", InputShape: tr.Shape, Classes: tr.Classes, Seed: o.Seed}
	build := func() (*nn.Model[float64], error) { return models.Build[float64](mcfg) }
	m, err := build()
	if err != nil {
		return nil, err
	}
	w := m.Param("fc1.weight")
	w.Value.Data[0], w.Value.Data[1] = res.Start[0], res.Start[1]
	initPath := filepath.Join(o.Out, "init.safetensors")
	if err := train.SaveModel(initPath, m, map[string]string{"note": "iris-toy from --seed with fc1.weight = (0.2, 0.2)"}); err != nil {
		return nil, err
	}
	spe := (tr.Len() + o.BatchSize - 1) / o.BatchSize
	for _, fo := range figure1Optimizers() {
		if len(o.Optimizers) > 0 && !slices.Contains(o.Optimizers, fo.Label) && !slices.Contains(o.Optimizers, fo.Optimizer) {
			continue
		}
		if !slices.Contains(optim.Names, fo.Optimizer) {
			res.Skipped = append(res.Skipped, fo.Label)
			o.Log(fmt.Sprintf("trajectory: skipping %s: this build has no %s optimizer", fo.Label, fo.Optimizer))
			continue
		}
		fo.Hyper.Seed = o.Seed
		dir := filepath.Join(o.Out, "runs", fo.Optimizer)
		cfg := train.Config{Dataset: "iris", PCA: 2, Standardize: true, Shuffle: true, BatchSize: o.BatchSize, Model: "iris-toy",
			Optimizer: fo.Optimizer, Hyper: fo.Hyper, Seed: o.Seed, DType: "float64", Epochs: o.Epochs, SnapshotEvery: spe, Init: initPath, Out: dir}
		if _, err := train.Run[float64](ctx, cfg, train.Options{Overwrite: true, Version: version(), Log: o.Log}); err != nil {
			return nil, fmt.Errorf("%s: %w", fo.Label, err)
		}
		p, err := readFigure1Path(dir, spe, o.Epochs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", fo.Label, err)
		}
		p.figure1Optimizer = fo
		res.Paths = append(res.Paths, p)
	}
	if len(res.Paths) == 0 {
		return nil, fmt.Errorf("trajectory: no optimizer to run")
	}
	var xs, ys, vs []float64
	for _, p := range res.Paths {
		xs, ys, vs = append(xs, p.W1...), append(ys, p.W2...), append(vs, p.Loss...)
	}
	gx, gy := trajectory.BoundingBoxGrid(xs, ys, o.Grid, o.Grid)
	res.GridX, res.GridY = gx, gy
	ct, err := trajectory.NewCloughTocher(xs, ys, vs)
	if err != nil {
		return nil, fmt.Errorf("trajectory: interpolating the recorded losses: %w", err)
	}
	res.Interpolator.Iterations, res.Interpolator.Converged = ct.Iterations(), ct.Converged()
	res.Interpolated = ct.Grid(gx, gy)
	for i := range res.Paths {
		p := &res.Paths[i]
		final, err := rundir.Read(filepath.Join(p.Run, "final.safetensors"))
		if err != nil {
			return nil, err
		}
		fm, err := build()
		if err != nil {
			return nil, err
		}
		if err := train.LoadModel(final, fm, "", true); err != nil {
			return nil, err
		}
		centre := landscape.Flatten(fm)
		off, _, err := landscape.Offset(fm, "fc1.weight")
		if err != nil {
			return nil, err
		}
		centre[off], centre[off+1] = 0, 0
		d1, d2 := make([]float64, len(centre)), make([]float64, len(centre))
		d1[off], d2[off+1] = 1, 1
		ev, err := landscape.Evaluate(ctx, landscape.Plane{Center: centre, D1: d1, D2: d2, Alphas: gx, Betas: gy}, build, fm, tr, 0, nil, nil)
		if err != nil {
			return nil, err
		}
		p.Evaluated = ev
		p.Difference, p.Summary = difference(res.Interpolated, ev)
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

func readFigure1Path(dir string, spe, epochs int) (figure1Path, error) {
	p := figure1Path{Run: dir}
	d, err := rundir.Open(dir)
	if err != nil {
		return p, err
	}
	for e := 1; e <= epochs; e++ {
		f, err := rundir.Read(d.WeightsPath(e * spe))
		if err != nil {
			return p, err
		}
		t, ok := f.Get("fc1.weight")
		if !ok {
			return p, fmt.Errorf("%s: no fc1.weight", d.WeightsPath(e*spe))
		}
		v, err := t.Float64s()
		if err != nil {
			return p, err
		}
		p.W1, p.W2 = append(p.W1, v[0]), append(p.W2, v[1])
	}
	recs, err := rundir.ReadMetrics(d.MetricsPath())
	if err != nil {
		return p, err
	}
	for _, r := range recs {
		if r["kind"] == "epoch" {
			p.Loss = append(p.Loss, r["train_loss"].(float64))
		}
	}
	if len(p.Loss) != epochs {
		return p, fmt.Errorf("%s: %d epoch records, want %d", d.MetricsPath(), len(p.Loss), epochs)
	}
	return p, nil
}

func difference(interp, eval [][]float64) (grid, diffSummry) {
	out := make(grid, len(interp))
	var s diffSummry
	var sa, sb, saa, sbb, sab float64
	for i := range interp {
		out[i] = make([]float64, len(interp[i]))
		for j, a := range interp[i] {
			b := eval[i][j]
			d := a - b
			out[i][j] = d
			if math.IsNaN(d) {
				continue
			}
			s.Points++
			s.MeanAbs += math.Abs(d)
			s.RMS += d * d
			s.Mean += d
			s.MaxAbs = max(s.MaxAbs, math.Abs(d))
			sa, sb, saa, sbb, sab = sa+a, sb+b, saa+a*a, sbb+b*b, sab+a*b
		}
	}
	if n := float64(s.Points); n > 0 {
		s.MeanAbs /= n
		s.RMS = math.Sqrt(s.RMS / n)
		s.Mean /= n
		cov := sab/n - sa/n*sb/n
		s.Correlation = cov / math.Sqrt((saa/n-sa/n*sa/n)*(sbb/n-sb/n*sb/n))
	}
	return out, s
}

// figure1Text summarises the result for the terminal.
func figure1Text(w io.Writer, r *figure1Result) {
	paths := append([]figure1Path(nil), r.Paths...)
	sort.SliceStable(paths, func(a, b int) bool { return paths[a].Label < paths[b].Label })
	for _, p := range paths {
		fmt.Fprintf(w, "%-10s  w = (%.4f, %.4f) -> (%.4f, %.4f)  epoch loss %.4f -> %.4f  interpolated - evaluated: mean %+.4f, RMS %.4f, max |.| %.4f over %d points\n",
			p.Label, p.W1[0], p.W2[0], p.W1[len(p.W1)-1], p.W2[len(p.W2)-1], p.Loss[0], p.Loss[len(p.Loss)-1], p.Summary.Mean, p.Summary.RMS, p.Summary.MaxAbs, p.Summary.Points)
	}
}
