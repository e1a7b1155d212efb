package experiment

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// Figure1Config is a Figure 1 job. Zero values take the paper's settings.
type Figure1Config struct {
	Seed      uint64 // initialisation of fc1.bias and fc2, and the shuffling
	Epochs    int    // per optimizer; default 20
	BatchSize int    // default 10
	Grid      int    // points along each axis of the surfaces; default 200
	// Optimizers are labels or names of Figure1Optimizers; empty: all.
	Optimizers []string
	// Out is the job's directory: init.safetensors, runs/NAME and
	// trajectory.json.
	Out string
	// Shard, unless it is the whole job, trains only the shard's cells:
	// Figure1 then returns a nil result and writes no trajectory.json.
	Shard    cluster.Shard
	Version  string // recorded in each run's run.json
	Progress func(Event)
}

// Figure1Start is where fc1's two weights start, as in the paper.
var Figure1Start = [2]float64{0.2, 0.2}

// Figure1Path is one optimizer's trajectory: fc1's two weights after each
// epoch and the mean of that epoch's batch losses, as the notebook records.
type Figure1Path struct {
	Figure1Optimizer
	Run  string        `json:"run"`
	W1   rundir.Floats `json:"w1"`
	W2   rundir.Floats `json:"w2"`
	Loss rundir.Floats `json:"epoch_loss"`
	// Evaluated is the true training loss on the grid with fc1's weights at
	// the grid point and every other parameter at this optimizer's final
	// values; Difference is interpolated minus evaluated, NaN outside the
	// hull.
	Evaluated  rundir.Grid `json:"evaluated"`
	Difference rundir.Grid `json:"difference"`
	Summary    DiffSummary `json:"difference_summary"`
}

// DiffSummary summarises interpolated minus evaluated loss over the grid
// points inside the hull.
type DiffSummary struct {
	Points      int     `json:"points"`
	MeanAbs     float64 `json:"mean_abs"`
	RMS         float64 `json:"rms"`
	MaxAbs      float64 `json:"max_abs"`
	Mean        float64 `json:"mean"`
	Correlation float64 `json:"correlation"`
}

// Figure1Result is the result of a Figure 1 job, as trajectory.json holds
// it. Grids are indexed [i over GridX][j over GridY].
type Figure1Result struct {
	Dataset      string        `json:"dataset"`
	Seed         uint64        `json:"seed"`
	Epochs       int           `json:"epochs"`
	BatchSize    int           `json:"batch_size"`
	Start        [2]float64    `json:"start"`
	Skipped      []string      `json:"skipped,omitempty"`
	GridX        rundir.Floats `json:"grid_x"`
	GridY        rundir.Floats `json:"grid_y"`
	Interpolated rundir.Grid   `json:"interpolated"`
	Paths        []Figure1Path `json:"paths"`
	Seconds      float64       `json:"seconds"`
	Interpolator struct {
		Iterations int  `json:"gradient_iterations"`
		Converged  bool `json:"converged"`
	} `json:"interpolator"`
}

// TrajectoryFile is the name of the result file that Figure1 and
// TrajectoryOfRuns write into their directory.
const TrajectoryFile = "trajectory.json"

func (c *Figure1Config) defaults() error {
	if c.Epochs == 0 {
		c.Epochs = 20
	}
	if c.BatchSize == 0 {
		c.BatchSize = 10
	}
	if c.Grid == 0 {
		c.Grid = 200
	}
	switch {
	case c.Epochs < 1 || c.BatchSize < 1:
		return fmt.Errorf("figure 1: epochs %d and batch size %d must be positive", c.Epochs, c.BatchSize)
	case c.Grid < 2:
		return fmt.Errorf("figure 1: a grid of %d points per axis, want at least 2", c.Grid)
	case c.Out == "":
		return fmt.Errorf("figure 1: no output directory")
	}
	return nil
}

var figure1Data = data.Options{PCA: 2, Standardize: true}

// Cells returns the job's cells, one per optimizer asked for that this
// build has, in the order of Figure1Optimizers, and the labels of those it
// lacks.
func (c Figure1Config) Cells() (cells []Cell, skipped []string, err error) {
	if err := c.defaults(); err != nil {
		return nil, nil, err
	}
	tr, _, err := data.Load("iris", figure1Data)
	if err != nil {
		return nil, nil, err
	}
	spe := (tr.Len() + c.BatchSize - 1) / c.BatchSize
	for _, fo := range Figure1Optimizers() {
		if len(c.Optimizers) > 0 && !slices.Contains(c.Optimizers, fo.Label) && !slices.Contains(c.Optimizers, fo.Optimizer) {
			continue
		}
		if !slices.Contains(optim.Names, fo.Optimizer) {
			skipped = append(skipped, fo.Label)
			continue
		}
		h := fo.Hyper
		h.Seed = c.Seed
		cfg := train.Config{Dataset: "iris", PCA: figure1Data.PCA, Standardize: figure1Data.Standardize, Shuffle: true, BatchSize: c.BatchSize,
			Model: "iris-toy", Optimizer: fo.Optimizer, Hyper: h, Seed: c.Seed, DType: "float64", Epochs: c.Epochs, SnapshotEvery: spe,
			Init: filepath.Join(c.Out, "init.safetensors"), Out: filepath.Join(c.Out, "runs", fo.Optimizer)}
		cells = append(cells, Cell{Index: len(cells), Name: fo.Label, Config: cfg})
	}
	return cells, skipped, nil
}

