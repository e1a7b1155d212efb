package nn

import (
	"fmt"
	"math/rand/v2"
)

// Dropout zeroes each element with probability P in training mode and scales
// the others by 1/(1-P), as torch.nn.Dropout(P); in evaluation mode it is the
// identity.
//
// Its mask is a function of its seed, the training step (SetStep) and the
// element's position only: every forward pass of one step draws the same
// mask (so a Hessian-vector product re-running the step sees the network
// the gradient saw), and a resumed run draws the masks an uninterrupted one
// would. Model.SetStep sets the step of every Dropout in a model; the zoo
// gives each Dropout its own seed from the model's seed and its position.
type Dropout[T Float] struct {
	P    float64
	Seed uint64

	step  int64
	train bool
	mask  []T // per element: 0 or 1/(1-P); nil when the pass kept everything
	y, dx Tensor[T]
}

// NewDropout returns a dropout layer with drop probability p in [0, 1).
func NewDropout[T Float](p float64, seed uint64) *Dropout[T] {
	if !(p >= 0 && p < 1) {
		panic(fmt.Sprintf("nn.NewDropout: probability %g, want [0, 1)", p))
	}
	return &Dropout[T]{P: p, Seed: seed}
}

// SetStep sets the training step that the masks derive from.
func (d *Dropout[T]) SetStep(step int64) { d.step = step }

// Stepper is a layer whose randomness depends on the training step.
type Stepper interface{ SetStep(step int64) }

func (d *Dropout[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	d.train = mode.Train && d.P > 0
	if !d.train {
		d.mask = d.mask[:0]
		return x
	}
	n := len(x.Data)
	if cap(d.mask) < n {
		d.mask = make([]T, n)
	}
	d.mask = d.mask[:n]
	var src rand.PCG
	src.Seed(splitmix(d.Seed^0x64726f706f7574), splitmix(uint64(d.step)))
	keep := T(1 / (1 - d.P))
	// A 53-bit uniform from each draw, as rand.Float64 makes it.
	thresh := uint64(d.P * (1 << 53))
	for i := range d.mask {
		if src.Uint64()>>11 < thresh {
			d.mask[i] = 0
		} else {
			d.mask[i] = keep
		}
	}
	y := d.y.resize(x.Shape...)
	d.apply(x.Data, y.Data)
	return y
}

func (d *Dropout[T]) apply(x, y []T) {
	for i, v := range x {
		y[i] = v * d.mask[i]
	}
}

func (d *Dropout[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !needInput {
		return nil
	}
	if !d.train {
		return dy
	}
	dx := d.dx.resize(dy.Shape...)
	d.apply(dy.Data, dx.Data)
	return dx
}

// splitmix is SplitMix64's finaliser, which spreads nearby seeds.
func splitmix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
