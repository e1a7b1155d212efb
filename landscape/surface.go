package landscape

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/nn"
)

// SurfaceSettings are what a surface's values depend on; they head its
// point log, and a resumed evaluation reuses saved points only when they
// are equal.
type SurfaceSettings struct {
	Run  string `json:"run"`  // the run, for the record
	Mode string `json:"mode"` // line, random, pca or three
	// Centre is the checkpoint at the origin of random and pca planes:
	// "final" or a snapshot step.
	Centre string `json:"centre"`
	// From and To are the ends of a line (t = 0 and t = 1).
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Steps are the three checkpoints a three-point plane goes through.
	Steps []string `json:"steps,omitempty"`
	// Seed is the seed of random directions (the second uses Seed+1).
	Seed uint64 `json:"seed"`
	// OneD is what random directions hold for biases and normalisation
	// parameters: zero, copy or filter (trajectory.OneDMode).
	OneD string `json:"one_d"`
	// Range and RangeB are the coordinate ranges along the two directions.
	// A zero Range takes the mode's default (-0.5:1.5 on a line, -1:1 for
	// random planes, the training path with a margin for pca and three); a
	// zero RangeB beside a given Range is Range.
	Range      [2]float64 `json:"range"`
	RangeB     [2]float64 `json:"range_b"`
	Resolution int        `json:"resolution"` // grid points along each axis
	Split      string     `json:"split"`      // the data the loss is on, for the record
}

// SurfaceResult is a surface: the grid's coordinates and the loss and
// accuracy at every point (rows along alphas; one column on a line).
type SurfaceResult struct {
	Settings SurfaceSettings `json:"settings"` // with the ranges resolved
	Alphas   Floats          `json:"alphas"`
	Betas    Floats          `json:"betas,omitempty"`
	Loss     FloatGrid       `json:"loss"`
	Accuracy FloatGrid       `json:"accuracy"`
	// Path is the run's weight snapshots in plane coordinates, with their
	// distance from the plane.
	Path      []PathPoint `json:"path,omitempty"`
	Explained Floats      `json:"pca_explained_share,omitempty"`
	Seconds   float64     `json:"seconds"`
	// Reused is the number of points taken from the point log, and Cut
	// the bytes of a last line cut short by a crash dropped from it.
	Reused int   `json:"-"`
	Cut    int64 `json:"-"`
}

// PathPoint is one weight snapshot of the run placed on the plane.
type PathPoint struct {
	Step     int     `json:"step"` // -1 for the final weights
	A        float64 `json:"a"`
	B        float64 `json:"b"`
	Distance float64 `json:"distance"`
}

// SurfaceConfig is a surface to compute.
type SurfaceConfig struct {
	Settings SurfaceSettings
	// Checkpoints are the run's weights: its snapshots in step order, then
	// its final weights.
	Checkpoints []Checkpoint
	// Build returns a fresh model of the run's architecture.
	Build func() (*nn.Model[float64], error)
	Data  *data.Dataset
	// Log is the point log's path ("": evaluate every point, keep none).
	Log string
	// Shard, when not the whole job, evaluates only the grid points it owns
	// (point k = i*columns + j, dealt round-robin as cluster.Shard deals
	// cells); the result then holds NaN at the other points, and a later
	// unsharded call given the shards' logs in Import only assembles.
	Shard cluster.Shard
	// Import are point logs of the same surface written by shards: their
	// points (of equal settings) are taken as evaluated, and copied into Log.
	Import  []string
	Workers int // parallel evaluations (0: all cores)
	// Progress is told after each point how many of the total are done
	// (reused points included), from one goroutine at a time.
	Progress func(done, total int)
}

// Surface evaluates the loss on a line between two checkpoints or on a
// plane (two filter-normalised random directions, Li et al. 2018; the first
// two principal directions of the run's snapshots; or the plane through
// three checkpoints), saving each point to the log as it finishes. When ctx
// ends it returns an error wrapping ctx's, and the log keeps the finished
// points for the next call with the same settings.
func Surface(ctx context.Context, c SurfaceConfig) (*SurfaceResult, error) {
	start := time.Now()
	if c.Data == nil || c.Build == nil {
		return nil, errors.New("landscape: a surface needs a dataset and a model builder")
	}
	res, g, template, err := surfaceGrid(c.Settings, c.Checkpoints)
	if err != nil {
		return nil, err
	}
	var log *PointLog[SurfaceSettings]
	if c.Log != "" {
		if log, err = OpenPointLog(c.Log, res.Settings); err != nil {
			return nil, err
		}
		defer log.Close()
		res.Cut = log.Cut()
		for _, path := range c.Import {
			pts, err := ReadPointLog(path, res.Settings)
			if err != nil {
				return nil, err
			}
			for _, p := range pts {
				if _, ok := log.Known(p.I, p.J); !ok {
					log.Append(p)
					log.learn(p)
				}
			}
		}
		res.Reused = log.Len()
	} else if len(c.Import) > 0 {
		return nil, errors.New("landscape: importing shards' points needs a log of the whole surface")
	}
	if err := c.Shard.Validate(); err != nil {
		return nil, err
	}
	rows, cols := g.Size()
	total, done := rows*cols, res.Reused
	acc := map[[2]int]float64{}
	var mu sync.Mutex
	values, err := Evaluate(ctx, EvalConfig{Grid: g, Build: c.Build, Template: template, Data: c.Data, Workers: c.Workers,
		Skip: func(i, j int) bool {
			if !c.Shard.Owns(i*cols + j) {
				return true
			}
			if log == nil {
				return false
			}
			_, ok := log.Known(i, j)
			return ok
		},
		Done: func(p Point) {
			mu.Lock()
			acc[[2]int{p.I, p.J}] = p.Accuracy
			mu.Unlock()
			if log != nil {
				log.Append(p)
			}
			done++
			if c.Progress != nil {
				c.Progress(done, total)
			}
		}})
	if err != nil {
		if ctx.Err() != nil && log != nil {
			return nil, fmt.Errorf("landscape: interrupted; %s keeps the finished points: %w", log.Path(), err)
		}
		return nil, err
	}
	if log != nil {
		if err := log.Close(); err != nil {
			return nil, err
		}
	}
	res.Loss = values
	res.Accuracy = make(FloatGrid, len(values))
	for i := range values {
		res.Accuracy[i] = make([]float64, len(values[i]))
		for j := range values[i] {
			res.Accuracy[i][j] = acc[[2]int{i, j}]
			if !c.Shard.Owns(i*len(values[i]) + j) {
				res.Accuracy[i][j] = math.NaN() // another shard's point
			}
			if log == nil {
				continue
			}
			if p, ok := log.Known(i, j); ok {
				values[i][j], res.Accuracy[i][j] = p.Loss, p.Accuracy
			}
		}
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}
