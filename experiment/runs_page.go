package experiment

import (
	"fmt"
	"path/filepath"

	"github.com/adafisher-go/landscape/report"
)

// WriteRunsPage writes dir/index.html, the page of a trajectory of runs.
func WriteRunsPage(dir string, r *RunsTrajectory, o report.Options) error {
	p := report.NewPage("Weight trajectories in one PCA plane")
	p.Text(fmt.Sprintf("The flattened weight snapshots of %d run(s) share one principal basis (centred on %s; %s route). The first two axes hold %.1f%% and %.1f%% of the snapshots' squared distance from the centre. The loss is that of the first run's model and training data on the plane through the centre.",
		len(r.Runs), r.Centre, r.Route, 100*r.Share[0], 100*r.Share[1]))
	var paths, paths3 []report.Path
	for i, rp := range r.Runs {
		q := report.Path{Name: rp.Label, X: rp.A, Y: rp.B, Steps: rp.Steps, Color: report.SeriesColor(i)}
		paths = append(paths, q)
		for k := range rp.A {
			q.Z = append(q.Z, bilinear(r.Alphas, r.Betas, r.Loss, rp.A[k], rp.B[k]))
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
	p.Settings("trajectory", struct {
		Centre string    `json:"centre"`
		Share  []float64 `json:"explained_share"`
		Runs   int       `json:"runs"`
	}{r.Centre, r.Share, len(r.Runs)})
	return p.WriteFile(filepath.Join(dir, "index.html"), o)
}
