package experiment

import (
	"context"
	"fmt"
	"math"
	"path/filepath"

	"github.com/adafisher-go/landscape/interp"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
	"github.com/adafisher-go/landscape/trajectory"
)

// figure1Surfaces interpolates the recorded losses on the grid and
// evaluates each optimizer's surface.
func figure1Surfaces(ctx context.Context, res *Figure1Result, n int) error {
	var xs, ys, vs []float64
	for _, p := range res.Paths {
		xs, ys, vs = append(xs, p.W1...), append(ys, p.W2...), append(vs, p.Loss...)
	}
	gx, gy := interp.BoundingBoxGrid(xs, ys, n, n)
	res.GridX, res.GridY = gx, gy
	ct, err := interp.NewCloughTocher(xs, ys, vs)
	if err != nil {
		return fmt.Errorf("figure 1: interpolating the recorded losses: %w", err)
	}
	res.Interpolator.Iterations, res.Interpolator.Converged = ct.Iterations(), ct.Converged()
	res.Interpolated = ct.Grid(gx, gy)
	build, tr, err := figure1Model(res.Seed)
	if err != nil {
		return err
	}
	for i := range res.Paths {
		p := &res.Paths[i]
		ev, err := evaluateFC1Plane(ctx, p.Run, build, tr, gx, gy)
		if err != nil {
			return err
		}
		p.Evaluated = ev
		p.Difference, p.Summary = difference(res.Interpolated, ev)
	}
	return nil
}

// evaluateFC1Plane returns the training loss on the grid with fc1.weight at
// the grid point and every other parameter at the final values of the run.
func evaluateFC1Plane(ctx context.Context, run string, build func() (*nn.Model[float64], error), tr *data.Dataset, gx, gy []float64) ([][]float64, error) {
	final, err := rundir.Read(filepath.Join(run, rundir.FinalFile))
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
	return landscape.Evaluate(ctx, landscape.EvalConfig{Grid: landscape.Grid{Plane: trajectory.Plane{Centre: centre, D1: d1, D2: d2}, Alphas: gx, Betas: gy},
		Build: build, Template: fm, Data: tr})
}

// difference returns interp - eval and its summary over the points where
// both are defined.
func difference(interp, eval [][]float64) (rundir.Grid, DiffSummary) {
	out := make(rundir.Grid, len(interp))
	var s DiffSummary
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
