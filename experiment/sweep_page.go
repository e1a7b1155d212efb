package experiment

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/adafisher-go/landscape/report"
)

// WriteSweepPage writes dir/index.html: the Table-2-style table of every
// setting (mean ± std over seeds), the Figure-5 panels (test accuracy
// against batch size, against learning rate and against epoch time, and
// epoch time per optimizer) and the learning curves with their ± std
// bounds.
func WriteSweepPage(dir string, s *SweepSummary, o report.Options) error {
	p := report.NewPage(fmt.Sprintf("Sweep: %s on %s", s.Model, s.Dataset))
	p.Text("Every setting (optimizer, learning rate, batch size) trained once per seed. Numbers are the mean ± the " + s.StdNote + ", with [min, max]; the shaded bands of the charts are mean ± std. Epoch time is training time only (evaluation not counted).")
	p.Section("Results (as the paper's Table 2)")
	pm := func(st Stat, digits int) string {
		return fmt.Sprintf("%s ± %s [%s, %s]", fmtNum(st.Mean, digits), fmtNum(st.Std, digits), fmtNum(st.Min, digits), fmtNum(st.Max, digits))
	}
	var rows [][]string
	for _, st := range s.Settings {
		rows = append(rows, []string{st.Optimizer, fmtLR(st.LR), strconv.Itoa(st.BatchSize), strconv.Itoa(len(st.Seeds)),
			pm(st.FinalTestAccuracy, 4), pm(st.BestTestAccuracy, 4), pm(st.FinalTestLoss, 4), pm(st.BestTestLoss, 4), pm(ms(st.EpochTime), 3)})
	}
	p.Table([]string{"optimizer", "lr", "batch size", "seeds", "final test accuracy", "best test accuracy", "final test loss", "best test loss", "epoch time (ms)"}, rows)

	p.Section("Stability over batch sizes and learning rates (as the paper's Figure 5)")
	lrs, batches := distinct(s, func(st SettingSummary) float64 { return st.LR }), distinct(s, func(st SettingSummary) float64 { return float64(st.BatchSize) })
	byOpt := func(st SettingSummary) string { return st.Optimizer }
	acc := func(st SettingSummary) Stat { return st.FinalTestAccuracy }
	epochTime := func(st SettingSummary) Stat { return st.EpochTime }
	bs := func(st SettingSummary) float64 { return float64(st.BatchSize) }
	lr := func(st SettingSummary) float64 { return st.LR }
	withLR := func(st SettingSummary) string {
		if lrs > 1 {
			return st.Optimizer + " lr " + fmtLR(st.LR)
		}
		return st.Optimizer
	}
	withBS := func(st SettingSummary) string {
		if batches > 1 {
			return fmt.Sprintf("%s bs %d", st.Optimizer, st.BatchSize)
		}
		return st.Optimizer
	}
	var panels []report.Band
	if batches > 1 {
		panels = append(panels, report.Band{Title: "final test accuracy against batch size", XLabel: "batch size", YLabel: "test accuracy", LogX: batches > 2, Series: statSeries(s, withLR, bs, acc)})
	}
	if lrs > 1 {
		panels = append(panels, report.Band{Title: "final test accuracy against learning rate", XLabel: "learning rate", YLabel: "test accuracy", LogX: true, Series: statSeries(s, withBS, lr, acc)})
	}
	panels = append(panels, report.Band{Title: "final test accuracy against epoch time", XLabel: "epoch time (s)", YLabel: "test accuracy",
		Series: statSeries(s, byOpt, func(st SettingSummary) float64 { return st.EpochTime.Mean }, acc)})
	if batches > 1 || lrs == 1 {
		panels = append(panels, report.Band{Title: "epoch time per optimizer, against batch size", XLabel: "batch size", YLabel: "epoch time (s)", LogX: batches > 2, Series: statSeries(s, withLR, bs, epochTime)})
	} else {
		panels = append(panels, report.Band{Title: "epoch time per optimizer, against learning rate", XLabel: "learning rate", YLabel: "epoch time (s)", LogX: true, Series: statSeries(s, byOpt, lr, epochTime)})
	}
	if batches == 1 || lrs == 1 {
		p.Text("A panel against batch size or learning rate is left out where the sweep has one value of it.")
	}
	for _, f := range panels {
		if err := p.Add(f); err != nil {
			return err
		}
	}

	p.Section("Learning curves over seeds")
	p.Text("After each complete epoch that every seed of the setting reached: the mean over seeds, and mean ± std shaded.")
	curve := func(mean, std func(c SweepCurve) []float64) []report.BandSeries {
		var ss []report.BandSeries
		for i, st := range s.Settings {
			c := st.Curve
			name := fmt.Sprintf("%s lr %s bs %d", st.Optimizer, fmtLR(st.LR), st.BatchSize)
			ss = append(ss, band(name, report.SeriesColor(i), c.Epoch, mean(c), std(c)))
		}
		return ss
	}
	for _, f := range []report.Band{
		{Title: "test accuracy against epoch", XLabel: "epoch", YLabel: "test accuracy",
			Series: curve(func(c SweepCurve) []float64 { return c.TestAccuracy }, func(c SweepCurve) []float64 { return c.TestAccuracyStd })},
		{Title: "test loss against epoch", XLabel: "epoch", YLabel: "test loss",
			Series: curve(func(c SweepCurve) []float64 { return c.TestLoss }, func(c SweepCurve) []float64 { return c.TestLossStd })},
		{Title: "training loss against epoch", XLabel: "epoch", YLabel: "training loss (epoch mean)",
			Series: curve(func(c SweepCurve) []float64 { return c.TrainLoss }, func(c SweepCurve) []float64 { return c.TrainLossStd })},
	} {
		if len(f.Series) == 0 || len(f.Series[0].X) == 0 {
			continue
		}
		if err := p.Add(f); err != nil {
			return err
		}
	}
	var links []report.Link
	for _, st := range s.Settings {
		for _, r := range st.Runs {
			links = append(links, report.Link{Text: r.Name, Href: filepath.ToSlash(filepath.Join("..", r.Dir))})
		}
	}
	p.Section("Runs")
	p.Links(links)
	return p.WriteFile(filepath.Join(dir, report.IndexFile), o)
}

