package train

import (
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/device/engine"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
)

// session holds everything one run needs.
type session[T nn.Float] struct {
	cfg     Config
	dir     rundir.Dir
	train   *data.Dataset
	test    *data.Dataset
	model   *nn.Model[T]
	opt     optim.Optimizer[T]
	stepper *Stepper[T]
	aug     *data.Augmentation // nil: the training images as they are
	// On an accelerator (Config.Device): the engine that runs the steps,
	// what frees it, and the diagnostics of its last step.
	dev      *engine.Engine[T]
	devClose func()
	devDiag  *optim.Diagnostics
	batch    int         // samples per batch
	spe      int         // steps per epoch
	total    int         // total steps, 0 when only a time budget bounds the run
	xs       *samples[T] // the training set, converted once (s.train keeps no samples)
	trainFP  string      // the training set's fingerprint, taken before its samples went
	testXs   *samples[T] // the test split (s.test keeps no samples)
	testFP   string
	progress func(Event)
	metrics  *rundir.MetricsWriter
	info     Info
	factors  bool // the optimizer keeps Kronecker factors to snapshot

	// The batch being assembled.
	perm      []int // the order of the training samples in permEpoch
	permEpoch int
	input     nn.Tensor[T]
	sample    []T // one decoded sample, for augmentation
	labels    []int

	// Progress.
	step      int           // steps done
	last      float64       // the loss of the last step's batch
	elapsed   time.Duration // training time before this process started
	start     time.Time     // when this process's loop started
	paused    time.Duration // time spent evaluating in this process: not training time
	nextEval  time.Duration // training time of the next periodic evaluation
	lastCkpt  time.Time
	ckptStep  int     // the step of the last checkpoint written or loaded
	epochLoss float64 // sum of batch losses in the current epoch
	epochN    int
	epochOK   int // correct predictions in the current epoch's batches
	epochRows int
}

// setup loads the data, builds the model and the optimizer, and plans the
// run's batches, steps and schedule.
func setup[T nn.Float](cfg Config, o Options) (*session[T], error) {
	s := &session[T]{cfg: cfg, progress: o.Progress}
	if err := s.loadData(); err != nil {
		return nil, err
	}
	if err := s.buildModel(); err != nil {
		return nil, err
	}
	if err := s.buildOptimizer(); err != nil {
		return nil, err
	}
	if err := s.plan(); err != nil {
		return nil, err
	}
	s.describe(o)
	if plain := s.info.Unsupported; len(plain) > 0 && o.Log != nil {
		o.Log(fmt.Sprintf("%s: no layer that it preconditions owns %s; they are updated without a preconditioner", cfg.Optimizer, strings.Join(plain, ", ")))
	}
	return s, nil
}

func (s *session[T]) loadData() error {
	opts := s.cfg.DataOptions()
	opts.Bytes = true // 8-bit images as bytes (samples.go)
	train, test, err := data.Load(s.cfg.Dataset, opts)
	if err != nil {
		return err
	}
	if train.Len() == 0 {
		return fmt.Errorf("dataset %s: no training samples", s.cfg.Dataset)
	}
	name := s.cfg.Augmentation
	if name == "" && s.cfg.Augment {
		name = "standard"
	}
	aug, on, err := data.ParseAugmentation(name)
	if err != nil {
		return settingErrorf("{augmentation} %w", err)
	}
	if on {
		if err := aug.Check(train.Shape); err != nil {
			return settingErrorf("{augment}: %w", err)
		}
		s.aug = &aug
	}
	// From here on the samples are read from s.xs and s.testXs alone: the
	// float64 copies go (a float32 run of a 60,000-image dataset in
	// float64 would hold 1.5 GB of them).
	s.trainFP = train.Fingerprint()
	s.train, s.xs = withoutSamples[T](train)
	if test != nil {
		s.testFP = test.Fingerprint()
		s.test, s.testXs = withoutSamples[T](test)
	}
	if _, same := any(train.X).([]T); !same && train.X != nil {
		// Collect it now, so that the model's buffers reuse its memory
		// instead of the heap growing past it (the collector's next goal
		// was set while it was live).
		runtime.GC()
	}
	return nil
}

