package landscape

import (
	"fmt"

	"github.com/adafisher-go/landscape/nn"
)

// Flatten concatenates the model's trainable parameters in
// model.parameters() order.
func Flatten[T nn.Float](m *nn.Model[T]) []float64 {
	var out []float64
	for _, p := range m.Params() {
		for _, v := range p.Value.Data {
			out = append(out, float64(v))
		}
	}
	return out
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
