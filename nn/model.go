package nn

import (
	"fmt"
	"math/rand/v2"
)

// Resetter is a layer with parameters that PyTorch initialises on construction.
type Resetter interface {
	Reset(rng *rand.Rand)
}

// Sequential runs its layers one after the other.
type Sequential[T Float] struct {
	Layers []Layer[T]
}

func (s *Sequential[T]) Children() []Layer[T] { return s.Layers }

func (s *Sequential[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	for i := 0; i < len(s.Layers); i++ {
		// A BatchNorm2d followed by a ReLU runs as one pass, which writes
		// the ReLU's output; the ReLU's backward needs only that output.
		if bn, ok := s.Layers[i].(*BatchNorm2d[T]); ok && i+1 < len(s.Layers) {
			if a, ok := s.Layers[i+1].(*Activation[T]); ok && a.Func == "relu" {
				x = bn.forward(x, mode, true)
				a.shareOutput(x)
				i++
				continue
			}
		}
		x = s.Layers[i].Forward(x, mode)
	}
	return x
}

func (s *Sequential[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	return s.backward(dy, needInput, false)
}

// backwardOver is Backward for a dy that nothing reads again: the chain's
// element-wise layers may overwrite it too.
func (s *Sequential[T]) backwardOver(dy *Tensor[T]) (*Tensor[T], bool) {
	return s.backward(dy, true, true), true
}

// backward runs the chain back. Inside it, dy is the input gradient of the
// layer after, which nothing reads again: an element-wise layer may
// overwrite it with its own input gradient and save a buffer. Not so the
// caller's dy (dead false), which a layer may also have passed through.
func (s *Sequential[T]) backward(dy *Tensor[T], needInput, dead bool) *Tensor[T] {
	in := dy
	for i := len(s.Layers) - 1; i >= 0; i-- {
		need := needInput || i > 0
		if need && (dead || (i < len(s.Layers)-1 && !sharesData(dy, in))) {
			if ip, ok := s.Layers[i].(inPlaceBackward[T]); ok && ip.backwardInPlace(dy) {
				continue
			}
			if ov, ok := s.Layers[i].(overBackward[T]); ok {
				if dx, ok := ov.backwardOver(dy); ok {
					dy = dx
					continue
				}
			}
		}
		dy = s.Layers[i].Backward(dy, need)
	}
	return dy
}

// sharesData reports whether two tensors share their first element.
func sharesData[T Float](a, b *Tensor[T]) bool {
	return len(a.Data) == 0 || len(b.Data) == 0 || &a.Data[0] == &b.Data[0]
}

// inPlaceBackward is a layer that can write its input gradient over its
// output gradient: backwardInPlace does so and reports true, or does
// nothing and reports false (Backward must then run).
type inPlaceBackward[T Float] interface {
	backwardInPlace(dy *Tensor[T]) bool
}

// overBackward is a layer that may use its output gradient as scratch:
// backwardOver returns the input gradient and true, or does nothing and
// reports false.
type overBackward[T Float] interface {
	backwardOver(dy *Tensor[T]) (*Tensor[T], bool)
}

// Model is a network: its layers, what it expects as input, and the
// named tensors it saves.
type Model[T Float] struct {
	Arch       string // the zoo's name (see package models)
	InputShape []int  // the shape of one sample
	Classes    int
	Net        Sequential[T]

	leaves []Layer[T]
	params []*Param[T]
	caps   []*Capture[T]
}

// NewModel wraps a sequence of layers.
func NewModel[T Float](arch string, inputShape []int, classes int, layers ...Layer[T]) *Model[T] {
	m := &Model[T]{Arch: arch, InputShape: inputShape, Classes: classes, Net: Sequential[T]{Layers: layers}}
	m.leaves = leaves[T](&m.Net, nil)
	for _, l := range m.ParamLayers() {
		m.params = append(m.params, l.Params()...)
	}
	return m
}

func leaves[T Float](l Layer[T], acc []Layer[T]) []Layer[T] {
	if c, ok := l.(Container[T]); ok {
		for _, ch := range c.Children() {
			acc = leaves(ch, acc)
		}
		return acc
	}
	return append(acc, l)
}

// Forward runs the model. A shape mismatch comes back as an error naming the
// layer.
func (m *Model[T]) Forward(x *Tensor[T], mode Mode) (y *Tensor[T], err error) {
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*ShapeError)
			if !ok {
				panic(r)
			}
			err = se
		}
	}()
	return m.Net.Forward(x, mode), nil
}

