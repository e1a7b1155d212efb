package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// ErrInterrupted is returned when the context was cancelled: the run stopped
// after a whole step and wrote a checkpoint that --resume continues from.
var ErrInterrupted = errors.New("training interrupted")

// Event reports progress to the caller (the command prints it).
type Event struct {
	Step, TotalSteps int // steps done; TotalSteps is 0 when only a time budget bounds the run
	Epoch            int // 1-based epoch of the last step
	Loss, LR         float64
	Elapsed          time.Duration
	Budget           time.Duration
	// Stats is set on the last step of an epoch.
	Stats *EpochStats
}

// EpochStats summarises one epoch.
type EpochStats struct {
	Epoch         int
	TrainLoss     float64
	TrainAccuracy float64
	HasTest       bool
	TestLoss      float64
	TestAccuracy  float64
	Partial       bool
	// Perplexity is set for a language model: exp of the mean token loss.
	TrainPerplexity, TestPerplexity float64
}

// Result is what a finished run reports.
type Result struct {
	Dir        string
	Steps      int
	Epochs     int
	LastLoss   float64 // the loss of the last step's batch, before its update
	FinalTrain Eval    // the final weights on the whole training set
	FinalTest  *Eval   // and on the test split, if there is one
	Elapsed    time.Duration
	Stopped    string // "steps", "epochs" or "time budget"
}

// Eval is a loss and accuracy on a dataset.
type Eval struct {
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
	// Perplexity is exp(Loss) for a language model (the loss is then the
	// mean over every target token), 0 otherwise.
	Perplexity float64 `json:"perplexity,omitempty"`
}

// session holds everything one run needs.
type session[T nn.Float] struct {
	cfg       Config
	dir       rundir.Dir
	train     *data.Dataset
	test      *data.Dataset
	model     *nn.Model[T]
	opt       optim.Optimizer[T]
	batch     int   // samples per batch
	perm      []int // the order of the training samples in permEpoch
	permEpoch int
	spe       int // steps per epoch
	total     int // total steps, 0 when only a time budget bounds the run
	xs        []T // the training set in T, converted once
	progress  func(Event)
	metrics   *rundir.MetricsWriter
	step      int           // steps done
	elapsed   time.Duration // training time before this process started
	epochLoss float64       // sum of batch losses in the current epoch
	epochN    int
	epochOK   int // correct predictions in the current epoch's batches
	epochRows int
	lastCkpt  time.Time
	paused    time.Duration // time spent evaluating in this process: not training time
	nextEval  time.Duration // training time of the next periodic evaluation
	info      Info
	factors   optim.FactorSource[T] // nil unless the optimizer has factors
}

// Info describes the run for run.json.
type Info struct {
	Config     Config      `json:"config"`
	Command    []string    `json:"command,omitempty"`
	Version    string      `json:"version"`
	GoVersion  string      `json:"go_version"`
	Model      string      `json:"model"`
	Parameters int         `json:"parameters"`
	Layers     []LayerInfo `json:"layers"`
	Data       DataInfo    `json:"data"`
	StepsPerEp int         `json:"steps_per_epoch"`
	// Unsupported lists parameters that the optimizer treats plainly
	// because no layer it supports owns them (AdaFisher: F = 1).
	Unsupported []string          `json:"unsupported_params,omitempty"`
	Extra       map[string]string `json:"extra,omitempty"`
	StartedUnix int64             `json:"started_unix"`
}

// LayerInfo names a layer with parameters and what it owns.
type LayerInfo struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	Params []string `json:"params"`
}

// DataInfo records the dataset that was used.
type DataInfo struct {
	Name         string `json:"name"`
	Shape        []int  `json:"sample_shape"`
	Classes      int    `json:"classes"`
	Targets      int    `json:"targets_per_sample,omitempty"`
	Train        int    `json:"train_samples"`
	Test         int    `json:"test_samples"`
	TrainFingerp string `json:"train_fingerprint"`
	TestFingerp  string `json:"test_fingerprint,omitempty"`
}

