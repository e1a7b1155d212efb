package nn

import (
	"fmt"

	"github.com/adafisher-go/landscape/internal/vec"
)

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

	sum, dsum, dx Tensor[T]
	// sharedSum: sum is the body's output buffer, which the last forward
	// pass overwrote with the block's output.
	sharedSum bool
	elem      elementTask[T]
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
	if r.postReLU() && r.bodyEndsInBatchNorm() {
		// The body's last layer does not need its output to go back:
		// y = max(b + s, 0) overwrites it, and Backward masks with it.
		r.elem.apply(opAddReLU, b.Data, b.Data, s.Data)
		r.sum, r.sharedSum = *b, true
		return b
	}
	if r.sharedSum {
		r.sum, r.sharedSum = Tensor[T]{}, false
	}
	sum := r.sum.resize(b.Shape...)
	if r.postReLU() {
		// y = max(b + s, 0) in one pass; Backward masks with it.
		r.elem.apply(opAddReLU, sum.Data, b.Data, s.Data)
		return sum
	}
	r.elem.apply(opAdd, sum.Data, b.Data, s.Data)
	if r.Post != nil {
		return r.Post.Forward(sum, mode)
	}
	return sum
}

// bodyEndsInBatchNorm reports whether the body's output is a BatchNorm2d's,
// whose backward pass reads its input but not its output.
func (r *Residual[T]) bodyEndsInBatchNorm() bool {
	last := r.Body
	if s, ok := last.(*Sequential[T]); ok && len(s.Layers) > 0 {
		last = s.Layers[len(s.Layers)-1]
	}
	_, ok := last.(*BatchNorm2d[T])
	return ok
}

// postReLU reports whether Post is a ReLU, which the block applies itself.
func (r *Residual[T]) postReLU() bool {
	a, ok := r.Post.(*Activation[T])
	return ok && a.Func == "relu"
}

func (r *Residual[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	switch {
	case r.postReLU():
		dy = r.reluBackward(dy, r.dsum.resize(dy.Shape...))
	case r.Post != nil:
		dy = r.Post.Backward(dy, true)
	}
	return r.branchesBackward(dy, needInput)
}

// backwardOver is Backward for a dy that nothing reads again: the ReLU's
// gradient goes over it instead of into a buffer of the block.
func (r *Residual[T]) backwardOver(dy *Tensor[T]) (*Tensor[T], bool) {
	if !r.postReLU() || len(dy.Data) != len(r.sum.Data) {
		return nil, false
	}
	return r.branchesBackward(r.reluBackward(dy, dy), true), true
}

// reluBackward writes the Post ReLU's input gradient into ds.
func (r *Residual[T]) reluBackward(dy, ds *Tensor[T]) *Tensor[T] {
	r.elem.apply(opReLUBackward, ds.Data, r.sum.Data, dy.Data)
	return ds
}

// branchesBackward runs the body and the shortcut back from the gradient dy
// of their sum, and adds their input gradients.
func (r *Residual[T]) branchesBackward(dy *Tensor[T], needInput bool) *Tensor[T] {
	db := r.Body.Backward(dy, needInput)
	ds := dy
	if r.Shortcut != nil {
		ds = r.Shortcut.Backward(dy, needInput)
	}
	if !needInput {
		return nil
	}
	// The body's input gradient is normally a buffer of its first layer
	// that nothing reads again: add the shortcut's into it, rather than
	// into a copy, unless it is the output gradient itself (a body that
	// passes it through).
	if len(db.Data) > 0 && &db.Data[0] != &dy.Data[0] && &db.Data[0] != &ds.Data[0] {
		r.elem.apply(opAdd, db.Data, db.Data, ds.Data)
		return db
	}
	dx := r.dx.resize(db.Shape...)
	r.elem.apply(opAdd, dx.Data, db.Data, ds.Data)
	return dx
}

// add and addReLU1 run in vector registers for float32 (vec: the same
// bits, NaNs included).
func add[T Float](z, x, y []T) {
	x, y = x[:len(z)], y[:len(z)]
	if is32[T]() {
		vec.Add(as32(z), as32(x), as32(y))
		return
	}
	for i := range z {
		z[i] = x[i] + y[i]
	}
}

func addReLU1[T Float](z, x, y []T) {
	x, y = x[:len(z)], y[:len(z)]
	if is32[T]() {
		vec.AddReLU(as32(z), as32(x), as32(y))
		return
	}
	for i := range z {
		z[i] = max(x[i]+y[i], 0)
	}
}
