package nn

import "fmt"

// Residual is a residual block: y = Post(Body(x) + Shortcut(x)), with an
// identity shortcut when Shortcut is nil and no Post layer when Post is nil.
// A ResNet BasicBlock is Residual{Body: conv1, bn1, ReLU, conv2, bn2;
// Shortcut: nil or 1x1 conv + BN; Post: ReLU}; a pre-LayerNorm transformer
// sub-block is Residual{Body: LayerNorm, attention} with neither.
//
// The block is a Container: its layers with parameters are found, named and
// initialised as those of the model around it, in the order Body, Shortcut,
// Post (PyTorch's registration order for a BasicBlock).
type Residual[T Float] struct {
	Body     Layer[T]
	Shortcut Layer[T] // nil: identity
	Post     Layer[T] // nil: none

	sum, dx Tensor[T]
}

// NewResidual returns a residual block.
func NewResidual[T Float](body, shortcut, post Layer[T]) *Residual[T] {
	return &Residual[T]{Body: body, Shortcut: shortcut, Post: post}
}

func (r *Residual[T]) Children() []Layer[T] {
	out := []Layer[T]{r.Body}
	if r.Shortcut != nil {
		out = append(out, r.Shortcut)
	}
	if r.Post != nil {
		out = append(out, r.Post)
	}
	return out
}

func (r *Residual[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	b := r.Body.Forward(x, mode)
	s := x
	if r.Shortcut != nil {
		s = r.Shortcut.Forward(x, mode)
	}
	if len(b.Data) != len(s.Data) {
		panic(&ShapeError{Layer: "residual", Got: append([]int(nil), s.Shape...), Want: fmt.Sprintf("a shortcut of the body's output shape %v", b.Shape)})
	}
	sum := r.sum.resize(b.Shape...)
	for i, v := range b.Data {
		sum.Data[i] = v + s.Data[i]
	}
	if r.Post != nil {
		return r.Post.Forward(sum, mode)
	}
	return sum
}

func (r *Residual[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if r.Post != nil {
		dy = r.Post.Backward(dy, true)
	}
	db := r.Body.Backward(dy, needInput)
	ds := dy
	if r.Shortcut != nil {
		ds = r.Shortcut.Backward(dy, needInput)
	}
	if !needInput {
		return nil
	}
	dx := r.dx.resize(db.Shape...)
	for i, v := range db.Data {
		dx.Data[i] = v + ds.Data[i]
	}
	return dx
}
