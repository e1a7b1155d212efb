package landscape

import (
	"fmt"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/trajectory"
)

// Tensors views the model's trainable parameters, in model.parameters()
// order, as the named tensors package trajectory works on (sharing their
// memory: a change to one is a change to the other).
func Tensors(m *nn.Model[float64]) []trajectory.Tensor {
	var ts []trajectory.Tensor
	for _, p := range m.Params() {
		ts = append(ts, trajectory.Tensor{Name: p.Name, Shape: p.Value.Shape, Data: p.Value.Data})
	}
	return ts
}

// Flatten concatenates the model's trainable parameters in
// model.parameters() order, as trajectory.Flatten lays out a snapshot.
func Flatten(m *nn.Model[float64]) []float64 {
	return trajectory.Flatten(Tensors(m))
}

// SetFlat writes a flat parameter vector (as Flatten makes) into the model.
func SetFlat[T nn.Float](m *nn.Model[T], v []float64) error {
	if n := m.NumParams(); len(v) != n {
		return fmt.Errorf("landscape: parameter vector of %d values for a model of %d", len(v), n)
	}
	k := 0
	for _, p := range m.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] = T(v[k])
			k++
		}
	}
	return nil
}

// Offset returns where a named parameter starts in the flat vector and how
// many values it has.
func Offset[T nn.Float](m *nn.Model[T], name string) (start, n int, err error) {
	for _, p := range m.Params() {
		if p.Name == name {
			return start, p.Value.Numel(), nil
		}
		start += p.Value.Numel()
	}
	return 0, 0, fmt.Errorf("landscape: the model has no parameter %q", name)
}

// CopyState copies every parameter and buffer of src into dst, a model of the
// same architecture.
func CopyState[T nn.Float](dst, src *nn.Model[T]) error {
	a, b := dst.State(), src.State()
	if len(a) != len(b) {
		return fmt.Errorf("landscape: models of %d and %d state tensors", len(a), len(b))
	}
	for i := range a {
		if a[i].Name != b[i].Name {
			return fmt.Errorf("landscape: state %q where %q was expected", b[i].Name, a[i].Name)
		}
		if a[i].Count != nil {
			*a[i].Count = *b[i].Count
			continue
		}
		copy(a[i].Value.Data, b[i].Value.Data)
	}
	return nil
}
