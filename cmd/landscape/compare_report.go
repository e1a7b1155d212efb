package main

import (
	"fmt"
	"io"
	"math"
	"path/filepath"
	"sort"

	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// compareColors are the Figure 1 notebook's colours, plus SGD's.
var compareColors = map[string]string{"adafisher": "#000000", "kfac": "#800080", "adam": "#00bfbf", "adahessian": "#008000", "shampoo": "#0000ff", "sgd": "#ff7f0e"}

// comparedRun is one optimizer's run read back.
type comparedRun struct {
	compareSetting
	Dir  string
	Info train.Info

	step, loss, time      []float64 // per step
	epochStep, epochTime  []float64 // per epoch record
	testMetric, testLoss  []float64
	finalTest, finalTrain float64 // the final test metric and training loss (NaN without)
	finalTestLoss         float64
	best                  float64 // best test metric over the epoch records
	msPerStep             float64 // median
	epochs                float64 // steps / steps per epoch
	hasTest               bool
}

// comparison is what the report shows.
type comparison struct {
	Config     train.Config
	Perplexity bool // the test metric is perplexity (lower is better), else accuracy
	Runs       []*comparedRun
}

func readComparison(c train.Config, settings []compareSetting, dirs []string) (*comparison, error) {
	res := &comparison{Config: c}
	for i, s := range settings {
		r := &comparedRun{compareSetting: s, Dir: dirs[i], finalTest: math.NaN(), finalTrain: math.NaN(), finalTestLoss: math.NaN(), best: math.NaN()}
		d, err := rundir.Open(r.Dir)
		if err != nil {
			return nil, err
		}
		if err := d.ReadJSON(rundir.ConfigFile, &r.Info); err != nil {
			return nil, err
		}
		res.Perplexity = r.Info.Data.Targets > 0
		recs, err := rundir.ReadMetrics(d.MetricsPath())
		if err != nil {
			return nil, err
		}
		metric := "test_accuracy"
		if res.Perplexity {
			metric = "test_perplexity"
		}
		num := func(rec map[string]any, k string) float64 {
			if v, ok := rec[k].(float64); ok {
				return v
			}
			return math.NaN()
		}
		for _, rec := range recs {
			switch rec["kind"] {
			case "step":
				r.step = append(r.step, num(rec, "step"))
				r.loss = append(r.loss, num(rec, "loss"))
				r.time = append(r.time, num(rec, "time_s"))
			case "epoch", "eval":
				if _, ok := rec[metric]; !ok {
					continue
				}
				r.hasTest = true
				r.epochStep = append(r.epochStep, num(rec, "step"))
				r.epochTime = append(r.epochTime, num(rec, "time_s"))
				r.testMetric = append(r.testMetric, num(rec, metric))
				r.testLoss = append(r.testLoss, num(rec, "test_loss"))
			case "final":
				r.finalTest, r.finalTrain, r.finalTestLoss = num(rec, metric), num(rec, "train_loss"), num(rec, "test_loss")
			}
		}
		for _, v := range r.testMetric {
			if math.IsNaN(r.best) || (res.Perplexity && v < r.best) || (!res.Perplexity && v > r.best) {
				r.best = v
			}
		}
		r.msPerStep = medianStepMillis(r.time)
		if spe := r.Info.StepsPerEp; spe > 0 {
			r.epochs = float64(len(r.step)) / float64(spe)
		}
		res.Runs = append(res.Runs, r)
	}
	return res, nil
}

// medianStepMillis is the median time between consecutive steps, in ms.
func medianStepMillis(t []float64) float64 {
	if len(t) == 0 {
		return math.NaN()
	}
	d := make([]float64, len(t))
	prev := 0.0
	for i, v := range t {
		d[i], prev = 1000*(v-prev), v
	}
	if len(d) > 1 {
		d = d[1:] // the first step includes warming up
	}
	sort.Float64s(d)
	return d[len(d)/2]
}

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

func (r *comparedRun) color() string { return compareColors[r.Label] }

// trainTime is the run's training time in seconds (NaN without steps).
func (r *comparedRun) trainTime() float64 {
	if len(r.time) == 0 {
		return math.NaN()
	}
	return r.time[len(r.time)-1]
}

func (c *comparison) metricName() string {
	if c.Perplexity {
		return "test perplexity"
	}
	return "test accuracy"
}

func fmtNum(v float64, digits int) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.*f", digits, v)
}

