package landscape

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/nn"
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

// Plane describes a grid of parameter vectors Center + a*D1 + b*D2 for a in
// Alphas and b in Betas. D2 may be nil for a line.
type Plane struct {
	Center, D1, D2 []float64
	Alphas, Betas  []float64
}

// Point is one evaluated grid point: indices into Alphas and Betas.
type Point struct {
	I, J     int
	Loss     float64
	Accuracy float64
}

// Evaluate computes the loss at every grid point of the plane, in parallel on
// workers goroutines (0: all cores). build returns a fresh model of the
// architecture; each worker builds one and copies template's state into it
// (so BatchNorm statistics are the template's) before setting the parameters.
// skip reports points already known (nil: none); done receives each point as
// it finishes, from one goroutine at a time. The result has len(Alphas) rows
// and len(Betas) columns (one column for a line); skipped points are NaN.
func Evaluate(ctx context.Context, p Plane, build func() (*nn.Model[float64], error), template *nn.Model[float64], d *data.Dataset,
	workers int, skip func(i, j int) bool, done func(Point)) ([][]float64, error) {
	nb := len(p.Betas)
	if p.D2 == nil {
		nb = 1
	}
	n := template.NumParams()
	if len(p.Center) != n || len(p.D1) != n || (p.D2 != nil && len(p.D2) != n) {
		return nil, fmt.Errorf("landscape: centre and directions must have %d values", n)
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	grid := make([][]float64, len(p.Alphas))
	var jobs []Point
	for i := range grid {
		grid[i] = make([]float64, nb)
		for j := range grid[i] {
			grid[i][j] = math.NaN()
			if skip == nil || !skip(i, j) {
				jobs = append(jobs, Point{I: i, J: j})
			}
		}
	}
	workers = max(1, min(workers, len(jobs)))
	ch := make(chan Point)
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		m, err := build()
		if err != nil {
			return nil, err
		}
		if err := CopyState(m, template); err != nil {
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := make([]float64, n)
			for pt := range ch {
				a := p.Alphas[pt.I]
				for k := range v {
					v[k] = p.Center[k] + a*p.D1[k]
				}
				if p.D2 != nil {
					b := p.Betas[pt.J]
					for k := range v {
						v[k] += b * p.D2[k]
					}
				}
				err := SetFlat(m, v)
				if err == nil {
					pt.Loss, pt.Accuracy, err = Loss(m, d)
				}
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = err
					}
				} else {
					grid[pt.I][pt.J] = pt.Loss
					if done != nil {
						done(pt)
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, pt := range jobs {
		select {
		case ch <- pt:
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
