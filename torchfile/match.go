package torchfile

import (
	"fmt"
	"slices"
	"strings"
)

// Want is a tensor a model expects: its state_dict name and shape.
type Want struct {
	Name  string
	Shape []int
}

// ShapeMismatch is a tensor present under the expected name with another
// shape.
type ShapeMismatch struct {
	Name       string
	Have, Want []int
}

// MismatchError lists every way a state_dict differs from what a model
// expects, as load_state_dict(strict=True) reports them.
type MismatchError struct {
	Missing    []string        // expected, absent from the file
	Unexpected []string        // in the file, not expected
	Shapes     []ShapeMismatch // present with another shape
}

func (e *MismatchError) Error() string {
	var parts []string
	quote := func(names []string) string {
		q := make([]string, len(names))
		for i, n := range names {
			q[i] = fmt.Sprintf("%q", n)
		}
		return strings.Join(q, ", ")
	}
	if len(e.Missing) > 0 {
		parts = append(parts, "missing key(s) in state_dict: "+quote(e.Missing))
	}
	if len(e.Unexpected) > 0 {
		parts = append(parts, "unexpected key(s) in state_dict: "+quote(e.Unexpected))
	}
	for _, s := range e.Shapes {
		parts = append(parts, fmt.Sprintf("size mismatch for %s: copying a tensor with shape %v from the file, the shape in the model is %v",
			s.Name, s.Have, s.Want))
	}
	return "error(s) in loading state_dict:\n\t" + strings.Join(parts, "\n\t")
}

// Match checks that have holds exactly the tensors of want, by name, with
// the expected shapes, and returns them in want's order. Otherwise it
// returns a *MismatchError listing every missing, unexpected and mis-shaped
// name at once. A scalar is shape [] (a 0-d tensor), as PyTorch saves
// num_batches_tracked.
func Match(have []Tensor, want []Want) ([]Tensor, error) {
	byName := make(map[string]int, len(have))
	for i, t := range have {
		byName[t.Name] = i
	}
	expected := make(map[string]bool, len(want))
	e := &MismatchError{}
	out := make([]Tensor, 0, len(want))
	for _, w := range want {
		expected[w.Name] = true
		i, ok := byName[w.Name]
		if !ok {
			e.Missing = append(e.Missing, w.Name)
			continue
		}
		if !slices.Equal(have[i].Shape, w.Shape) {
			e.Shapes = append(e.Shapes, ShapeMismatch{Name: w.Name, Have: have[i].Shape, Want: w.Shape})
			continue
		}
		out = append(out, have[i])
	}
	for _, t := range have {
		if !expected[t.Name] {
			e.Unexpected = append(e.Unexpected, t.Name)
		}
	}
	if len(e.Missing)+len(e.Unexpected)+len(e.Shapes) > 0 {
		return nil, e
	}
	return out, nil
}
