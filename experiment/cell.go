package experiment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// Cell is one unit of a job: one training run with its settings, writing
// only into its own run directory (Config.Out).
type Cell struct {
	Index  int    // position in the job's order, from 0
	Name   string // unique in the job (an optimizer label, say)
	Config train.Config
}

// CellState is what a cell's run directory holds.
type CellState int

const (
	CellNew      CellState = iota // nothing, or a run without a checkpoint
	CellFinished                  // a finished run with the cell's settings and budget
	CellResume                    // an interrupted run (or one with a smaller budget) to continue
)

// EventKind says what an Event reports.
type EventKind int

const (
	// CellStarted: a cell's training starts from scratch.
	CellStarted EventKind = iota
	// CellResumed: a cell continues its interrupted run.
	CellResumed
	// CellKept: a cell finished earlier with the same settings; its run is
	// kept.
	CellKept
	// CellSkipped: a cell cannot run in this build (Message says why).
	CellSkipped
	// CellDone: a cell's training returned (Err is its error, if any).
	CellDone
	// Training: a training step of the current cell (Train is set).
	Training
	// Notice: a one-off notice of the training loop (Message).
	Notice
)

// Event reports the progress of a job.
type Event struct {
	Kind    EventKind
	Cell    Cell
	Of      int // cells in the job
	Train   *train.Event
	Message string
	Err     error
}

func emit(progress func(Event), e Event) {
	if progress != nil {
		progress(e)
	}
}

// ShardCells returns the cells of a job that shard s owns, in order: those
// whose Index is K modulo N (cluster.Shard.Owns).
func ShardCells(s cluster.Shard, cells []Cell) []Cell {
	var out []Cell
	for _, c := range cells {
		if s.Owns(c.Index) {
			out = append(out, c)
		}
	}
	return out
}