// Backward propagates the gradient of the loss with respect to the model's
// output, accumulating parameter gradients. The input gradient is not
// computed.
func (m *Model[T]) Backward(dy *Tensor[T]) {
	m.Net.Backward(dy, false)
}

// ParamLayers lists the layers with parameters in registration order.
func (m *Model[T]) ParamLayers() []ParamLayer[T] {
	var out []ParamLayer[T]
	for _, l := range m.leaves {
		if p, ok := l.(ParamLayer[T]); ok {
			out = append(out, p)
		}
	}
	return out
}

// Params lists the trainable parameters in PyTorch's model.parameters() order.
// The slice is shared: do not modify it.
func (m *Model[T]) Params() []*Param[T] { return m.params }

// Captures returns what each layer with parameters kept on the last capture
// pass, in layer order; layers that did not capture are left out. The slice
// is reused by the next call.
func (m *Model[T]) Captures() []*Capture[T] {
	m.caps = m.caps[:0]
	for _, l := range m.leaves {
		if p, ok := l.(ParamLayer[T]); ok {
			if c := p.Captured(); c != nil {
				m.caps = append(m.caps, c)
			}
		}
	}
	return m.caps
}

// SetStep tells every layer whose randomness depends on the training step
// (Dropout) which step the coming passes belong to. The training loop calls
// it before each step; without it every step uses the masks of step 0.
func (m *Model[T]) SetStep(step int64) {
	for _, l := range m.leaves {
		if s, ok := l.(Stepper); ok {
			s.SetStep(step)
		}
	}
}

// ZeroGrad sets every gradient to zero.
func (m *Model[T]) ZeroGrad() {
	for _, p := range m.params {
		p.Grad.zero()
	}
}

// Reset initialises every layer as PyTorch's constructors do, from the seed.
func (m *Model[T]) Reset(seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for _, l := range m.leaves {
		if r, ok := l.(Resetter); ok {
			r.Reset(rng)
		}
	}
}

// StateEntry is one named tensor of a model's state: a parameter or a buffer.
type StateEntry[T Float] struct {
	Name      string
	Value     *Tensor[T] // nil for an integer buffer
	Count     *int64     // set for an integer buffer
	Trainable bool
}

// State lists the model's tensors in the order of PyTorch's state_dict():
// for each layer its parameters, then its buffers.
func (m *Model[T]) State() []StateEntry[T] {
	var out []StateEntry[T]
	for _, l := range m.leaves {
		if p, ok := l.(ParamLayer[T]); ok {
			for _, q := range p.Params() {
				out = append(out, StateEntry[T]{Name: q.Name, Value: q.Value, Trainable: true})
			}
		}
		if b, ok := l.(BufferLayer[T]); ok {
			for _, q := range b.Buffers() {
				out = append(out, StateEntry[T]{Name: q.Name, Value: q.Value, Count: q.Count})
			}
		}
	}
	return out
}

// Param returns the parameter with the given name, or nil.
func (m *Model[T]) Param(name string) *Param[T] {
	for _, p := range m.Params() {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// NumParams is the number of trainable scalars.
func (m *Model[T]) NumParams() int {
	n := 0
	for _, p := range m.Params() {
		n += p.Value.Numel()
	}
	return n
}

// String summarises the model.
func (m *Model[T]) String() string {
	return fmt.Sprintf("%s(input %v, %d classes, %d parameters)", m.Arch, m.InputShape, m.Classes, m.NumParams())
}
