package train

import (
	"fmt"
	"math"
	"time"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// The records of metrics.jsonl, one JSON object per line, told apart by
// "kind": "step" after every step, "curvature" after a step that refreshed
// the optimizer's preconditioner, "eval" for a periodic evaluation, "epoch"
// at the end of every epoch (and of a partial one when the run stops), and
// "final" when the run ends.

type stepRecord struct {
	Kind  string      `json:"kind"`
	Step  int         `json:"step"`
	Epoch int         `json:"epoch"`
	Loss  metricFloat `json:"loss"`
	// NonFinite is "NaN", "+Inf" or "-Inf" when the loss is (recorded as
	// null), with Config.OnNaN "continue".
	NonFinite string  `json:"non_finite,omitempty"`
	LR        float64 `json:"lr"`
	TimeS     float64 `json:"time_s"`
}

type curvatureRecord struct {
	Kind   string                   `json:"kind"`
	Step   int                      `json:"step"`
	Layers []optim.LayerDiagnostics `json:"layers,omitempty"`
	// NonFinite marks diagnostics left out because they were not finite.
	NonFinite bool `json:"non_finite,omitempty"`
}

type epochRecord struct {
	Kind            string       `json:"kind"`
	Epoch           int          `json:"epoch"`
	Step            int          `json:"step"`
	TimeS           float64      `json:"time_s"`
	TrainLoss       metricFloat  `json:"train_loss"`
	TrainAccuracy   float64      `json:"train_accuracy"`
	TrainPerplexity *metricFloat `json:"train_perplexity,omitempty"`
	TestLoss        *metricFloat `json:"test_loss,omitempty"`
	TestAccuracy    *float64     `json:"test_accuracy,omitempty"`
	TestPerplexity  *metricFloat `json:"test_perplexity,omitempty"`
	Partial         bool         `json:"partial,omitempty"`
}

type finalRecord struct {
	Kind            string       `json:"kind"`
	Step            int          `json:"step"`
	TimeS           float64      `json:"time_s"`
	TrainLoss       metricFloat  `json:"train_loss"`
	TrainAccuracy   float64      `json:"train_accuracy"`
	TrainPerplexity *metricFloat `json:"train_perplexity,omitempty"`
	TestLoss        *metricFloat `json:"test_loss,omitempty"`
	TestAccuracy    *float64     `json:"test_accuracy,omitempty"`
	TestPerplexity  *metricFloat `json:"test_perplexity,omitempty"`
}

// evalRecord is a periodic evaluation of the test split (Config.EvalInterval).
type evalRecord struct {
	Kind           string       `json:"kind"`
	Step           int          `json:"step"`
	Epoch          int          `json:"epoch"`
	TimeS          float64      `json:"time_s"`
	TestLoss       metricFloat  `json:"test_loss"`
	TestAccuracy   float64      `json:"test_accuracy"`
	TestPerplexity *metricFloat `json:"test_perplexity,omitempty"`
}

// evalTest evaluates the test split; the time it takes is not training
// time.
func (s *session[T]) evalTest() Eval {
	t0 := time.Now()
	e := evaluate(s.model, s.test, s.testXs, s.cfg.BatchSize)
	s.paused += time.Since(t0)
	return e
}

// periodicEval evaluates the test split when Config.EvalInterval more
// training time has passed since the last one (t is the training time now).
func (s *session[T]) periodicEval(epoch int, t time.Duration) error {
	iv := s.cfg.EvalInterval
	if iv <= 0 || s.test == nil || t < s.nextEval {
		return nil
	}
	if err := s.toHost(); err != nil {
		return err
	}
	e := s.evalTest()
	rec := evalRecord{Kind: "eval", Step: s.step, Epoch: epoch + 1, TimeS: t.Seconds(), TestLoss: metricFloat(e.Loss), TestAccuracy: e.Accuracy, TestPerplexity: perplexityOf(e)}
	s.nextEval = (t/iv + 1) * iv
	return s.metrics.Write(rec)
}

// perplexityOf returns a pointer to e's perplexity, nil when it has none.
func perplexityOf(e Eval) *metricFloat {
	if e.Perplexity == 0 {
		return nil
	}
	return (*metricFloat)(&e.Perplexity)
}

// endEpoch writes the epoch's record, evaluating the test split, and starts
// the next epoch's sums.
func (s *session[T]) endEpoch(epoch int, partial bool, t time.Duration) (EpochStats, error) {
	st := EpochStats{Epoch: epoch, TrainLoss: s.epochLoss / float64(s.epochN), TrainAccuracy: float64(s.epochOK) / float64(s.epochRows), Partial: partial}
	rec := epochRecord{Kind: "epoch", Epoch: epoch, Step: s.step, TimeS: t.Seconds(), TrainLoss: metricFloat(st.TrainLoss), TrainAccuracy: st.TrainAccuracy, Partial: partial}
	if s.train.Targets > 0 {
		st.TrainPerplexity = math.Exp(st.TrainLoss)
		rec.TrainPerplexity = (*metricFloat)(&st.TrainPerplexity)
	}
	if s.test != nil {
		if err := s.toHost(); err != nil {
			return st, err
		}
		e := s.evalTest()
		st.HasTest, st.TestLoss, st.TestAccuracy, st.TestPerplexity = true, e.Loss, e.Accuracy, e.Perplexity
		rec.TestLoss, rec.TestAccuracy, rec.TestPerplexity = (*metricFloat)(&e.Loss), &e.Accuracy, perplexityOf(e)
	}
	s.epochLoss, s.epochN, s.epochOK, s.epochRows = 0, 0, 0, 0
	return st, s.metrics.Write(rec)
}

// snapshot writes the weights after the steps done.
func (s *session[T]) snapshot() error {
	if err := s.toHost(); err != nil {
		return err
	}
	ts := ModelTensors(s.model, "")
	rundir.SortForAlignment(ts)
	return s.dir.WriteWeights(s.step, ts, s.meta())
}

// meta is the metadata of the run's safetensors files.
func (s *session[T]) meta() map[string]string {
	return map[string]string{"step": fmt.Sprint(s.step), "model": s.cfg.Model, "optimizer": s.cfg.Optimizer, "dtype": s.cfg.DType}
}