// RunCells runs the cells that shard s owns, in order, each with RunCell.
func RunCells(ctx context.Context, s cluster.Shard, cells []Cell, o CellOptions) error {
	if err := s.Validate(); err != nil {
		return err
	}
	o.Of = len(cells)
	for _, c := range ShardCells(s, cells) {
		if err := RunCell(ctx, c, o); err != nil {
			return fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	return nil
}

// CellOptions are how RunCell trains.
type CellOptions struct {
	// Keep keeps a finished run and resumes an interrupted one (see
	// State); without it a cell trains afresh, replacing the run its
	// directory holds.
	Keep bool
	// Replace, with Keep, trains afresh a cell whose directory holds a run
	// of other settings, rather than failing with *OtherSettingsError.
	Replace  bool
	Command  []string // recorded in run.json
	Version  string   // recorded in run.json
	Of       int      // cells in the job, for Events
	Progress func(Event)
}

// RunCell trains a cell into its run directory. With o.Keep it keeps a run
// that finished with the same settings, and resumes one that was interrupted
// or had a smaller time budget; a directory holding a run of other settings
// is an error. Training holds the run directory's lock (train.Run and
// train.Resume take rundir.Lock before they touch it), so two processes never
// write one cell: the second gets a *rundir.LockedError naming the holder. A
// lock left by a process that died is taken over and reported as a Notice
// event.
func RunCell(ctx context.Context, c Cell, o CellOptions) error {
	if err := os.MkdirAll(c.Config.Out, 0o755); err != nil {
		return err
	}
	// A cell another process is writing is refused before its files are
	// even read (a finished-looking run may be being extended). The probe
	// is released at once: train takes the lock again for the writing.
	held, err := rundir.Lock(c.Config.Out, o.Command)
	if err != nil {
		return err
	}
	if held.Stale != nil {
		emit(o.Progress, Event{Kind: Notice, Cell: c, Of: o.Of,
			Message: fmt.Sprintf("%s: took over the lock left by a process that is gone: %s", c.Config.Out, *held.Stale)})
	}
	// A finished cell is kept without train taking its lock: the half
	// writes a killed process left (of its last checkpoint, say) go now.
	for _, sub := range []string{"", rundir.WeightsDir, rundir.FactorsDir} {
		for _, p := range rundir.RemoveTemps(filepath.Join(c.Config.Out, sub)) {
			emit(o.Progress, Event{Kind: Notice, Cell: c, Of: o.Of, Message: "removed " + p + ", the unfinished write of a process that stopped"})
		}
	}
	if err := held.Release(); err != nil {
		return err
	}
	return runCell(ctx, c, o)
}

func runCell(ctx context.Context, c Cell, o CellOptions) error {
	state := CellNew
	if o.Keep {
		var err error
		state, err = State(c.Config)
		if ose := (*OtherSettingsError)(nil); errors.As(err, &ose) && o.Replace {
			state, err = CellNew, nil
		}
		if err != nil {
			return err
		}
	}
	ev := func(k EventKind) Event { return Event{Kind: k, Cell: c, Of: o.Of} }
	to := train.Options{Command: o.Command, Version: o.Version, Overwrite: true}
	if o.Progress != nil {
		to.Progress = func(e train.Event) { x := ev(Training); x.Train = &e; o.Progress(x) }
		to.Log = func(s string) { x := ev(Notice); x.Message = s; o.Progress(x) }
	}
	cfg := c.Config
	var err error
	switch state {
	case CellFinished:
		emit(o.Progress, ev(CellKept))
		return nil
	case CellNew:
		emit(o.Progress, ev(CellStarted))
		if cfg.DType == "float32" {
			_, err = train.Run[float32](ctx, cfg, to)
		} else {
			_, err = train.Run[float64](ctx, cfg, to)
		}
	case CellResume:
		emit(o.Progress, ev(CellResumed))
		limits := train.Config{TimeBudget: cfg.TimeBudget}
		if cfg.DType == "float32" {
			_, err = train.Resume[float32](ctx, cfg.Out, limits, to)
		} else {
			_, err = train.Resume[float64](ctx, cfg.Out, limits, to)
		}
	}
	if errors.Is(err, train.ErrInterrupted) {
		err = fmt.Errorf("%w; run the same command again to continue", err)
	}
	done := ev(CellDone)
	done.Err = err
	emit(o.Progress, done)
	return err
}

// State says what the run directory of a cell (c.Out) holds. A run with
// other settings is an error; the time budget, the evaluation interval that
// follows it and the schedule the run completes may differ.
func State(c train.Config) (CellState, error) {
	var info train.Info
	b, err := os.ReadFile(filepath.Join(c.Out, rundir.ConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return CellNew, nil
	}
	if err != nil {
		return 0, err
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return 0, fmt.Errorf("%s: %w", c.Out, err)
	}
	if _, err := os.Stat(filepath.Join(c.Out, rundir.CheckpointFile)); err != nil {
		return CellNew, nil
	}
	saved, want := info.Config, c
	saved.TimeBudget, want.TimeBudget = 0, 0
	saved.EvalInterval, want.EvalInterval = 0, 0                       // follows the budget; a resumed run keeps its own
	saved.Schedule, want.Schedule = train.Schedule{}, train.Schedule{} // constant, completed by the run
	a, _ := json.Marshal(saved)
	w, _ := json.Marshal(want)
	if string(a) != string(w) {
		return 0, &OtherSettingsError{Dir: c.Out, Saved: string(a), Want: string(w)}
	}
	m, err := rundir.ReadMetricsFile(filepath.Join(c.Out, rundir.MetricsFile))
	if err != nil {
		return CellResume, nil
	}
	// The final record is written after final.safetensors; a run killed
	// between the two resumes.
	if _, err := os.Stat(filepath.Join(c.Out, rundir.FinalFile)); err != nil {
		return CellResume, nil
	}
	if m.Final != nil && info.Config.TimeBudget == c.TimeBudget {
		return CellFinished, nil
	}
	return CellResume, nil
}

// OtherSettingsError is State's error for a directory that holds a run of
// other settings.
type OtherSettingsError struct {
	Dir         string
	Saved, Want string // the settings as JSON
}

func (e *OtherSettingsError) Error() string {
	return fmt.Sprintf("%s holds a run with other settings:\n  saved: %s\n  now:   %s", e.Dir, e.Saved, e.Want)
}
