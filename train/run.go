package train

import (
	"context"
	"errors"
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
	if err := s.reopen(dir, info.StartedUnix); err != nil {
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
func (s *session[T]) reopen(dir rundir.Dir, started int64) error {
	s.dir = dir
	if err := s.loadCheckpoint(); err != nil {
		return err
	}
	s.info.StartedUnix = started
	if err := dir.WriteJSON("run.json", s.info); err != nil {
		return err
	}
	done := s.step
	err := rundir.TruncateMetrics(dir.MetricsPath(), func(r map[string]any) bool {
		st, _ := r["step"].(float64)
		return int(st) <= done && r["kind"] != "final"
	})
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	s.metrics, err = rundir.OpenMetrics(dir.MetricsPath())
	return err
}