// ms is a Stat of seconds in milliseconds.
func ms(s Stat) Stat {
	return Stat{N: s.N, Mean: 1000 * s.Mean, Std: 1000 * s.Std, Min: 1000 * s.Min, Max: 1000 * s.Max}
}

func fmtLR(lr float64) string { return strconv.FormatFloat(lr, 'g', -1, 64) }

// distinct counts the distinct values of a setting's field.
func distinct(s *SweepSummary, f func(SettingSummary) float64) int {
	var seen []float64
	for _, st := range s.Settings {
		if !slices.Contains(seen, f(st)) {
			seen = append(seen, f(st))
		}
	}
	return len(seen)
}

// statSeries draws y (mean, and mean ± std dashed) against x, one line per
// group of settings, in the order the groups first appear, points sorted by
// x.
func statSeries(s *SweepSummary, group func(SettingSummary) string, x func(SettingSummary) float64, y func(SettingSummary) Stat) []report.BandSeries {
	var names []string
	pts := map[string][]SettingSummary{}
	for _, st := range s.Settings {
		g := group(st)
		if _, ok := pts[g]; !ok {
			names = append(names, g)
		}
		pts[g] = append(pts[g], st)
	}
	var ss []report.BandSeries
	for i, g := range names {
		sts := pts[g]
		slices.SortStableFunc(sts, func(a, b SettingSummary) int {
			xa, xb := x(a), x(b)
			switch {
			case xa < xb || math.IsNaN(xb) && !math.IsNaN(xa):
				return -1
			case xa > xb || math.IsNaN(xa) && !math.IsNaN(xb):
				return 1
			}
			return 0
		})
		var xs, mean, std []float64
		for _, st := range sts {
			xs, mean, std = append(xs, x(st)), append(mean, y(st).Mean), append(std, y(st).Std)
		}
		ss = append(ss, band(g, report.SeriesColor(i), xs, mean, std))
	}
	return ss
}

// band is a mean line with markers and the band mean ± std (none where
// the std is NaN: one seed).
func band(name, color string, x, mean, std []float64) report.BandSeries {
	lo, hi := make([]float64, len(mean)), make([]float64, len(mean))
	for i := range mean {
		lo[i], hi[i] = mean[i]-std[i], mean[i]+std[i]
	}
	return report.BandSeries{Series: report.Series{Name: name, X: x, Y: mean, Color: color, Markers: true}, Lo: lo, Hi: hi}
}
