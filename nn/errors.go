package nn

import "fmt"

// ShapeError reports an input whose shape a layer cannot take.
type ShapeError struct {
	Layer string
	Got   []int
	Want  string
}

func (e *ShapeError) Error() string {
	return fmt.Sprintf("layer %s: input of shape %v, want %s", e.Layer, e.Got, e.Want)
}

func shapeError[T Float](layer string, x *Tensor[T], wantLast int) error {
	return &ShapeError{Layer: layer, Got: append([]int(nil), x.Shape...), Want: fmt.Sprintf("last dimension %d", wantLast)}
}