// Figure1 trains the paper's Figure 1 model with each optimizer from the
// same start, builds the interpolated surface through the recorded losses
// and the evaluated surface of each optimizer, and writes trajectory.json
// into c.Out.
func Figure1(ctx context.Context, c Figure1Config) (*Figure1Result, error) {
	start := time.Now()
	if err := c.defaults(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.Out, 0o755); err != nil {
		return nil, err
	}
	cells, skipped, err := c.Cells()
	if err != nil {
		return nil, err
	}
	res := &Figure1Result{Dataset: "iris", Seed: c.Seed, Epochs: c.Epochs, BatchSize: c.BatchSize, Start: Figure1Start, Skipped: skipped}
	for _, fo := range Figure1Optimizers() {
		if slices.Contains(skipped, fo.Label) {
			emit(c.Progress, Event{Kind: CellSkipped, Cell: Cell{Index: -1, Name: fo.Label}, Message: fmt.Sprintf("skipping %s: this build has no %s optimizer", fo.Label, fo.Optimizer)})
		}
	}
	if len(cells) == 0 {
		return nil, fmt.Errorf("figure 1: no optimizer to run")
	}
	if err := c.Shard.Validate(); err != nil {
		return nil, err
	}
	if c.Shard.Whole() {
		// The job's own files (trajectory.json, the pages) have one writer;
		// what a killed writer left half-written goes.
		held, err := holdJob(c.Out, nil, []string{"figure 1"}, c.Progress)
		if err != nil {
			return nil, err
		}
		defer held.Release()
	}
	if err := writeFigure1Start(c); err != nil {
		return nil, err
	}
	byLabel := map[string]Figure1Optimizer{}
	for _, fo := range Figure1Optimizers() {
		byLabel[fo.Label] = fo
	}
	// Keep: a finished run with the same settings is the run this job
	// would train (training is deterministic), so the unsharded call after
	// the shards only reads them back; a run of other settings is replaced.
	if err := RunCells(ctx, c.Shard, cells, CellOptions{Keep: true, Replace: true, Version: c.Version, Progress: c.Progress}); err != nil || !c.Shard.Whole() {
		return nil, err
	}
	for _, cell := range cells {
		p, err := readFigure1Path(cell.Config.Out, cell.Config.SnapshotEvery, c.Epochs)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", cell.Name, err)
		}
		p.Figure1Optimizer = byLabel[cell.Name]
		res.Paths = append(res.Paths, p)
	}
	if err := figure1Surfaces(ctx, res, c.Grid); err != nil {
		return nil, err
	}
	res.Seconds = time.Since(start).Seconds()
	b, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	if err := rundir.WriteBytesAtomic(filepath.Join(c.Out, TrajectoryFile), b); err != nil {
		return nil, err
	}
	return res, nil
}

// figure1Model builds the toy model for the prepared iris data.
func figure1Model(seed uint64) (func() (*nn.Model[float64], error), *data.Dataset, error) {
	tr, _, err := data.Load("iris", figure1Data)
	if err != nil {
		return nil, nil, err
	}
	mcfg := models.Config{Arch: "iris-toy", InputShape: tr.Shape, Classes: tr.Classes, Seed: seed}
	return func() (*nn.Model[float64], error) { return models.Build[float64](mcfg) }, tr, nil
}

// writeFigure1Start saves the common start: the model of the seed with
// fc1.weight at Figure1Start.
func writeFigure1Start(c Figure1Config) error {
	build, _, err := figure1Model(c.Seed)
	if err != nil {
		return err
	}
	m, err := build()
	if err != nil {
		return err
	}
	w := m.Param("fc1.weight")
	w.Value.Data[0], w.Value.Data[1] = Figure1Start[0], Figure1Start[1]
	return train.SaveModel(filepath.Join(c.Out, "init.safetensors"), m, map[string]string{"note": "iris-toy from --seed with fc1.weight = (0.2, 0.2)"})
}
