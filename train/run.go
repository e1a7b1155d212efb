package train

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/rundir"
)

// Options carries what is not a setting of the run itself.
type Options struct {
	Command  []string
	Version  string
	Progress func(Event)
	// Log receives one-off notices (such as parameters an optimizer does
	// not precondition).
	Log func(string)
	// Overwrite lets a fresh run replace an existing run directory.
	Overwrite bool
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

// Run trains from scratch as the configuration says and writes the run
// directory cfg.Out. When ctx is cancelled it stops after a whole step,
// writes a checkpoint and returns an error wrapping ErrInterrupted.
func Run[T nn.Float](ctx context.Context, cfg Config, o Options) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s, err := setup[T](cfg, o)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("run: create run directory: %w", err)
	}
	lock, err := lockRun(cfg.Out, o)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	removeTemps(cfg.Out, o)
	if err := s.create(o.Overwrite); err != nil {
		return nil, err
	}
	defer s.metrics.Close()
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
	lock, err := lockRun(path, o)
	if err != nil {
		return nil, err
	}
	defer lock.Release()
	removeTemps(path, o)
	var info Info
	if err := dir.ReadJSON("run.json", &info); err != nil {
		return nil, err
	}
	cfg := info.Config
	if override.Epochs > 0 || override.Steps > 0 || override.TimeBudget > 0 {
		cfg.Epochs, cfg.Steps, cfg.TimeBudget = override.Epochs, override.Steps, override.TimeBudget
	}
	if override.Device != "" {
		cfg.Device = override.Device // a run may continue on another device
	}
	cfg.Out = path
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s, err := setup[T](cfg, o)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(dir.CheckpointPath()); errors.Is(err, os.ErrNotExist) {
		// The run was stopped while it was being created, before its step-0
		// checkpoint: nothing of it is worth keeping.
		if o.Log != nil {
			o.Log(fmt.Sprintf("%s has no checkpoint: the run stopped before its first one; starting it again from step 0", path))
		}
		s.dir = dir
		err = s.begin()
	} else {
		err = s.reopen(dir, info.StartedUnix, o)
	}
	if err != nil {
		return nil, err
	}
	defer s.metrics.Close()
	return s.loop(ctx)
}

// create makes the run directory of a fresh run: run.json, empty metrics,
// the step-0 snapshot when snapshots are asked for, and a checkpoint.
func (s *session[T]) create(overwrite bool) error {
	dir, err := rundir.Create(s.cfg.Out, overwrite)
	if err != nil {
		return err
	}
	s.dir = dir
	return s.begin()
}

// begin writes the start of a run into s.dir.
func (s *session[T]) begin() error {
	dir := s.dir
	var err error
	if err := dir.WriteJSON("run.json", s.info); err != nil {
		return err
	}
	os.Remove(dir.MetricsPath())
	os.Remove(dir.CheckpointPath())
	if s.metrics, err = rundir.OpenMetrics(dir.MetricsPath()); err != nil {
		return err
	}
	if s.cfg.SnapshotEvery > 0 {
		if err := s.snapshot(); err != nil {
			s.metrics.Close()
			return err
		}
	}
	// A checkpoint from the start, so that Resume works however early the
	// run is stopped.
	if err := s.checkpoint(0); err != nil {
		s.metrics.Close()
		return err
	}
	return nil
}

// reopen continues a run directory from its checkpoint: run.json with this
// process's settings, the metrics cut back to the checkpoint's step.
func (s *session[T]) reopen(dir rundir.Dir, started int64, o Options) error {
	s.dir = dir
	if err := s.loadCheckpoint(); err != nil {
		return err
	}
	s.info.StartedUnix = started
	if err := dir.WriteJSON("run.json", s.info); err != nil {
		return err
	}
	if err := s.repairMetrics(o); err != nil {
		return err
	}
	var err error
	s.metrics, err = rundir.OpenMetrics(dir.MetricsPath())
	return err
}

// repairMetrics cuts the metrics back to the checkpoint the run continues
// from: the records of later steps are written again as the run redoes
// them, and a last line that a crash cut short is dropped and reported.
func (s *session[T]) repairMetrics(o Options) error {
	path := s.dir.MetricsPath()
	tail, err := rundir.MetricsTail(path)
	if err != nil {
		return err
	}
	if len(tail) > 0 && o.Log != nil {
		o.Log(fmt.Sprintf("%s: dropped its last line, a record cut short when the run stopped (%d bytes: %.40q)", path, len(tail), tail))
	}
	done, dropped := s.step, 0
	err = rundir.TruncateRecords(path, func(r rundir.Record) bool {
		st, _ := r.StepNumber()
		keep := st <= done && r.Kind != rundir.KindFinal
		if !keep {
			dropped++
		}
		return keep
	})
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err == nil && dropped > 0 && o.Log != nil {
		o.Log(fmt.Sprintf("%s: dropped %d records after step %d, the checkpoint's; the run writes them again", path, dropped, done))
	}
	return err
}
