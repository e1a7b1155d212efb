package train

import (
	"fmt"
	"sort"
	"strings"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/rundir"
)

// toFile converts a tensor of the run's element type for safetensors.
func toFile[T nn.Float](name string, t *nn.Tensor[T]) rundir.Tensor {
	switch d := any(t.Data).(type) {
	case []float32:
		return rundir.FromFloat32(name, t.Shape, d)
	case []float64:
		return rundir.FromFloat64(name, t.Shape, d)
	}
	panic("unreachable")
}

// fromFile copies a safetensors tensor into dst, converting the element type.
func fromFile[T nn.Float](src rundir.Tensor, dst *nn.Tensor[T]) error {
	if !nn.SameShape(src.Shape, dst.Shape) {
		return fmt.Errorf("tensor %q has shape %v, want %v", src.Name, src.Shape, dst.Shape)
	}
	v, err := src.Float64s()
	if err != nil {
		return fmt.Errorf("tensor %q: %w", src.Name, err)
	}
	for i, x := range v {
		dst.Data[i] = T(x)
	}
	return nil
}

// ModelTensors lists the model's state (parameters and buffers) under the
// given name prefix, in state_dict order, with PyTorch's names and layouts.
func ModelTensors[T nn.Float](m *nn.Model[T], prefix string) []rundir.Tensor {
	var out []rundir.Tensor
	for _, e := range m.State() {
		if e.Count != nil {
			out = append(out, rundir.FromInt64(prefix+e.Name, []int{}, []int64{*e.Count}))
			continue
		}
		out = append(out, toFile(prefix+e.Name, e.Value))
	}
	return out
}

// SaveModel writes the model's state_dict to a safetensors file.
func SaveModel[T nn.Float](path string, m *nn.Model[T], meta map[string]string) error {
	ts := ModelTensors(m, "")
	rundir.SortForAlignment(ts)
	return rundir.Write(path, ts, meta)
}

// LoadModel sets the model's state from tensors named as its state_dict under
// prefix. Every parameter must be present with the right shape. When strict,
// every buffer must be present too; without strict, missing buffers keep
// their values (a file of weights only, as model.parameters() would give).
// No other tensor may be present. Like PyTorch's load_state_dict, it checks
// everything first and reports every missing, unexpected and mis-shaped
// tensor in one *StateDictError, changing nothing when there is one.
func LoadModel[T nn.Float](f *rundir.File, m *nn.Model[T], prefix string, strict bool) error {
	bad := &StateDictError{Model: m.Arch}
	want := map[string]bool{}
	type load struct {
		e nn.StateEntry[T]
		t rundir.Tensor
	}
	var loads []load
	for _, e := range m.State() {
		want[prefix+e.Name] = true
		t, ok := f.Get(prefix + e.Name)
		if !ok {
			if e.Trainable || strict {
				bad.Missing = append(bad.Missing, e.Name)
			}
			continue
		}
		shape := []int{}
		if e.Count == nil {
			shape = e.Value.Shape
		} else if len(t.Shape) == 1 && t.Shape[0] == 1 {
			shape = t.Shape
		}
		if !nn.SameShape(t.Shape, shape) {
			bad.Mismatched = append(bad.Mismatched, fmt.Sprintf("%q has shape %v, want %v", e.Name, t.Shape, shape))
			continue
		}
		loads = append(loads, load{e, t})
	}
	for _, t := range f.Tensors {
		if strings.HasPrefix(t.Name, prefix) && !want[t.Name] {
			bad.Unexpected = append(bad.Unexpected, strings.TrimPrefix(t.Name, prefix))
		}
	}
	sort.Strings(bad.Unexpected)
	if len(bad.Missing)+len(bad.Unexpected)+len(bad.Mismatched) > 0 {
		return bad
	}
	for _, l := range loads {
		if l.e.Count != nil {
			v, err := l.t.Int64s()
			if err != nil {
				return fmt.Errorf("tensor %q: %w", l.e.Name, err)
			}
			*l.e.Count = v[0]
			continue
		}
		if err := fromFile(l.t, l.e.Value); err != nil {
			return err
		}
	}
	return nil
}

// StateDictError lists everything that keeps a file's tensors from loading
// into a model by name, as PyTorch's load_state_dict(strict=True) does.
type StateDictError struct {
	Model      string
	Missing    []string // the model's tensors absent from the file
	Unexpected []string // the file's tensors the model does not have
	Mismatched []string // "name" has shape [..], want [..]
}

func (e *StateDictError) Error() string {
	var parts []string
	quote := func(names []string) string {
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = fmt.Sprintf("%q", n)
		}
		return strings.Join(q, ", ")
	}
	if len(e.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("missing %s (the model %s needs them)", quote(e.Missing), e.Model))
		if len(e.Missing) == 1 {
			parts[len(parts)-1] = fmt.Sprintf("tensor %s is missing (the model %s needs it)", quote(e.Missing), e.Model)
		}
	}
	if len(e.Unexpected) > 0 {
		parts = append(parts, fmt.Sprintf("unexpected tensor %s: the model %s has no such parameter or buffer", quote(e.Unexpected), e.Model))
	}
	if len(e.Mismatched) > 0 {
		parts = append(parts, "shape mismatch: tensor "+strings.Join(e.Mismatched, "; tensor "))
	}
	return strings.Join(parts, "; ")
}