// withoutSamples returns a copy of d without its samples, and the samples
// as the run reads them.
func withoutSamples[T nn.Float](d *data.Dataset) (*data.Dataset, *samples[T]) {
	xs := newSamples[T](d)
	kept := *d
	kept.X = nil
	return &kept, &xs
}

// classes is the number of classes of the training and test splits.
func (s *session[T]) classes() int {
	c := s.train.Classes
	if s.test != nil {
		c = max(c, s.test.Classes)
	}
	return c
}

// buildModel builds the model and loads its starting weights when
// Config.Init names a file.
func (s *session[T]) buildModel() error {
	model, err := models.Build[T](s.cfg.ModelConfig(s.train.Shape, s.classes()))
	if err != nil {
		return err
	}
	if s.cfg.Init != "" {
		f, err := ReadWeights(s.cfg.Init)
		if err != nil {
			return settingErrorf("{init}: %w", err)
		}
		if err := LoadModel(f, model, "", false); err != nil {
			return settingErrorf("{init} %s: %w", s.cfg.Init, err)
		}
	}
	s.model = model
	return nil
}

// buildOptimizer completes the hyperparameters from the optimizer's
// defaults (run.json records the completed ones) and builds it.
func (s *session[T]) buildOptimizer() error {
	h, err := optim.WithDefaults(s.cfg.Optimizer, s.cfg.Hyper)
	if err != nil {
		return err
	}
	s.cfg.Hyper = h
	h.Seed = s.cfg.Seed // the optimizers that draw random numbers (AdaHessian's probes) use the run's seed
	if s.opt, err = optim.New(s.cfg.Optimizer, s.model, h); err != nil {
		return err
	}
	s.factors = s.opt.Report().Factors != nil
	if s.cfg.SnapshotFactorsEvery > 0 && !s.factors {
		return settingErrorf("{snapshot_factors_every} %d: optimizer %s keeps no Kronecker factors", s.cfg.SnapshotFactorsEvery, s.cfg.Optimizer)
	}
	s.stepper = NewStepper(s.model, s.opt)
	s.stepper.KeepNonFinite = s.cfg.OnNaN == "continue"
	return nil
}

// plan fixes the batch size, the steps per epoch and in all, and the
// learning-rate schedule.
func (s *session[T]) plan() error {
	n := s.train.Len()
	s.batch = s.cfg.BatchSize
	if s.batch == 0 || s.batch > n {
		s.batch = n
	}
	s.spe = (n + s.batch - 1) / s.batch
	switch {
	case s.cfg.Steps > 0:
		s.total = s.cfg.Steps
	case s.cfg.Epochs > 0:
		s.total = s.cfg.Epochs * s.spe
		if s.total > MaxSteps {
			return settingErrorf("{epochs} %d of %d steps each make %d steps, more than the limit of %d", s.cfg.Epochs, s.spe, s.total, MaxSteps)
		}
	}
	for _, sn := range []struct {
		name  string
		every int
	}{{"snapshot_every", s.cfg.SnapshotEvery}, {"snapshot_factors_every", s.cfg.SnapshotFactorsEvery}} {
		if sn.every > 0 && s.total > 0 && s.total/sn.every+1 > MaxSnapshots {
			return settingErrorf("{"+sn.name+"} %d writes %d snapshots in %d steps, more than the limit of %d; snapshot less often",
				sn.every, s.total/sn.every+1, s.total, MaxSnapshots)
		}
	}
	sch := &s.cfg.Schedule
	if sch.Kind == "" {
		sch.Kind = "constant"
	}
	if sch.Unit == "" {
		sch.Unit = "epoch"
	}
	sch.Base = s.cfg.Hyper.LR
	if sch.TMax == 0 && s.total > 0 {
		sch.TMax = s.total
		if sch.Unit == "epoch" {
			sch.TMax = (s.total + s.spe - 1) / s.spe
		}
	}
	return sch.validate()
}
