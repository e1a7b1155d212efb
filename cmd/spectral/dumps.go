package main

import (
	"fmt"
	"slices"
	"strconv"
	"sync"

	"github.com/adafisher-go/landscape/spectral"
	"github.com/adafisher-go/landscape/torchfile"
	"gonum.org/v1/gonum/mat"
)

// dumpInputs lists the factor matrices of the official analysis code's dumps
// in dir (H_bar_resnet/H_bar_{step}.pkl, S_resnet/S_{step}.pkl): for each
// chosen step and pair, H as the activation side (A) and S as the gradient
// side (G), named "LABEL/H" and "LABEL/S" with LABEL the module's position
// and class ("03.Linear") under the layer pairing, or the index and both
// modules under the reference pairing. Steps are read when their first
// matrix is analysed, one step in memory at a time (a ResNet-18 step is
// hundreds of megabytes).
func dumpInputs(dir string, steps []string, pairing torchfile.Pairing) ([]spectral.Input, []int, error) {
	d, err := torchfile.OpenDumps(dir)
	if err != nil {
		return nil, nil, err
	}
	chosen := d.Steps
	if len(steps) > 0 {
		chosen = nil
		for _, s := range steps {
			n, err := strconv.Atoi(s)
			if err != nil || !slices.Contains(d.Steps, n) {
				return nil, nil, fmt.Errorf("%s has no dumped step %q (it has %v)", dir, s, d.Steps)
			}
			chosen = append(chosen, n)
		}
	}
	cache := &stepCache{dir: d, pairing: pairing}
	var out []spectral.Input
	var sizes []int
	for _, step := range chosen {
		// Each step is read here for its names and shapes, and again when
		// its matrices are analysed (one step held at a time).
		st, err := cache.get(step)
		if err != nil {
			return nil, nil, err
		}
		for i, l := range st.Layers {
			label := l.Name(pairing)
			for side, t := range []*torchfile.Tensor{l.H, l.S} {
				if t == nil {
					continue
				}
				if len(t.Shape) != 2 || t.Shape[0] != t.Shape[1] {
					return nil, nil, fmt.Errorf("%s step %d: %s has shape %v, want a square matrix", dir, step, label, t.Shape)
				}
				name := label + "/" + [2]string{"H", "S"}[side]
				step, i, side := step, i, side
				out = append(out, spectral.Input{Name: name, Layer: label, Step: step, Side: [2]string{"A", "G"}[side],
					Load: func() (*mat.Dense, error) { return cache.matrix(step, i, side) }})
				sizes = append(sizes, t.Shape[0])
			}
		}
	}
	if len(out) == 0 {
		return nil, nil, fmt.Errorf("%s: the dumps hold no factor matrices", dir)
	}
	return out, sizes, nil
}

// stepCache keeps the last dumped step read.
type stepCache struct {
	dir     *torchfile.DumpDir
	pairing torchfile.Pairing
	mu      sync.Mutex
	step    int
	cur     *torchfile.DumpStep
}

func (c *stepCache) get(step int) (*torchfile.DumpStep, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil && c.step == step {
		return c.cur, nil
	}
	st, err := c.dir.Step(step, c.pairing)
	if err != nil {
		return nil, err
	}
	c.cur, c.step = st, step
	return st, nil
}

func (c *stepCache) matrix(step, layer, side int) (*mat.Dense, error) {
	st, err := c.get(step)
	if err != nil {
		return nil, err
	}
	l := st.Layers[layer]
	t := [2]*torchfile.Tensor{l.H, l.S}[side]
	v := t.Float64s()
	for k, x := range v {
		if x != x || x > 1.7976931348623157e308 || x < -1.7976931348623157e308 {
			return nil, fmt.Errorf("%s step %d: %s: entry (%d, %d) is %g, want a finite number", c.dir.Dir, step, l.Name(c.pairing), k/t.Shape[1], k%t.Shape[1], x)
		}
	}
	return mat.NewDense(t.Shape[0], t.Shape[1], v), nil
}