// compareReport writes the comparison's page.
func compareReport(path string, c *comparison, o report.Options) error {
	cfg := c.Config
	p := report.NewPage(fmt.Sprintf("Optimizers at equal wall-clock time: %s on %s", cfg.Model, cfg.Dataset))
	p.Text(fmt.Sprintf("Each optimizer trained the same model (%s) from the same initial weights (seed %d) on the same batches in the same order (batch size %d, %s) for %s of training time (time spent on training steps; evaluation is not counted), with its recommended setting (the README's table, from the paper's configurations). The learning rate is constant: the paper's cosine schedules need a number of epochs, which a time budget does not fix.",
		cfg.Model, cfg.Seed, cfg.BatchSize, cfg.DType, cfg.TimeBudget))
	p.Section("Results")
	metric := c.metricName()
	best := "best " + metric
	header := []string{"optimizer", "setting", "steps", "epochs", "training time (s)", "ms per step (mean)", "ms per step (median)", "final " + metric, best, "final test loss", "final training loss", "run"}
	var rows [][]string
	for _, r := range c.Runs {
		digits := 4
		if c.Perplexity {
			digits = 3
		}
		rel, _ := filepath.Rel(filepath.Dir(path), r.Dir)
		rows = append(rows, []string{r.Label + " (" + r.Optimizer + ")", r.Source, fmt.Sprint(len(r.step)), fmtNum(r.epochs, 2), fmtNum(r.trainTime(), 1), fmtNum(1000*r.trainTime()/float64(len(r.step)), 1), fmtNum(r.msPerStep, 1),
			fmtNum(r.finalTest, digits), fmtNum(r.best, digits), fmtNum(r.finalTestLoss, 4), fmtNum(r.finalTrain, 4), rel})
	}
	p.Table(header, rows)

	p.Section("Test " + metric[len("test "):] + " against time and steps")
	p.Text(fmt.Sprintf("The %s every 1/20 of the budget and after every epoch (and at the end of a partial last epoch).", metric))
	series := func(x func(r *comparedRun) []float64, y func(r *comparedRun) []float64) []report.Series {
		var ss []report.Series
		for _, r := range c.Runs {
			if r.hasTest {
				ss = append(ss, report.Series{Name: r.Label, X: x(r), Y: y(r), Color: r.color(), Markers: true})
			}
		}
		return ss
	}
	epochTime := func(r *comparedRun) []float64 { return r.epochTime }
	epochStep := func(r *comparedRun) []float64 { return r.epochStep }
	testMetric := func(r *comparedRun) []float64 { return r.testMetric }
	if ss := series(epochTime, testMetric); len(ss) > 0 {
		for _, f := range []report.Line{
			{Title: metric + " against wall-clock time", XLabel: "training time (s)", YLabel: metric, LogY: c.Perplexity, Series: ss},
			{Title: metric + " against step", XLabel: "step", YLabel: metric, LogY: c.Perplexity, Series: series(epochStep, testMetric)},
			{Title: "test loss against wall-clock time", XLabel: "training time (s)", YLabel: "test loss", Series: series(epochTime, func(r *comparedRun) []float64 { return r.testLoss })},
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
	lossBy := func(x func(r *comparedRun) []float64) []report.Series {
		var ss []report.Series
		for _, r := range c.Runs {
			xs, ys := smooth(x(r), r.loss, 200)
			ss = append(ss, report.Series{Name: r.Label, X: xs, Y: ys, Color: r.color()})
		}
		return ss
	}
	for _, f := range []report.Line{
		{Title: "training loss against wall-clock time", XLabel: "training time (s)", YLabel: "training loss", LogY: true, Series: lossBy(func(r *comparedRun) []float64 { return r.time })},
		{Title: "training loss against step", XLabel: "step", YLabel: "training loss", LogY: true, Series: lossBy(func(r *comparedRun) []float64 { return r.step })},
	} {
		if err := p.Add(f); err != nil {
			return err
		}
	}

	p.Section("Time per step")
	var speed []report.Series
	for _, r := range c.Runs {
		ms := make([]float64, len(r.time))
		prev := 0.0
		for i, v := range r.time {
			ms[i], prev = 1000*(v-prev), v
		}
		xs, ys := smooth(r.step, ms, 200)
		speed = append(speed, report.Series{Name: r.Label, X: xs, Y: ys, Color: r.color()})
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
	var settings []compareSetting
	for _, r := range c.Runs {
		settings = append(settings, r.compareSetting)
	}
	p.Settings("settings", settings)
	for _, r := range c.Runs {
		p.Settings(r.Label+" — "+r.Dir+"/run.json", r.Info)
	}
	return p.WriteFile(path, o)
}

// compareText prints the results table for the terminal.
func compareText(w io.Writer, c *comparison) {
	fmt.Fprintf(w, "%-12s %8s %8s %8s %10s %12s %14s %14s\n", "optimizer", "steps", "epochs", "time (s)", "ms/step", "median ms", "final "+c.metricName()[5:], "best")
	for _, r := range c.Runs {
		fmt.Fprintf(w, "%-12s %8d %8s %8s %10s %12s %14s %14s\n", r.Label, len(r.step), fmtNum(r.epochs, 2), fmtNum(r.trainTime(), 1),
			fmtNum(1000*r.trainTime()/float64(len(r.step)), 1), fmtNum(r.msPerStep, 1), fmtNum(r.finalTest, 4), fmtNum(r.best, 4))
	}
}
