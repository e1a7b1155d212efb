package nn

import (
	"fmt"
	"math/rand/v2"
)

// Embedding looks up rows of a num x dim table, as torch.nn.Embedding(num,
// dim): an input of any shape holding integer indices (as values of T) gives
// an output of that shape plus a last dimension of size dim. The weight is
// num x dim and PyTorch initialises it from N(0, 1).
//
// The indices are not differentiable: Backward returns a zero input
// gradient when one is asked for. On a capture pass it keeps the indices
// (A, shape [N]) and the gradient of the looked-up rows (G, N x dim).
type Embedding[T Float] struct {
	name     string
	Num, Dim int
	Weight   *Param[T]

	idx      []int32
	inShape  []int
	outShape []int
	y, dx    Tensor[T]
	ids, g   Tensor[T] // capture views
	capture  bool
	has      bool
	captured Capture[T]
}

// NewEmbedding returns an Embedding of num rows of size dim; call Reset to
// initialise it.
func NewEmbedding[T Float](name string, num, dim int) *Embedding[T] {
	if num < 1 || dim < 1 {
		panic(fmt.Sprintf("nn.NewEmbedding %s: %d x %d, want positive sizes", name, num, dim))
	}
	return &Embedding[T]{name: name, Num: num, Dim: dim, Weight: newParam[T](name, "weight", num, dim)}
}

func (e *Embedding[T]) Name() string          { return e.name }
func (e *Embedding[T]) Kind() Kind            { return KindEmbedding }
func (e *Embedding[T]) Params() []*Param[T]   { return []*Param[T]{e.Weight} }
func (e *Embedding[T]) Captured() *Capture[T] { return capturedOrNil(e.has, &e.captured) }

// Reset draws the table from N(0, 1), PyTorch's default.
func (e *Embedding[T]) Reset(rng *rand.Rand) {
	for i := range e.Weight.Value.Data {
		e.Weight.Value.Data[i] = T(rng.NormFloat64())
	}
}

func (e *Embedding[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	n := len(x.Data)
	if cap(e.idx) < n {
		e.idx = make([]int32, n)
	}
	e.idx = e.idx[:n]
	for i, v := range x.Data {
		k := int(v)
		if T(k) != v || k < 0 || k >= e.Num {
			panic(&ShapeError{Layer: e.name, Got: append([]int(nil), x.Shape...),
				Want: fmt.Sprintf("integer indices in [0, %d) (element %d is %v)", e.Num, i, v)})
		}
		e.idx[i] = int32(k)
	}
	e.inShape = append(e.inShape[:0], x.Shape...)
	e.capture, e.has = mode.Capture, false
	if e.capture {
		e.ids.Data, e.ids.Shape = x.Data, append(e.ids.Shape[:0], n)
	}
	e.outShape = append(append(e.outShape[:0], x.Shape...), e.Dim)
	y := e.y.resize(e.outShape...)
	w, d := e.Weight.Value.Data, e.Dim
	for i, k := range e.idx {
		copy(y.Data[i*d:(i+1)*d], w[int(k)*d:(int(k)+1)*d])
	}
	return y
}

func (e *Embedding[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	d := e.Dim
	if len(dy.Data) != len(e.idx)*d {
		panic(&ShapeError{Layer: e.name, Got: append([]int(nil), dy.Shape...), Want: fmt.Sprintf("output gradient of %d rows of %d", len(e.idx), d)})
	}
	gw := e.Weight.Grad.Data
	for i, k := range e.idx {
		row := gw[int(k)*d : (int(k)+1)*d]
		for j, v := range dy.Data[i*d : (i+1)*d] {
			row[j] += v
		}
	}
	if e.capture {
		batch := 1
		if len(e.inShape) > 0 {
			batch = e.inShape[0]
		}
		e.g.Data, e.g.Shape = dy.Data, append(e.g.Shape[:0], len(e.idx), d)
		e.captured = Capture[T]{Layer: e.name, Kind: KindEmbedding, A: &e.ids, G: &e.g,
			Batch: batch, Spatial: len(e.idx) / max(batch, 1)}
		e.has = true
	}
	if !needInput {
		return nil
	}
	dx := e.dx.resize(e.inShape...)
	dx.zero()
	return dx
}
