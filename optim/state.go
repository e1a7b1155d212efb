package optim

import (
	"fmt"
	"math"
	"sort"

	"github.com/adafisher-go/landscape/nn"
)

// checkParams checks what every method needs of its parameters: each is
// present, its gradient has its value's shape, and names (which key the
// optimizer's state) are set and unique.
func checkParams[T nn.Float](method string, params []*nn.Param[T]) error {
	seen := make(map[string]bool, len(params))
	for i, p := range params {
		switch {
		case p == nil:
			return fmt.Errorf("%s: parameter %d is nil", method, i)
		case p.Name == "":
			return fmt.Errorf("%s: parameter %d has no name", method, i)
		case seen[p.Name]:
			return fmt.Errorf("%s: parameter %q appears twice", method, p.Name)
		case p.Value == nil || p.Grad == nil:
			return fmt.Errorf("%s: parameter %q has no value or no gradient tensor", method, p.Name)
		case len(p.Value.Data) != numel(p.Value.Shape):
			return fmt.Errorf("%s: parameter %q: %d elements for shape %v", method, p.Name, len(p.Value.Data), p.Value.Shape)
		case !nn.SameShape(p.Value.Shape, p.Grad.Shape) || len(p.Grad.Data) != len(p.Value.Data):
			return fmt.Errorf("%s: parameter %q: gradient %v does not match value %v", method, p.Name, p.Grad, p.Value)
		}
		seen[p.Name] = true
	}
	return nil
}

// checkStepSizes is Step's cheap guard that no tensor was resized since the
// optimizer was built.
func checkStepSizes[T nn.Float](method string, p *nn.Param[T], n int) error {
	if len(p.Value.Data) != n || len(p.Grad.Data) != n {
		return fmt.Errorf("%s: parameter %q has %d values and %d gradients, want %d as when the optimizer was built",
			method, p.Name, len(p.Value.Data), len(p.Grad.Data), n)
	}
	return nil
}

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// stateSpec lists the tensors and scalars that a method's State holds.
type stateSpec struct {
	tensors  []tensorSpec
	scalars  []string // required; counts, checked to be whole numbers >= 0
	optional []string // restored when present ("lr")
}

type tensorSpec struct {
	key   string
	shape []int
}

// checkState reports the first missing, mis-shaped or unexpected entry of s, by
// name, before LoadState changes anything.
func checkState[T nn.Float](method string, spec *stateSpec, s State[T]) error {
	known := make(map[string]bool, len(spec.tensors)+len(spec.scalars)+len(spec.optional))
	for _, w := range spec.tensors {
		known[w.key] = true
		t, ok := s.Tensors[w.key]
		if !ok || t == nil {
			return fmt.Errorf("%s: state has no tensor %q", method, w.key)
		}
		if !nn.SameShape(t.Shape, w.shape) || len(t.Data) != numel(w.shape) {
			return fmt.Errorf("%s: state tensor %q has shape %v (%d elements), want %v",
				method, w.key, t.Shape, len(t.Data), w.shape)
		}
	}
	for _, k := range spec.scalars {
		known[k] = true
		v, ok := s.Scalars[k]
		if !ok {
			return fmt.Errorf("%s: state has no scalar %q", method, k)
		}
		if !(v >= 0 && v <= 1<<53) || v != math.Trunc(v) {
			return fmt.Errorf("%s: state scalar %q is %g, want a whole number of steps", method, k, v)
		}
	}
	for _, k := range spec.optional {
		known[k] = true
		if v, ok := s.Scalars[k]; ok && (math.IsNaN(v) || math.IsInf(v, 0)) {
			return fmt.Errorf("%s: state scalar %q is %g", method, k, v)
		}
	}
	var unknown []string
	for k := range s.Tensors {
		if !known[k] {
			unknown = append(unknown, "tensor "+fmt.Sprintf("%q", k))
		}
	}
	for k := range s.Scalars {
		if !known[k] {
			unknown = append(unknown, "scalar "+fmt.Sprintf("%q", k))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("%s: state has unexpected %s (saved by another optimizer or another model?)", method, unknown[0])
	}
	return nil
}

func cloneTensors[T nn.Float](dst map[string]*nn.Tensor[T], keys []string, ts []*nn.Tensor[T]) {
	for i, t := range ts {
		dst[keys[i]] = t.Clone()
	}
}

func validHyper(x float64) bool { return x >= 0 && !math.IsInf(x, 1) }
