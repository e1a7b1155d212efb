package landscape

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/trajectory"
)

// Loss is the mean softmax cross-entropy of the model over a dataset, in
// evaluation mode (BatchNorm uses its running statistics), with its accuracy
// (for a language model: over every target token).
func Loss(m *nn.Model[float64], d *data.Dataset) (loss, accuracy float64, err error) {
	const chunk = 1024
	sample := 1
	for _, s := range d.Shape {
		sample *= s
	}
	var sum float64
	correct := 0
	for lo := 0; lo < d.Len(); lo += chunk {
		hi := min(lo+chunk, d.Len())
		in := &nn.Tensor[float64]{Shape: append([]int{hi - lo}, d.Shape...), Data: d.X[lo*sample : hi*sample]}
		out, err := m.Forward(in, nn.Mode{})
		if err != nil {
			return 0, 0, err
		}
		k := d.LabelsPerSample()
		l, c := nn.CrossEntropy(out, d.Y[lo*k:hi*k], nil)
		sum += l * float64(hi-lo)
		correct += c
	}
	n := float64(max(d.Len(), 1))
	return sum / n, float64(correct) / (n * float64(d.LabelsPerSample())), nil
}

// Grid is the grid of parameter vectors Plane.Point(a, b) for a in Alphas
// and b in Betas; on a line (Plane.D2 nil) Betas is ignored and the grid
// has one column.
type Grid struct {
	Plane         trajectory.Plane
	Alphas, Betas []float64
}

// Size is the grid's number of rows (alphas) and columns (betas, 1 on a
// line).
func (g Grid) Size() (rows, cols int) {
	if g.Plane.IsLine() {
		return len(g.Alphas), 1
	}
	return len(g.Alphas), len(g.Betas)
}

// Point is one evaluated grid point: indices into Alphas and Betas.
type Point struct {
	I, J     int
	Loss     float64
	Accuracy float64
}

// EvalConfig is what [Evaluate] evaluates, and with what.
type EvalConfig struct {
	Grid Grid
	// Build returns a fresh model of the architecture; each worker builds
	// one and copies Template's state into it (so that BatchNorm
	// statistics are the template's) before setting the parameters.
	Build    func() (*nn.Model[float64], error)
	Template *nn.Model[float64]
	Data     *data.Dataset
	// Workers is the number of parallel evaluations (0: all cores).
	Workers int
	// Skip reports points already known or left to another evaluation
	// (nil: none); they are not evaluated and stay NaN.
	Skip func(i, j int) bool
	// Done receives each point as it finishes, from one goroutine at a
	// time (nil: none).
	Done func(Point)
}

// Evaluate computes the loss at every grid point, in parallel, and returns
// it as rows (alphas) of columns (betas; one on a line); skipped points are
// NaN. When ctx ends it stops handing out points and returns what finished
// with ctx's error.
func Evaluate(ctx context.Context, c EvalConfig) ([][]float64, error) {
	p := c.Grid.Plane
	rows, cols := c.Grid.Size()
	n := c.Template.NumParams()
	if len(p.Centre) != n || len(p.D1) != n || (p.D2 != nil && len(p.D2) != n) {
		return nil, fmt.Errorf("landscape: centre and directions of %d, %d and %d values for a model of %d parameters", len(p.Centre), len(p.D1), len(p.D2), n)
	}
	if len(c.Grid.Alphas) == 0 || (!p.IsLine() && len(c.Grid.Betas) == 0) {
		return nil, fmt.Errorf("landscape: a grid of %d x %d points, want at least one along each axis", len(c.Grid.Alphas), len(c.Grid.Betas))
	}
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Points are handed out by their number k in trajectory.Plane.GridPoint's
	// row-by-row order: the deterministic order a partition of the grid
	// (a shard) would select its points by.
	grid := make([][]float64, rows)
	var jobs []int
	for i := range grid {
		grid[i] = make([]float64, cols)
		for j := range grid[i] {
			grid[i][j] = math.NaN()
			if c.Skip == nil || !c.Skip(i, j) {
				jobs = append(jobs, i*cols+j)
			}
		}
	}
	workers = max(1, min(workers, len(jobs)))
	ch := make(chan int)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		m, err := c.Build()
		if err != nil {
			return nil, err
		}
		if err := CopyState(m, c.Template); err != nil {
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := make([]float64, n)
			for k := range ch {
				var pt Point
				pt.I, pt.J = p.GridPoint(v, c.Grid.Alphas, c.Grid.Betas, k)
				err := SetFlat(m, v)
				if err == nil {
					pt.Loss, pt.Accuracy, err = Loss(m, c.Data)
				}
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
				} else {
					grid[pt.I][pt.J] = pt.Loss
					if c.Done != nil {
						c.Done(pt)
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, k := range jobs {
		if ctx.Err() != nil {
			break // select picks at random among ready cases: stop first
		}
		select {
		case ch <- k:
		case <-ctx.Done():
			break feed
		}
	}
	close(ch)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return grid, err
	}
	return grid, nil
}