// Options carries what is not a setting of the run itself.
type Options struct {
	Command  []string
	Version  string
	Progress func(Event)
	// Log receives one-off notices (such as parameters an optimizer treats
	// plainly).
	Log func(string)
	// Overwrite lets a fresh run replace an existing run directory.
	Overwrite bool
}

// Run trains from scratch as the configuration says.
func Run[T nn.Float](ctx context.Context, cfg Config, o Options) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s, err := setup[T](cfg, o)
	if err != nil {
		return nil, err
	}
	dir, err := rundir.Create(cfg.Out, o.Overwrite)
	if err != nil {
		return nil, err
	}
	s.dir = dir
	if err := dir.WriteJSON("run.json", s.info); err != nil {
		return nil, err
	}
	os.Remove(dir.MetricsPath())
	os.Remove(dir.CheckpointPath())
	if s.metrics, err = rundir.OpenMetrics(dir.MetricsPath()); err != nil {
		return nil, err
	}
	defer s.metrics.Close()
	if cfg.SnapshotEvery > 0 {
		if err := s.snapshot(); err != nil {
			return nil, err
		}
	}
	// A checkpoint from the start, so that --resume works however early
	// the run is stopped.
	if err := s.checkpoint(0); err != nil {
		return nil, err
	}
	return s.loop(ctx)
}

