package experiment

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/report"
)

// WriteSurfacePage writes OUT/surface.html: the loss along the line, or the
// plane's filled contours and 3-D surface with the run's path on both; and
// lists the page in the run's report index when there is one.
func WriteSurfacePage(out string, r *landscape.SurfaceResult, o report.Options) error {
	st := r.Settings
	p := report.NewPage(fmt.Sprintf("Loss surface of %s (%s)", st.Run, st.Mode))
	desc := map[string]string{
		"line":   fmt.Sprintf("The %s loss along the line w(t) = w_from + t (w_to - w_from) from snapshot %s (t = 0) to %s (t = 1).", st.Split, st.From, st.To),
		"random": fmt.Sprintf("The %s loss on the plane through the %s weights spanned by two random Gaussian directions (seeds %d and %d), each filter rescaled to the norm of the matching filter of the weights (Li et al. 2018); 1-D parameters: %s.", st.Split, st.Centre, st.Seed, st.Seed+1, st.OneD),
		"pca":    fmt.Sprintf("The %s loss on the plane through the %s weights spanned by the first two principal directions of the run's weight snapshots (explained shares %v).", st.Split, st.Centre, []float64(r.Explained)),
		"three":  fmt.Sprintf("The %s loss on the plane through snapshots %v, with orthonormal axes so that distances are distances in parameter space.", st.Split, st.Steps),
	}
	p.Text(desc[st.Mode])
	if st.Mode == "line" {
		if err := p.Add(report.Line{Title: "Loss along the line", XLabel: "t", YLabel: st.Split + " loss",
			Series: []report.Series{{Name: "loss", X: r.Alphas, Y: column(r.Loss, 0)}, {Name: "accuracy", X: r.Alphas, Y: column(r.Accuracy, 0)}}}); err != nil {
			return err
		}
	} else {
		path := report.Path{Name: "training path"}
		var far float64
		for _, q := range r.Path {
			path.X, path.Y, path.Steps = append(path.X, q.A), append(path.Y, q.B), append(path.Steps, q.Step)
			far = max(far, q.Distance)
		}
		sub := ""
		if len(r.Path) > 0 {
			sub = fmt.Sprintf("snapshots projected onto the plane; largest distance from it %.3g", far)
		}
		z := transpose(r.Loss)
		if err := p.Add(report.Contour{Title: "Loss on the plane", Subtitle: sub, XLabel: "a (first direction)", YLabel: "b (second direction)", ZLabel: st.Split + " loss",
			X: r.Alphas, Y: r.Betas, Z: z, Levels: 30, Paths: nonEmpty(path)}); err != nil {
			return err
		}
		path3 := path
		for _, q := range r.Path {
			path3.Z = append(path3.Z, bilinear(r.Alphas, r.Betas, r.Loss, q.A, q.B))
		}
		if err := p.Add(report.Surface{Title: "Loss on the plane in 3-D", XLabel: "a", YLabel: "b", ZLabel: "loss", X: r.Alphas, Y: r.Betas, Z: z, Paths: nonEmpty(path3)}); err != nil {
			return err
		}
		if len(r.Path) > 0 {
			rows := [][]string{}
			for _, q := range r.Path {
				name := fmt.Sprint(q.Step)
				if q.Step < 0 {
					name = "final"
				}
				rows = append(rows, []string{name, fmt.Sprintf("%.4g", q.A), fmt.Sprintf("%.4g", q.B), fmt.Sprintf("%.4g", q.Distance)})
			}
			p.Table([]string{"snapshot", "a", "b", "distance from the plane"}, rows)
		}
	}
	p.Settings("surface", st)
	if err := p.WriteFile(filepath.Join(out, "surface.html"), o); err != nil {
		return err
	}
	idx := filepath.Join(st.Run, "report")
	if _, err := os.Stat(filepath.Join(idx, report.IndexDataFile)); err == nil {
		rel, err := filepath.Rel(idx, filepath.Join(out, "surface.html"))
		if err != nil {
			return err
		}
		return report.UpdateIndex(idx, report.Options{JSDir: o.JSDir}, report.Link{Href: rel, Text: "Loss surface (" + st.Mode + ")"})
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func nonEmpty(p report.Path) []report.Path {
	if len(p.X) == 0 {
		return nil
	}
	return []report.Path{p}
}

func column(g [][]float64, j int) []float64 {
	out := make([]float64, len(g))
	for i := range g {
		out[i] = g[i][j]
	}
	return out
}
