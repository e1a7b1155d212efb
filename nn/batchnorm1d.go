package nn

import (
	"fmt"
	"math/rand/v2"
)

// BatchNorm1d normalises each channel of a B x C or B x C x L input, as
// torch.nn.BatchNorm1d(channels) with eps 1e-5, momentum 0.1 and an affine
// weight and bias. It is BatchNorm2d on the input viewed as B x C x L x 1
// (PyTorch computes the same function), so statistics, running averages and
// gradients are exactly BatchNorm2d's; only the kind, the accepted shapes and
// the capture's shapes differ.
type BatchNorm1d[T Float] struct {
	bn *BatchNorm2d[T]

	inShape  []int
	view     Tensor[T] // the input as B x C x L x 1
	dyView   Tensor[T]
	capA     Tensor[T]
	y, dx    Tensor[T] // the outputs in the caller's shape (aliasing bn's)
	capture  bool
	has      bool
	captured Capture[T]
}

// NewBatchNorm1d returns a BatchNorm1d layer named name, initialised as
// PyTorch's constructor does.
func NewBatchNorm1d[T Float](name string, channels int) *BatchNorm1d[T] {
	return &BatchNorm1d[T]{bn: NewBatchNorm2d[T](name, channels)}
}

func (l *BatchNorm1d[T]) Name() string          { return l.bn.name }
func (l *BatchNorm1d[T]) Kind() Kind            { return KindBatchNorm1d }
func (l *BatchNorm1d[T]) Params() []*Param[T]   { return l.bn.Params() }
func (l *BatchNorm1d[T]) Buffers() []*Buffer[T] { return l.bn.Buffers() }
func (l *BatchNorm1d[T]) Reset(rng *rand.Rand)  { l.bn.Reset(rng) }
func (l *BatchNorm1d[T]) Captured() *Capture[T] { return capturedOrNil(l.has, &l.captured) }

// Inner is the BatchNorm2d that does the work (its running statistics and
// parameters are this layer's).
func (l *BatchNorm1d[T]) Inner() *BatchNorm2d[T] { return l.bn }

// view4 returns x viewed as B x C x L x 1, sharing its data.
func (l *BatchNorm1d[T]) view4(x *Tensor[T], dst *Tensor[T]) *Tensor[T] {
	dst.Data = x.Data
	l4 := 1
	if len(x.Shape) == 3 {
		l4 = x.Shape[2]
	}
	dst.Shape = append(dst.Shape[:0], x.Shape[0], x.Shape[1], l4, 1)
	return dst
}

func (l *BatchNorm1d[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	if (len(x.Shape) != 2 && len(x.Shape) != 3) || x.Shape[1] != l.bn.Channels {
		panic(&ShapeError{Layer: l.bn.name, Got: append([]int(nil), x.Shape...), Want: fmt.Sprintf("[batch, %d] or [batch, %d, L]", l.bn.Channels, l.bn.Channels)})
	}
	l.inShape = append(l.inShape[:0], x.Shape...)
	l.capture, l.has = mode.Capture, false
	y := l.bn.Forward(l.view4(x, &l.view), Mode{Train: mode.Train})
	l.y.Data, l.y.Shape = y.Data, append(l.y.Shape[:0], x.Shape...)
	return &l.y
}

func (l *BatchNorm1d[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !SameShape(dy.Shape, l.inShape) {
		panic(&ShapeError{Layer: l.bn.name, Got: append([]int(nil), dy.Shape...), Want: fmt.Sprintf("output gradient of shape %v", l.inShape)})
	}
	dx := l.bn.Backward(l.view4(dy, &l.dyView), needInput)
	if l.capture {
		spatial := 1
		if len(l.inShape) == 3 {
			spatial = l.inShape[2]
		}
		l.capA.Data, l.capA.Shape = l.bn.x.Data, append(l.capA.Shape[:0], l.inShape...)
		l.captured = Capture[T]{Layer: l.bn.name, Kind: KindBatchNorm1d, Bias: true,
			A: &l.capA, G: dy, Batch: l.inShape[0], Spatial: spatial}
		l.has = true
	}
	if dx == nil {
		return nil
	}
	l.dx.Data, l.dx.Shape = dx.Data, append(l.dx.Shape[:0], l.inShape...)
	return &l.dx
}