// Resume continues the run in dir from its checkpoint. Limits given in
// override (epochs, steps, time budget) replace the saved ones, so that a
// finished run can also be extended.
func Resume[T nn.Float](ctx context.Context, path string, override Config, o Options) (*Result, error) {
	dir, err := rundir.Open(path)
	if err != nil {
		return nil, err
	}
	var info Info
	if err := dir.ReadJSON("run.json", &info); err != nil {
		return nil, err
	}
	cfg := info.Config
	if override.Epochs > 0 || override.Steps > 0 || override.TimeBudget > 0 {
		cfg.Epochs, cfg.Steps, cfg.TimeBudget = override.Epochs, override.Steps, override.TimeBudget
	}
	cfg.Out = path
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s, err := setup[T](cfg, o)
	if err != nil {
		return nil, err
	}
	s.dir = dir
	if err := s.loadCheckpoint(); err != nil {
		return nil, err
	}
	info.Config = cfg
	s.info.StartedUnix = info.StartedUnix
	if err := dir.WriteJSON("run.json", s.info); err != nil {
		return nil, err
	}
	done := s.step
	err = rundir.TruncateMetrics(dir.MetricsPath(), func(r map[string]any) bool {
		st, _ := r["step"].(float64)
		return int(st) <= done && r["kind"] != "final"
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if s.metrics, err = rundir.OpenMetrics(dir.MetricsPath()); err != nil {
		return nil, err
	}
	defer s.metrics.Close()
	return s.loop(ctx)
}

func setup[T nn.Float](cfg Config, o Options) (*session[T], error) {
	train, test, err := data.Load(cfg.Dataset, cfg.DataOptions())
	if err != nil {
		return nil, err
	}
	classes := train.Classes
	if test != nil {
		classes = max(classes, test.Classes)
	}
	model, err := models.Build[T](cfg.ModelConfig(train.Shape, classes))
	if err != nil {
		return nil, err
	}
	if cfg.Augment {
		if err := data.StandardAugmentation.Check(train.Shape); err != nil {
			return nil, fmt.Errorf("--augment: %w", err)
		}
	}
	if cfg.Init != "" {
		f, err := rundir.Read(cfg.Init)
		if err != nil {
			return nil, fmt.Errorf("--init: %w", err)
		}
		if err := LoadModel(f, model, "", false); err != nil {
			return nil, fmt.Errorf("--init %s: %w", cfg.Init, err)
		}
	}
	h := cfg.Hyper
	h.Seed = cfg.Seed // the optimizers that draw random numbers (AdaHessian's probes) use the run's seed
	opt, err := optim.New(cfg.Optimizer, model, h)
	if err != nil {
		return nil, err
	}
	if train.Len() == 0 {
		return nil, fmt.Errorf("dataset %s: no training samples", cfg.Dataset)
	}
	s := &session[T]{cfg: cfg, train: train, test: test, model: model, opt: opt, progress: o.Progress}
	s.batch = cfg.BatchSize
	if s.batch == 0 || s.batch > train.Len() {
		s.batch = train.Len()
	}
	s.spe = (train.Len() + s.batch - 1) / s.batch
	switch {
	case cfg.Steps > 0:
		s.total = cfg.Steps
	case cfg.Epochs > 0:
		s.total = cfg.Epochs * s.spe
	}
	if s.cfg.Schedule.Kind == "" {
		s.cfg.Schedule.Kind = "constant"
	}
	if s.cfg.Schedule.Unit == "" {
		s.cfg.Schedule.Unit = "epoch"
	}
	s.cfg.Schedule.Base = cfg.Hyper.LR
	if s.cfg.Schedule.TMax == 0 && s.total > 0 {
		s.cfg.Schedule.TMax = s.total
		if s.cfg.Schedule.Unit == "epoch" {
			s.cfg.Schedule.TMax = (s.total + s.spe - 1) / s.spe
		}
	}
	if err := s.cfg.Schedule.validate(); err != nil {
		return nil, err
	}
	s.xs = make([]T, len(train.X))
	for i, v := range train.X {
		s.xs[i] = T(v)
	}
	s.info = Info{Config: s.cfg, Command: o.Command, Version: o.Version, GoVersion: goVersion(),
		Model: model.String(), Parameters: model.NumParams(), StepsPerEp: s.spe, StartedUnix: time.Now().Unix(),
		Data: DataInfo{Name: train.Name, Shape: train.Shape, Classes: classes, Targets: train.Targets, Train: train.Len(), TrainFingerp: train.Fingerprint()}}
	if test != nil {
		s.info.Data.Test = test.Len()
		s.info.Data.TestFingerp = test.Fingerprint()
	}
	if f, ok := opt.(optim.FactorSource[T]); ok {
		s.factors = f
	}
	if u, ok := opt.(optim.UnsupportedLister); ok {
		s.info.Unsupported = u.Unsupported()
		if len(s.info.Unsupported) > 0 && o.Log != nil {
			o.Log(fmt.Sprintf("%s: no supported layer owns %s; they are updated with F = 1", cfg.Optimizer, strings.Join(s.info.Unsupported, ", ")))
		}
	}
	if cfg.SnapshotFactorsEvery > 0 && s.factors == nil {
		return nil, fmt.Errorf("--snapshot-factors-every: optimizer %s keeps no Kronecker factors", cfg.Optimizer)
	}
	for _, l := range model.ParamLayers() {
		li := LayerInfo{Name: l.Name(), Kind: string(l.Kind())}
		for _, p := range l.Params() {
			li.Params = append(li.Params, p.Name)
		}
		s.info.Layers = append(s.info.Layers, li)
	}
	return s, nil
}

func (s *session[T]) loop(ctx context.Context) (*Result, error) {
	start := time.Now()
	s.lastCkpt = start
	sample := numel(s.train.Shape)
	var (
		yb    []int
		input nn.Tensor[T]
		dloss nn.Tensor[T]
		last  float64
	)
	elapsed := func() time.Duration { return s.elapsed + time.Since(start) - s.paused }
	if iv := s.cfg.EvalInterval; iv > 0 {
		s.nextEval = (s.elapsed/iv + 1) * iv
	}
	stopped := ""
	for {
		if s.total > 0 && s.step >= s.total {
			stopped = "steps"
			if s.cfg.Epochs > 0 {
				stopped = "epochs"
			}
			break
		}
		if s.cfg.TimeBudget > 0 && elapsed() >= s.cfg.TimeBudget {
			stopped = "time budget"
			break
		}
		if ctx.Err() != nil {
			if err := s.checkpoint(elapsed()); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("%w at step %d; continue with: landscape train --resume %s", ErrInterrupted, s.step, s.dir.Path)
		}
		epoch, i := s.step/s.spe, s.step%s.spe
		lr := s.cfg.Schedule.At(s.step, s.spe)
		s.opt.SetLR(lr)
		idx := s.indices(epoch, i)
		b := len(idx)
		in := resizeT(&input, append([]int{b}, s.train.Shape...))
		yb = yb[:0]
		for r, j := range idx {
			dst, src := in.Data[r*sample:(r+1)*sample], s.xs[j*sample:(j+1)*sample]
			if s.cfg.Augment {
				data.Augment(data.StandardAugmentation, dst, src, s.train.Shape, s.train.ZeroPixel, s.cfg.Seed, epoch, j)
			} else {
				copy(dst, src)
			}
			yb = append(yb, s.train.Labels(j)...)
		}
		s.model.SetStep(int64(s.step))
		factorsDue := s.factors != nil && s.cfg.SnapshotFactorsEvery > 0 && s.step%s.cfg.SnapshotFactorsEvery == 0
		loss, correct, caps, err := Step(s.model, s.opt, in, yb, &dloss, factorsDue && s.cfg.Hyper.FullFactors)
		if err != nil {
			return nil, fmt.Errorf("step %d: %w", s.step+1, err)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return nil, fmt.Errorf("step %d (epoch %d): the loss is %v; training stopped. The metrics up to step %d and the last checkpoint and snapshots in %s are intact", s.step+1, epoch+1, loss, s.step, s.dir.Path)
		}
		if factorsDue {
			if err := s.snapshotFactors(s.step, s.factors, caps); err != nil {
				return nil, err
			}
		}
		if d, ok := s.opt.(optim.Diagnoser); ok {
			if diag := d.Diagnostics(); diag != nil {
				if err := s.metrics.Write(curvatureRecord{Kind: "curvature", Step: s.step + 1, Layers: diag.Layers}); err != nil {
					return nil, err
				}
			}
		}
		s.step++
		last = loss
		s.epochLoss += loss
		s.epochN++
		s.epochOK += correct
		s.epochRows += len(yb)
		t := elapsed()
		if err := s.metrics.Write(stepRecord{Kind: "step", Step: s.step, Epoch: epoch + 1, Loss: loss, LR: lr, TimeS: t.Seconds()}); err != nil {
			return nil, err
		}
		if s.cfg.SnapshotEvery > 0 && s.step%s.cfg.SnapshotEvery == 0 {
			if err := s.snapshot(); err != nil {
				return nil, err
			}
		}
		if iv := s.cfg.EvalInterval; iv > 0 && s.test != nil && t >= s.nextEval {
			e := s.evalTest()
			rec := evalRecord{Kind: "eval", Step: s.step, Epoch: epoch + 1, TimeS: t.Seconds(), TestLoss: e.Loss, TestAccuracy: e.Accuracy, TestPerplexity: perplexityOf(e)}
			if err := s.metrics.Write(rec); err != nil {
				return nil, err
			}
			s.nextEval = (t/iv + 1) * iv
		}
		ev := Event{Step: s.step, TotalSteps: s.total, Epoch: epoch + 1, Loss: loss, LR: lr, Elapsed: t, Budget: s.cfg.TimeBudget}
		if i == s.spe-1 {
			st, err := s.endEpoch(epoch+1, false, t)
			if err != nil {
				return nil, err
			}
			ev.Stats = &st
		}
		if s.progress != nil {
			s.progress(ev)
		}
		if (s.cfg.CheckpointEvery > 0 && s.step%s.cfg.CheckpointEvery == 0) || time.Since(s.lastCkpt) > 30*time.Second {
			if err := s.checkpoint(elapsed()); err != nil {
				return nil, err
			}
		}
	}
	t := elapsed()
	if s.epochN > 0 {
		if _, err := s.endEpoch(s.step/s.spe+1, true, t); err != nil {
			return nil, err
		}
	}
	res := &Result{Dir: s.dir.Path, Steps: s.step, Epochs: (s.step + s.spe - 1) / s.spe, LastLoss: last, Elapsed: t, Stopped: stopped}
	res.FinalTrain = evaluate(s.model, s.train, s.xs)
	rec := finalRecord{Kind: "final", Step: s.step, TimeS: t.Seconds(), TrainLoss: res.FinalTrain.Loss, TrainAccuracy: res.FinalTrain.Accuracy,
		TrainPerplexity: perplexityOf(res.FinalTrain)}
	if s.test != nil {
		e := s.evalTest()
		res.FinalTest = &e
		rec.TestLoss, rec.TestAccuracy, rec.TestPerplexity = &e.Loss, &e.Accuracy, perplexityOf(e)
	}
	if err := s.metrics.Write(rec); err != nil {
		return nil, err
	}
	if err := SaveModel(s.dir.FinalPath(), s.model, s.meta()); err != nil {
		return nil, err
	}
	if err := s.checkpoint(t); err != nil {
		return nil, err
	}
	return res, nil
}

type stepRecord struct {
	Kind  string  `json:"kind"`
	Step  int     `json:"step"`
	Epoch int     `json:"epoch"`
	Loss  float64 `json:"loss"`
	LR    float64 `json:"lr"`
	TimeS float64 `json:"time_s"`
}

type curvatureRecord struct {
	Kind   string                   `json:"kind"`
	Step   int                      `json:"step"`
	Layers []optim.LayerDiagnostics `json:"layers"`
}

type epochRecord struct {
	Kind            string   `json:"kind"`
	Epoch           int      `json:"epoch"`
	Step            int      `json:"step"`
	TimeS           float64  `json:"time_s"`
	TrainLoss       float64  `json:"train_loss"`
	TrainAccuracy   float64  `json:"train_accuracy"`
	TrainPerplexity *float64 `json:"train_perplexity,omitempty"`
	TestLoss        *float64 `json:"test_loss,omitempty"`
	TestAccuracy    *float64 `json:"test_accuracy,omitempty"`
	TestPerplexity  *float64 `json:"test_perplexity,omitempty"`
	Partial         bool     `json:"partial,omitempty"`
}

type finalRecord struct {
	Kind            string   `json:"kind"`
	Step            int      `json:"step"`
	TimeS           float64  `json:"time_s"`
	TrainLoss       float64  `json:"train_loss"`
	TrainAccuracy   float64  `json:"train_accuracy"`
	TrainPerplexity *float64 `json:"train_perplexity,omitempty"`
	TestLoss        *float64 `json:"test_loss,omitempty"`
	TestAccuracy    *float64 `json:"test_accuracy,omitempty"`
	TestPerplexity  *float64 `json:"test_perplexity,omitempty"`
}

// evalRecord is a periodic evaluation of the test split (Config.EvalInterval).
type evalRecord struct {
	Kind           string   `json:"kind"`
	Step           int      `json:"step"`
	Epoch          int      `json:"epoch"`
	TimeS          float64  `json:"time_s"`
	TestLoss       float64  `json:"test_loss"`
	TestAccuracy   float64  `json:"test_accuracy"`
	TestPerplexity *float64 `json:"test_perplexity,omitempty"`
}

// evalTest evaluates the test split; the time it takes is not training
// time.
func (s *session[T]) evalTest() Eval {
	t0 := time.Now()
	e := evaluate(s.model, s.test, nil)
	s.paused += time.Since(t0)
	return e
}

// perplexityOf returns a pointer to e's perplexity, nil when it has none.
func perplexityOf(e Eval) *float64 {
	if e.Perplexity == 0 {
		return nil
	}
	return &e.Perplexity
}

func (s *session[T]) endEpoch(epoch int, partial bool, t time.Duration) (EpochStats, error) {
	st := EpochStats{Epoch: epoch, TrainLoss: s.epochLoss / float64(s.epochN), TrainAccuracy: float64(s.epochOK) / float64(s.epochRows), Partial: partial}
	rec := epochRecord{Kind: "epoch", Epoch: epoch, Step: s.step, TimeS: t.Seconds(), TrainLoss: st.TrainLoss, TrainAccuracy: st.TrainAccuracy, Partial: partial}
	if s.train.Targets > 0 {
		st.TrainPerplexity = math.Exp(st.TrainLoss)
		rec.TrainPerplexity = &st.TrainPerplexity
	}
	if s.test != nil {
		e := s.evalTest()
		st.HasTest, st.TestLoss, st.TestAccuracy, st.TestPerplexity = true, e.Loss, e.Accuracy, e.Perplexity
		rec.TestLoss, rec.TestAccuracy, rec.TestPerplexity = &e.Loss, &e.Accuracy, perplexityOf(e)
	}
	s.epochLoss, s.epochN, s.epochOK, s.epochRows = 0, 0, 0, 0
	return st, s.metrics.Write(rec)
}

// indices returns the training samples of batch i of an epoch. The order
// depends only on the seed and the epoch, so a resumed run sees the same
// batches as an uninterrupted one.
func (s *session[T]) indices(epoch, i int) []int {
	n := s.train.Len()
	if s.perm == nil || s.permEpoch != epoch {
		if s.cfg.Shuffle {
			s.perm = data.Permutation(n, s.cfg.Seed, epoch)
		} else if s.perm == nil {
			s.perm = make([]int, n)
			for j := range s.perm {
				s.perm[j] = j
			}
		}
		s.permEpoch = epoch
	}
	lo := i * s.batch
	return s.perm[lo:min(lo+s.batch, n)]
}

func (s *session[T]) snapshot() error {
	ts := ModelTensors(s.model, "")
	rundir.SortForAlignment(ts)
	return s.dir.WriteWeights(s.step, ts, s.meta())
}

func (s *session[T]) meta() map[string]string {
	return map[string]string{"step": fmt.Sprint(s.step), "model": s.cfg.Model, "optimizer": s.cfg.Optimizer, "dtype": s.cfg.DType}
}

func resizeT[T nn.Float](t *nn.Tensor[T], shape []int) *nn.Tensor[T] {
	n := numel(shape)
	if cap(t.Data) < n {
		t.Data = make([]T, n)
	}
	t.Data = t.Data[:n]
	t.Shape = append(t.Shape[:0], shape...)
	return t
}

func numel(shape []int) int {
	n := 1
	for _, v := range shape {
		n *= v
	}
	return n
}

// evaluate computes the mean loss and accuracy of the model in evaluation
// mode over a dataset, in chunks: per sample, or for a language model per
// target token (with the perplexity). xs is the dataset in T when the caller
// has it already.
func evaluate[T nn.Float](m *nn.Model[T], d *data.Dataset, xs []T) Eval {
	const chunk = 1024
	sample := numel(d.Shape)
	var in nn.Tensor[T]
	var sum float64
	correct := 0
	for lo := 0; lo < d.Len(); lo += chunk {
		hi := min(lo+chunk, d.Len())
		t := resizeT(&in, append([]int{hi - lo}, d.Shape...))
		if xs != nil {
			copy(t.Data, xs[lo*sample:hi*sample])
		} else {
			for i, v := range d.X[lo*sample : hi*sample] {
				t.Data[i] = T(v)
			}
		}
		out, err := m.Forward(t, nn.Mode{})
		if err != nil {
			panic(err)
		}
		k := d.LabelsPerSample()
		l, c := nn.CrossEntropy(out, d.Y[lo*k:hi*k], nil)
		sum += l * float64(hi-lo)
		correct += c
	}
	n := float64(max(d.Len(), 1))
	e := Eval{Loss: sum / n, Accuracy: float64(correct) / (n * float64(d.LabelsPerSample()))}
	if d.Targets > 0 {
		e.Perplexity = math.Exp(e.Loss)
	}
	return e
}
