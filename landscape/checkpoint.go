package landscape

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/adafisher-go/landscape/nn"
)

// Checkpoint is one set of a run's weights: a snapshot taken while it
// trained, or its final weights. Load builds the model with them; nothing
// is read before it is called.
type Checkpoint struct {
	Step  int    // the training step of the weights (-1: unknown)
	Final bool   // the run's final weights
	File  string // where the weights are, for the record (relative to the run)
	Load  func() (*nn.Model[float64], error)
}

// Find returns the checkpoint a reference names: "final" (the final
// weights) or a snapshot's step number.
func Find(cps []Checkpoint, ref string) (Checkpoint, error) {
	ref = strings.TrimSpace(ref)
	if ref == "final" {
		for _, c := range cps {
			if c.Final {
				return c, nil
			}
		}
		return Checkpoint{}, fmt.Errorf("landscape: no final weights among the %d checkpoints", len(cps))
	}
	step, err := strconv.Atoi(ref)
	if err != nil || step < 0 {
		return Checkpoint{}, fmt.Errorf("landscape: checkpoint %q: want a step number or final", ref)
	}
	var have []int
	for _, c := range cps {
		if !c.Final {
			if c.Step == step {
				return c, nil
			}
			have = append(have, c.Step)
		}
	}
	return Checkpoint{}, fmt.Errorf("landscape: no weights snapshot at step %d (snapshots at steps %v)", step, have)
}

// Snapshots loads every checkpoint and returns the flattened weights with
// their steps, -1 for the final weights.
func Snapshots(cps []Checkpoint) ([][]float64, []int, error) {
	var out [][]float64
	var steps []int
	for _, c := range cps {
		m, err := c.Load()
		if err != nil {
			return nil, nil, err
		}
		out = append(out, Flatten(m))
		step := c.Step
		if c.Final {
			step = -1
		}
		steps = append(steps, step)
	}
	return out, steps, nil
}
