package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/train"
)

// CompareConfig is a comparison of optimizers at equal training time, or at
// an equal number of steps or epochs.
type CompareConfig struct {
	// Train holds the settings every run shares: dataset, model, batch
	// size, dtype, seed and exactly one budget: TimeBudget, Steps or
	// Epochs. A time budget gives each optimizer the same training time (its
	// runs are as reproducible as the machine's speed); steps and epochs the
	// same amount of data, and runs that are bit for bit reproducible, also
	// across interruptions. Out is the comparison's
	// directory; each run goes to Out/runs/LABEL. Optimizer and Hyper come
	// from each setting.
	Train train.Config
	// Settings are the optimizers with their settings (CompareSettings);
	// empty: all of CompareLabels.
	Settings []CompareSetting
	// Overwrite starts every run afresh; otherwise finished runs are kept
	// and interrupted ones resumed.
	Overwrite bool
	// Shard, unless it is the whole job, trains only the shard's cells
	// and summarises nothing: Compare then returns a nil *Comparison.
	Shard    cluster.Shard
	Command  []string // recorded in run.json
	Version  string
	Progress func(Event)
}

// normalized returns the shared settings with the comparison's defaults:
// shuffled batches, the paper's batch size of 256 (32 for text), an mlp
// with one hidden layer of 16, and test evaluations every 1/20 of the
// budget, whatever an epoch takes.
func (c CompareConfig) normalized() (train.Config, []CompareSetting, error) {
	t := c.Train
	switch {
	case t.Dataset == "" || t.Model == "":
		return t, nil, fmt.Errorf("compare: a dataset and a model are required")
	case t.Out == "":
		return t, nil, fmt.Errorf("compare: no output directory")
	case t.TimeBudget < 0 || t.Steps < 0 || t.Epochs < 0:
		return t, nil, fmt.Errorf("compare: budget of %v, %d steps, %d epochs: want a positive time, number of steps or of epochs", t.TimeBudget, t.Steps, t.Epochs)
	case budgets(t) != 1:
		return t, nil, fmt.Errorf("compare: %d budgets given, want exactly one: a time budget, a number of steps or a number of epochs", budgets(t))
	}
	t.Shuffle = true
	if t.TimeBudget > 0 && t.EvalInterval == 0 {
		t.EvalInterval = t.TimeBudget / 20
	}
	if t.Model == "mlp" && len(t.Hidden) == 0 {
		t.Hidden = []int{16}
	}
	if t.BatchSize == 0 {
		t.BatchSize = 256
		if IsText(t.Dataset) {
			t.BatchSize = 32
		}
	}
	settings := c.Settings
	if len(settings) == 0 {
		var err error
		if settings, err = CompareSettings(CompareLabels, t.Dataset); err != nil {
			return t, nil, err
		}
	}
	return t, settings, nil
}

// budgets counts the budgets set: time, steps, epochs.
func budgets(t train.Config) int {
	n := 0
	for _, set := range []bool{t.TimeBudget > 0, t.Steps > 0, t.Epochs > 0} {
		if set {
			n++
		}
	}
	return n
}

// BudgetText says what each optimizer of a comparison was given, as the
// page and the command's output say it: "5m0s of training time", "300
// steps" or "10 epochs".
func BudgetText(t train.Config) string {
	switch {
	case t.Steps > 0:
		return fmt.Sprintf("%d steps", t.Steps)
	case t.Epochs > 0:
		return fmt.Sprintf("%d epochs", t.Epochs)
	}
	return fmt.Sprintf("%v of training time", t.TimeBudget)
}

// Cells returns the comparison's cells, one per setting, in order.
func (c CompareConfig) Cells() ([]Cell, error) {
	base, settings, err := c.normalized()
	if err != nil {
		return nil, err
	}
	var cells []Cell
	for i, s := range settings {
		cfg := base
		cfg.Optimizer, cfg.Hyper = s.Optimizer, s.Hyper
		cfg.Hyper.Seed = cfg.Seed
		cfg.Out = filepath.Join(base.Out, "runs", s.Label)
		cells = append(cells, Cell{Index: i, Name: s.Label, Config: cfg})
	}
	return cells, nil
}

// Compare trains the model with each setting for the same budget,
// from the same seed (the same initial weights and data order), each into
// Out/runs/LABEL, and reads the runs back. With a Shard it trains only the
// shard's runs and returns a nil *Comparison; the unsharded call afterwards
// keeps them (trains any a shard missed) and reads them all back. Run again after an interruption,
// it keeps finished runs and resumes the interrupted one; a larger budget
// continues every run.
func Compare(ctx context.Context, c CompareConfig) (*Comparison, error) {
	base, settings, err := c.normalized()
	if err != nil {
		return nil, err
	}
	c.Settings = settings
	cells, err := c.Cells()
	if err != nil {
		return nil, err
	}
	if c.Shard.Whole() {
		// The comparison's page has one writer; what a killed writer left
		// half-written goes.
		if err := os.MkdirAll(base.Out, 0o755); err != nil {
			return nil, err
		}
		held, err := holdJob(base.Out, nil, c.Command, c.Progress)
		if err != nil {
			return nil, err
		}
		defer held.Release()
	}
	o := CellOptions{Keep: !c.Overwrite, Command: c.Command, Version: c.Version, Progress: c.Progress}
	if err := RunCells(ctx, c.Shard, cells, o); err != nil || !c.Shard.Whole() {
		return nil, err
	}
	var dirs []string
	for _, cell := range cells {
		dirs = append(dirs, cell.Config.Out)
	}
	return ReadComparison(base, settings, dirs)
}
