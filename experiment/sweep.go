package experiment

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/train"
)

// SweepConfig is a grid of training runs: every optimizer with every
// learning rate, batch size and seed.
type SweepConfig struct {
	// Train holds the settings every run shares (dataset, model, epochs or
	// steps, TimeBudget per run, ...). Out is the sweep's directory; each
	// run goes to Out/runs/NAME (SweepCellName). Optimizer, Hyper,
	// BatchSize and Seed come from the grid.
	Train train.Config
	// Optimizers are the optimizers with their hyperparameters (each
	// complete, as optim.Defaults gives them); their LR is replaced by each
	// of LRs.
	Optimizers []SweepOptimizer
	// LRs are the learning rates; empty: each optimizer's own Hyper.LR.
	LRs []float64
	// BatchSizes are the batch sizes; empty: Train.BatchSize.
	BatchSizes []int
	// Seeds seed each setting's runs (initial weights, shuffling, splits).
	Seeds []uint64
	// Shard, unless it is the whole job, trains only the shard's cells and
	// summarises nothing: Sweep then returns a nil *SweepSummary.
	Shard cluster.Shard
	// Overwrite starts every run of the shard afresh; otherwise finished
	// runs are kept and interrupted ones resumed.
	Overwrite bool
	Command   []string // recorded in each run.json
	Version   string
	Progress  func(Event)
}

// SweepOptimizer is one optimizer of a sweep with its hyperparameters.
type SweepOptimizer struct {
	Name  string
	Hyper optim.Hyper
}

// SummaryFile is the name of the summary that Sweep writes into its
// directory.
const SummaryFile = "summary.json"

// SweepCellName names a cell's run directory, as
// adafisher_lr0.001_bs32_seed0: the shortest decimal of the learning rate
// that reads back as the same float64.
func SweepCellName(optimizer string, lr float64, batchSize int, seed uint64) string {
	return fmt.Sprintf("%s_lr%s_bs%d_seed%d", optimizer, strconv.FormatFloat(lr, 'g', -1, 64), batchSize, seed)
}

func (c SweepConfig) validate() error {
	t := c.Train
	switch {
	case t.Dataset == "" || t.Model == "":
		return fmt.Errorf("sweep: a dataset and a model are required")
	case t.Out == "":
		return fmt.Errorf("sweep: no output directory")
	case len(c.Optimizers) == 0:
		return fmt.Errorf("sweep: no optimizer")
	case len(c.Seeds) == 0:
		return fmt.Errorf("sweep: no seed")
	case t.Epochs <= 0 && t.Steps <= 0 && t.TimeBudget <= 0:
		return fmt.Errorf("sweep: no limit on the runs: give epochs, steps or a time budget")
	}
	for _, lr := range c.LRs {
		if !(lr > 0) {
			return fmt.Errorf("sweep: learning rate %v, want a positive number", lr)
		}
	}
	for _, b := range c.BatchSizes {
		if b < 0 {
			return fmt.Errorf("sweep: batch size %d, want a non-negative integer (0: the whole training set)", b)
		}
	}
	seen := map[string]bool{}
	for _, o := range c.Optimizers {
		if seen[o.Name] {
			return fmt.Errorf("sweep: optimizer %q twice", o.Name)
		}
		seen[o.Name] = true
	}
	return c.Shard.Validate()
}

// Cells returns the sweep's cells in their fixed order: optimizer, then
// learning rate, batch size and seed, each in the order given, so that the
// seeds of one setting are neighbours.
func (c SweepConfig) Cells() ([]Cell, error) {
	if err := c.validate(); err != nil {
		return nil, err
	}
	batches := c.BatchSizes
	if len(batches) == 0 {
		batches = []int{c.Train.BatchSize}
	}
	var cells []Cell
	seen := map[string]bool{}
	for _, o := range c.Optimizers {
		lrs := c.LRs
		if len(lrs) == 0 {
			lrs = []float64{o.Hyper.LR}
		}
		for _, lr := range lrs {
			for _, bs := range batches {
				for _, seed := range c.Seeds {
					name := SweepCellName(o.Name, lr, bs, seed)
					if seen[name] {
						return nil, fmt.Errorf("sweep: cell %s twice (a learning rate, batch size or seed given twice?)", name)
					}
					seen[name] = true
					cfg := c.Train
					cfg.Optimizer, cfg.Hyper, cfg.BatchSize, cfg.Seed = o.Name, o.Hyper, bs, seed
					cfg.Hyper.LR, cfg.Hyper.Seed = lr, seed
					cfg.Out = filepath.Join(c.Train.Out, "runs", name)
					cells = append(cells, Cell{Index: len(cells), Name: name, Config: cfg})
				}
			}
		}
	}
	return cells, nil
}

// Sweep trains every cell of the grid (those of c.Shard, when it is a
// shard) into Out/runs/NAME: a finished run is kept, an interrupted one
// resumed. Unsharded, it then reads every run back, summarises each setting
// over its seeds and writes Out/summary.json.
func Sweep(ctx context.Context, c SweepConfig) (*SweepSummary, error) {
	cells, err := c.Cells()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.Train.Out, 0o755); err != nil {
		return nil, err
	}
	if c.Shard.Whole() {
		// summary.json and the report have one writer; what a killed writer
		// left half-written goes.
		held, err := holdJob(c.Train.Out, []string{"report"}, c.Command, c.Progress)
		if err != nil {
			return nil, err
		}
		defer held.Release()
	}
	o := CellOptions{Keep: !c.Overwrite, Command: c.Command, Version: c.Version, Progress: c.Progress}
	if err := RunCells(ctx, c.Shard, cells, o); err != nil || !c.Shard.Whole() {
		return nil, err
	}
	s, err := SummarizeSweep(cells)
	if err != nil {
		return nil, err
	}
	if err := WriteSweepSummary(filepath.Join(c.Train.Out, SummaryFile), s); err != nil {
		return nil, err
	}
	return s, nil
}
