package experiment

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/adafisher-go/landscape/report"
)

// smooth averages y over windows of about len/points consecutive values; x
// is the last x of each window.
func smooth(x, y []float64, points int) ([]float64, []float64) {
	w := max(1, len(y)/points)
	var xs, ys []float64
	for lo := 0; lo < len(y); lo += w {
		hi := min(lo+w, len(y))
		var s float64
		for _, v := range y[lo:hi] {
			s += v
		}
		xs, ys = append(xs, x[hi-1]), append(ys, s/float64(hi-lo))
	}
	return xs, ys
}

func fmtNum(v float64, digits int) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.*f", digits, v)
}

// WriteComparePage writes the comparison's page to path.
func WriteComparePage(path string, c *Comparison, o report.Options) error {
	cfg := c.Config
	equal := "wall-clock time"
	why := " The learning rate is constant: the paper's cosine schedules need a number of epochs, which a time budget does not fix."
	spent := " (time spent on training steps; evaluation is not counted)"
	switch {
	case cfg.Steps > 0:
		equal, why, spent = "numbers of steps", " The learning rate is each setting's constant one.", ""
	case cfg.Epochs > 0:
		equal, why, spent = "numbers of epochs", " The learning rate is each setting's constant one.", ""
	}
	p := report.NewPage(fmt.Sprintf("Optimizers at equal %s: %s on %s", equal, cfg.Model, cfg.Dataset))
	p.Text(fmt.Sprintf("Each optimizer trained the same model (%s) from the same initial weights (seed %d) on the same batches in the same order (batch size %d, %s) for %s%s, with its recommended setting (the README's table, from the paper's configurations).%s",
		cfg.Model, cfg.Seed, cfg.BatchSize, cfg.DType, BudgetText(cfg), spent, why))
	p.Section("Results")
	metric := c.MetricName()
	best := "best " + metric
	header := []string{"optimizer", "setting", "steps", "epochs", "training time (s)", "ms per step (mean)", "ms per step (median)", "final " + metric, best, "final test loss", "final training loss", "run"}
	var rows [][]string
	for _, r := range c.Runs {
		digits := 4
		if c.Perplexity {
			digits = 3
		}
		rel, _ := filepath.Rel(filepath.Dir(path), r.Dir)
		rows = append(rows, []string{r.Label + " (" + r.Optimizer + ")", r.Source, fmt.Sprint(len(r.Step)), fmtNum(r.Epochs, 2), fmtNum(r.TrainTime(), 1), fmtNum(1000*r.TrainTime()/float64(len(r.Step)), 1), fmtNum(r.MedianStepMillis, 1),
			fmtNum(r.FinalTest, digits), fmtNum(r.Best, digits), fmtNum(r.FinalTestLoss, 4), fmtNum(r.FinalTrain, 4), rel})
	}
	p.Table(header, rows)

	p.Section("Test " + metric[len("test "):] + " against time and steps")
	p.Text(fmt.Sprintf("The %s every 1/20 of the budget and after every epoch (and at the end of a partial last epoch).", metric))
	series := func(x func(r *ComparedRun) []float64, y func(r *ComparedRun) []float64) []report.Series {
		var ss []report.Series
		for _, r := range c.Runs {
			if r.HasTest {
				ss = append(ss, report.Series{Name: r.Label, X: x(r), Y: y(r), Color: r.Color(), Markers: true})
			}
		}
		return ss
	}
	epochTime := func(r *ComparedRun) []float64 { return r.TestTime }
	epochStep := func(r *ComparedRun) []float64 { return r.TestStep }
	testMetric := func(r *ComparedRun) []float64 { return r.TestMetric }
	if ss := series(epochTime, testMetric); len(ss) > 0 {
		for _, f := range []report.Line{
			{Title: metric + " against wall-clock time", XLabel: "training time (s)", YLabel: metric, LogY: c.Perplexity, Series: ss},
			{Title: metric + " against step", XLabel: "step", YLabel: metric, LogY: c.Perplexity, Series: series(epochStep, testMetric)},
			{Title: "test loss against wall-clock time", XLabel: "training time (s)", YLabel: "test loss", Series: series(epochTime, func(r *ComparedRun) []float64 { return r.TestLoss })},
		} {
			if err := p.Add(f); err != nil {
				return err
			}
		}
	} else {
		p.Text("The dataset has no test split: there is nothing to show here.")
	}

	p.Section("Training loss against time and steps")
	p.Text("The loss of each batch before its update, averaged over windows of about 1/200 of each run's steps.")
	lossBy := func(x func(r *ComparedRun) []float64) []report.Series {
		var ss []report.Series
		for _, r := range c.Runs {
			xs, ys := smooth(x(r), r.Loss, 200)
			ss = append(ss, report.Series{Name: r.Label, X: xs, Y: ys, Color: r.Color()})
		}
		return ss
	}
	for _, f := range []report.Line{
		{Title: "training loss against wall-clock time", XLabel: "training time (s)", YLabel: "training loss", LogY: true, Series: lossBy(func(r *ComparedRun) []float64 { return r.Time })},
		{Title: "training loss against step", XLabel: "step", YLabel: "training loss", LogY: true, Series: lossBy(func(r *ComparedRun) []float64 { return r.Step })},
	} {
		if err := p.Add(f); err != nil {
			return err
		}
	}

	p.Section("Time per step")
	var speed []report.Series
	for _, r := range c.Runs {
		ms := make([]float64, len(r.Time))
		prev := 0.0
		for i, v := range r.Time {
			ms[i], prev = 1000*(v-prev), v
		}
		xs, ys := smooth(r.Step, ms, 200)
		speed = append(speed, report.Series{Name: r.Label, X: xs, Y: ys, Color: r.Color()})
	}
	if err := p.Add(report.Line{Title: "time per step", Subtitle: "mean over windows of about 1/200 of each run's steps", XLabel: "step", YLabel: "ms per step", LogY: true, Series: speed}); err != nil {
		return err
	}
	var links []report.Link
	for _, r := range c.Runs {
		rel, _ := filepath.Rel(filepath.Dir(path), r.Dir)
		links = append(links, report.Link{Href: filepath.Join(rel, "report", report.IndexFile), Text: r.Label, Note: "its own report, if written with landscape report " + r.Dir})
	}
	p.Section("Runs")
	p.Text("Each optimizer's run is an ordinary run directory: landscape report, surface, hessian and trajectory read it.")
	p.Links(links)
	var settings []CompareSetting
	for _, r := range c.Runs {
		settings = append(settings, r.CompareSetting)
	}
	p.Settings("settings", settings)
	for _, r := range c.Runs {
		p.Settings(r.Label+" — "+r.Dir+"/run.json", r.Info)
	}
	return p.WriteFile(path, o)
}
