package experiment

import (
	"fmt"
	"path/filepath"

	"github.com/adafisher-go/landscape/report"
)

func figure1Paths(r *Figure1Result, withZ bool) []report.Path {
	var ps []report.Path
	for _, p := range r.Paths {
		q := report.Path{Name: p.Label, X: p.W1, Y: p.W2, Color: p.Color}
		for e := range p.W1 {
			q.Steps = append(q.Steps, e+1)
		}
		if withZ {
			q.Z = p.Loss
		}
		ps = append(ps, q)
	}
	return ps
}

// WriteFigure1Page writes dir/index.html: the paper's Figure 1 panel over the
// interpolated surface, the same paths over each optimizer's evaluated
// surface, the differences, and 3-D views.
func WriteFigure1Page(dir string, r *Figure1Result, o report.Options) error {
	p := report.NewPage("Weight trajectories on the loss landscape (Figure 1)")
	p.Text(fmt.Sprintf("The paper's toy model (Linear(2,1), ReLU, Linear(1,3), Softmax, cross-entropy of the softmax) on iris reduced to 2 features by PCA and standardised, trained from fc1.weight = (%.1f, %.1f) in batches of %d for %d epochs by each optimizer. Each arrow joins the two fc1 weights after consecutive epochs.", r.Start[0], r.Start[1], r.BatchSize, r.Epochs))
	if len(r.Skipped) > 0 {
		p.Text(fmt.Sprintf("Not run (this build lacks them): %v.", r.Skipped))
	}
	p.Section("The notebook's surface: interpolated")
	p.Text("As the official notebook draws it: scipy's griddata(method='cubic') (Delaunay triangles, Clough-Tocher patches, globally estimated gradients) through the epoch-mean training losses recorded at every visited point, on a 200x200 grid over their bounding box; blank outside the convex hull. No loss was evaluated on this grid: it interpolates losses that different models had.")
	err := p.Add(report.Contour{Title: "Weight trajectories on loss landscape", Subtitle: "interpolated epoch-mean losses (griddata cubic)",
		XLabel: "W1 (fc1.weight[0])", YLabel: "W2 (fc1.weight[1])", ZLabel: "loss value", X: r.GridX, Y: r.GridY, Z: transpose(r.Interpolated), Levels: 40, Paths: figure1Paths(r, false)})
	if err != nil {
		return err
	}
	if err := p.Add(report.Surface{Title: "Interpolated surface in 3-D", Subtitle: "paths at their epoch-mean losses",
		XLabel: "W1", YLabel: "W2", ZLabel: "loss", X: r.GridX, Y: r.GridY, Z: transpose(r.Interpolated), Paths: figure1Paths(r, true)}); err != nil {
		return err
	}
	p.Section("The evaluated surfaces")
	p.Text("The true training loss (all 150 samples, cross-entropy of the softmax output) at every grid point, with fc1's two weights at the grid point and every other parameter (fc1.bias, fc2) at the final values of one optimizer: one surface per optimizer, since the other parameters differ. The difference is interpolated minus evaluated, inside the hull.")
	rows := [][]string{}
	for _, q := range r.Paths {
		s := q.Summary
		rows = append(rows, []string{q.Label, fmt.Sprintf("%.4f", q.Loss[len(q.Loss)-1]), fmt.Sprintf("%+.4f", s.Mean), fmt.Sprintf("%.4f", s.MeanAbs), fmt.Sprintf("%.4f", s.RMS), fmt.Sprintf("%.4f", s.MaxAbs), fmt.Sprintf("%.3f", s.Correlation), fmt.Sprint(s.Points)})
	}
	p.Table([]string{"optimizer", "final epoch loss", "mean difference", "mean |difference|", "RMS", "max |difference|", "correlation", "grid points"}, rows)
	for _, q := range r.Paths {
		one := []report.Path{{Name: q.Label, X: q.W1, Y: q.W2, Color: q.Color}}
		if err := p.Add(report.Contour{Title: "Evaluated loss, other parameters at " + q.Label + "'s final values", XLabel: "W1", YLabel: "W2", ZLabel: "training loss",
			X: r.GridX, Y: r.GridY, Z: transpose(q.Evaluated), Levels: 40, Paths: one}); err != nil {
			return err
		}
		if err := p.Add(report.Contour{Title: "Interpolated minus evaluated (" + q.Label + ")", XLabel: "W1", YLabel: "W2", ZLabel: "loss difference",
			X: r.GridX, Y: r.GridY, Z: transpose(q.Difference), Levels: 20, Paths: one}); err != nil {
			return err
		}
	}
	if len(r.Paths) > 0 {
		q := r.Paths[0]
		if err := p.Add(report.Surface{Title: "Evaluated surface in 3-D (" + q.Label + ")", XLabel: "W1", YLabel: "W2", ZLabel: "training loss",
			X: r.GridX, Y: r.GridY, Z: transpose(q.Evaluated), Paths: []report.Path{{Name: q.Label, X: q.W1, Y: q.W2, Z: q.Loss, Color: q.Color}}}); err != nil {
			return err
		}
	}
	var opts []Figure1Optimizer
	for _, q := range r.Paths {
		opts = append(opts, q.Figure1Optimizer)
	}
	p.Settings("optimizers", opts)
	p.Settings("seed", r.Seed)
	p.Settings("interpolator", r.Interpolator)
	return p.WriteFile(filepath.Join(dir, "index.html"), o)
}
