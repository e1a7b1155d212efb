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
// every buffer must be present too and no other tensor may be; without
// strict, missing buffers keep their values (a file of weights only, as
// model.parameters() would give).
func LoadModel[T nn.Float](f *rundir.File, m *nn.Model[T], prefix string, strict bool) error {
	want := map[string]bool{}
	for _, e := range m.State() {
		want[prefix+e.Name] = true
		t, ok := f.Get(prefix + e.Name)
		if !ok {
			if e.Trainable || strict {
				return fmt.Errorf("tensor %q is missing (the model %s needs it)", e.Name, m.Arch)
			}
			continue
		}
		if e.Count != nil {
			if len(t.Shape) != 0 && !(len(t.Shape) == 1 && t.Shape[0] == 1) {
				return fmt.Errorf("tensor %q has shape %v, want a scalar", e.Name, t.Shape)
			}
			v, err := t.Int64s()
			if err != nil {
				return fmt.Errorf("tensor %q: %w", e.Name, err)
			}
			*e.Count = v[0]
			continue
		}
		if err := fromFile(t, e.Value); err != nil {
			return err
		}
	}
	var extra []string
	for _, t := range f.Tensors {
		if strings.HasPrefix(t.Name, prefix) && !want[t.Name] {
			extra = append(extra, strings.TrimPrefix(t.Name, prefix))
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return fmt.Errorf("unexpected tensor %q: the model %s has no such parameter or buffer", extra[0], m.Arch)
	}
	return nil
}
