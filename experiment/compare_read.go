package experiment

import (
	"math"
	"path/filepath"
	"sort"

	"github.com/adafisher-go/landscape/rundir"

	"github.com/adafisher-go/landscape/train"
)

// compareColors are the Figure 1 notebook's colours, plus SGD's.
var compareColors = map[string]string{"adafisher": "#000000", "kfac": "#800080", "adam": "#00bfbf", "adahessian": "#008000", "shampoo": "#0000ff", "sgd": "#ff7f0e"}

// ComparedRun is one optimizer's run of a comparison, read back.
type ComparedRun struct {
	CompareSetting
	Dir  string
	Info train.Info

	Step, Loss, Time []float64 // per step record
	// The test evaluations (epoch and eval records with the test metric),
	// in file order.
	TestStep, TestTime, TestMetric, TestLoss []float64
	HasTest                                  bool
	// The final test metric, training loss and test loss (NaN without).
	FinalTest, FinalTrain, FinalTestLoss float64
	Best                                 float64             // best test metric (NaN without)
	Final                                *rundir.FinalRecord // nil for a run that has not finished
	MedianStepMillis                     float64
	Epochs                               float64 // steps / steps per epoch
}

// Comparison is the result of Compare.
type Comparison struct {
	Config     train.Config // the shared settings
	Perplexity bool         // the test metric is perplexity (lower is better), else accuracy
	Runs       []*ComparedRun
}

// ReadComparison reads the runs of a comparison: dirs[i] is the run of
// settings[i].
func ReadComparison(c train.Config, settings []CompareSetting, dirs []string) (*Comparison, error) {
	res := &Comparison{Config: c}
	for i, s := range settings {
		r := &ComparedRun{CompareSetting: s, Dir: dirs[i], FinalTest: math.NaN(), FinalTrain: math.NaN(), FinalTestLoss: math.NaN(), Best: math.NaN()}
		info, err := train.ReadInfo(r.Dir)
		if err != nil {
			return nil, err
		}
		r.Info = *info
		res.Perplexity = r.Info.Data.Targets > 0
		m, err := rundir.ReadMetricsFile(filepath.Join(r.Dir, rundir.MetricsFile))
		if err != nil {
			return nil, err
		}
		// metric picks the test metric of a record: perplexity for a
		// language model, else accuracy; nil where the record has none.
		metric := func(acc, ppl *float64) *float64 {
			if res.Perplexity {
				return ppl
			}
			return acc
		}
		test := func(step int, t float64, v, loss *float64) {
			if v == nil {
				return
			}
			r.HasTest = true
			r.TestStep, r.TestTime = append(r.TestStep, float64(step)), append(r.TestTime, t)
			r.TestMetric, r.TestLoss = append(r.TestMetric, *v), append(r.TestLoss, orNaN(loss))
		}
		for _, rec := range m.Records {
			switch {
			case rec.Step != nil:
				st := rec.Step
				r.Step, r.Loss, r.Time = append(r.Step, float64(st.Step)), append(r.Loss, st.Loss), append(r.Time, st.TimeS)
			case rec.Epoch != nil:
				e := rec.Epoch
				test(e.Step, e.TimeS, metric(e.TestAccuracy, e.TestPerplexity), e.TestLoss)
			case rec.Eval != nil:
				e := rec.Eval
				test(e.Step, e.TimeS, metric(&e.TestAccuracy, e.TestPerplexity), &e.TestLoss)
			case rec.Final != nil:
				f := rec.Final
				r.FinalTest, r.FinalTrain, r.FinalTestLoss = orNaN(metric(f.TestAccuracy, f.TestPerplexity)), f.TrainLoss, orNaN(f.TestLoss)
				r.Final = f
			}
		}
		for _, v := range r.TestMetric {
			if math.IsNaN(r.Best) || (res.Perplexity && v < r.Best) || (!res.Perplexity && v > r.Best) {
				r.Best = v
			}
		}
		r.MedianStepMillis = medianStepMillis(r.Time)
		if spe := r.Info.StepsPerEp; spe > 0 {
			r.Epochs = float64(len(r.Step)) / float64(spe)
		}
		res.Runs = append(res.Runs, r)
	}
	return res, nil
}

func orNaN(v *float64) float64 {
	if v == nil {
		return math.NaN()
	}
	return *v
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

// Color is the run's colour in the pages: the Figure 1 notebook's colour of
// its optimizer.
func (r *ComparedRun) Color() string { return compareColors[r.Label] }

// TrainTime is the run's training time in seconds (NaN without steps).
func (r *ComparedRun) TrainTime() float64 {
	if len(r.Time) == 0 {
		return math.NaN()
	}
	return r.Time[len(r.Time)-1]
}

// MetricName is "test perplexity" or "test accuracy".
func (c *Comparison) MetricName() string {
	if c.Perplexity {
		return "test perplexity"
	}
	return "test accuracy"
}
