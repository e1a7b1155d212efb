package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// BatchNorm2d normalises each channel of an NCHW input, as
// torch.nn.BatchNorm2d(channels) with eps 1e-5, momentum 0.1 and an affine
// weight and bias.
//
// In training mode it normalises with the batch mean and biased variance over
// (B, H, W) and updates the running statistics as PyTorch does:
// running_mean = (1-m)*running_mean + m*mean, running_var = (1-m)*running_var
// + m*var*n/(n-1) with n = B*H*W, and num_batches_tracked += 1. In evaluation
// mode it normalises with the running statistics.
type BatchNorm2d[T Float] struct {
	name     string
	Channels int
	Eps      float64
	Momentum float64
	Weight   *Param[T]
	Bias     *Param[T]

	RunningMean       *Tensor[T]
	RunningVar        *Tensor[T]
	NumBatchesTracked int64

	x              *Tensor[T]
	train          bool
	mean, invStd   []float64 // per channel, of the statistics the last forward used
	relu           bool      // the last forward applied a ReLU to y
	y, dx          Tensor[T]
	capture        bool
	diag           bool
	sumX, sumDy    []float64 // diagonal capture: per-channel sums of x and dy (channelSum)
	has            bool
	captured       Capture[T]
	bufs           []*Buffer[T]
	batch, spatial int
	task           batchNormTask[T]
}

// NewBatchNorm2d returns a BatchNorm2d layer named name, initialised as
// PyTorch's constructor does: weight 1, bias 0, running mean 0, running
// variance 1, no batches tracked.
func NewBatchNorm2d[T Float](name string, channels int) *BatchNorm2d[T] {
	if channels < 1 {
		panic(fmt.Sprintf("nn.NewBatchNorm2d %s: %d channels, want at least 1", name, channels))
	}
	l := &BatchNorm2d[T]{
		name: name, Channels: channels, Eps: 1e-5, Momentum: 0.1,
		Weight:      newParam[T](name, "weight", channels),
		Bias:        newParam[T](name, "bias", channels),
		RunningMean: NewTensor[T](channels),
		RunningVar:  NewTensor[T](channels),
		mean:        make([]float64, channels),
		invStd:      make([]float64, channels),
	}
	l.bufs = []*Buffer[T]{
		{Name: name + ".running_mean", Value: l.RunningMean},
		{Name: name + ".running_var", Value: l.RunningVar},
		{Name: name + ".num_batches_tracked", Count: &l.NumBatchesTracked},
	}
	l.Reset(nil)
	return l
}

func (l *BatchNorm2d[T]) Name() string { return l.name }
func (l *BatchNorm2d[T]) Kind() Kind   { return KindBatchNorm2d }

func (l *BatchNorm2d[T]) Params() []*Param[T] { return []*Param[T]{l.Weight, l.Bias} }

// Buffers lists running_mean, running_var and num_batches_tracked, in
// PyTorch's state_dict order.
func (l *BatchNorm2d[T]) Buffers() []*Buffer[T] { return l.bufs }

// Reset restores the constructor's state. PyTorch draws no random numbers
// here, so neither does Reset (rng may be nil).
func (l *BatchNorm2d[T]) Reset(_ *rand.Rand) {
	for i := range l.Weight.Value.Data {
		l.Weight.Value.Data[i] = 1
		l.RunningVar.Data[i] = 1
	}
	l.Bias.Value.zero()
	l.RunningMean.zero()
	l.NumBatchesTracked = 0
}

func (l *BatchNorm2d[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	return l.forward(x, mode, false)
}

// forward is Forward, followed by a ReLU when relu is set (its output is
// then max(y, 0)).
func (l *BatchNorm2d[T]) forward(x *Tensor[T], mode Mode, relu bool) *Tensor[T] {
	if len(x.Shape) != 4 || x.Shape[1] != l.Channels {
		panic(&ShapeError{Layer: l.name, Got: append([]int(nil), x.Shape...), Want: fmt.Sprintf("[batch, %d, H, W]", l.Channels)})
	}
	b, ch, hw := x.Shape[0], l.Channels, x.Shape[2]*x.Shape[3]
	n := b * hw
	if mode.Train && n <= 1 {
		panic(&ShapeError{Layer: l.name, Got: append([]int(nil), x.Shape...), Want: "more than 1 value per channel when training"})
	}
	l.x = x
	l.train = mode.Train
	l.capture = mode.Capture
	l.diag = mode.diagonal()
	if l.diag {
		l.sumX = grow(l.sumX, ch)
		l.sumDy = grow(l.sumDy, ch)
	}
	l.has = false
	l.batch, l.spatial = b, hw
	l.relu = relu
	l.y.resize(x.Shape...)
	if worthParallel(ch, n) {
		l.task = batchNormTask[T]{l: l}
		parallelFor(ch, &l.task)
	} else {
		l.forwardChannels(0, ch)
	}
	if mode.Train {
		l.NumBatchesTracked++
	}
	return &l.y
}

// forwardChannels normalises channels [c0, c1) of l.x into l.y, updating
// their running statistics in training mode. The statistics are sums in
// float64 (the mean, then the centred sum of squares) with four
// accumulators, which keep the adder busy; the output is the affine map
// y = a*x + b with a = gamma/std and b = beta - mean*a.
func (l *BatchNorm2d[T]) forwardChannels(c0, c1 int) {
	x, y := l.x, &l.y
	b, ch, hw := l.batch, l.Channels, l.spatial
	n := b * hw
	m := l.Momentum
	for c := c0; c < c1; c++ {
		var mean, inv, sum float64
		if l.train {
			for s := 0; s < b; s++ {
				sum += sum4(x.Data[(s*ch+c)*hw : (s*ch+c+1)*hw])
			}
			mean = sum / float64(n)
			var sq float64
			for s := 0; s < b; s++ {
				sq += centredSquares(x.Data[(s*ch+c)*hw:(s*ch+c+1)*hw], mean)
			}
			variance := sq / float64(n)
			inv = 1 / math.Sqrt(variance+l.Eps)
			l.RunningMean.Data[c] = T((1-m)*float64(l.RunningMean.Data[c]) + m*mean)
			l.RunningVar.Data[c] = T((1-m)*float64(l.RunningVar.Data[c]) + m*sq/float64(n-1))
		} else {
			mean = float64(l.RunningMean.Data[c])
			inv = 1 / math.Sqrt(float64(l.RunningVar.Data[c])+l.Eps)
		}
		l.mean[c], l.invStd[c] = mean, inv
		if l.diag {
			// float32 takes the sum the statistics took (in float64);
			// float64 sums again as a full capture's diagonals do, for
			// the same bits (the sums are squared and may cancel).
			switch {
			case !is32[T]():
				l.sumX[c] = channelSum(x.Data, b, ch, hw, c)
			case l.train:
				l.sumX[c] = sum
			default:
				for s := 0; s < b; s++ {
					sum += sum4(x.Data[(s*ch+c)*hw : (s*ch+c+1)*hw])
				}
				l.sumX[c] = sum
			}
		}
		a := float64(l.Weight.Value.Data[c]) * inv
		shift := float64(l.Bias.Value.Data[c]) - mean*a
		for s := 0; s < b; s++ {
			off := (s*ch + c) * hw
			affine(y.Data[off:off+hw], x.Data[off:off+hw], a, shift)
			if l.relu {
				relu(y.Data[off:off+hw], y.Data[off:off+hw])
			}
		}
	}
}

// normalized writes the normalised input of the last forward pass,
// (x - mean) / std per channel, into buf.
func (l *BatchNorm2d[T]) normalized(buf *Tensor[T]) *Tensor[T] {
	xh := buf.resize(l.x.Shape...)
	ch, hw := l.Channels, l.spatial
	for s := 0; s < l.batch; s++ {
		for c := 0; c < ch; c++ {
			off := (s*ch + c) * hw
			mean, inv := l.mean[c], l.invStd[c]
			dst := xh.Data[off : off+hw]
			for i, v := range l.x.Data[off : off+hw] {
				dst[i] = T((float64(v) - mean) * inv)
			}
		}
	}
	return xh
}

// backwardInPlace runs the backward pass with dy as the input gradient's
// buffer (the sums over dy come first, then each element is mapped), except
// on full capture steps, whose capture keeps dy.
func (l *BatchNorm2d[T]) backwardInPlace(dy *Tensor[T]) bool {
	if (l.capture && !l.diag) || !SameShape(dy.Shape, l.x.Shape) {
		return false
	}
	l.backward(dy, dy)
	l.record(dy)
	return true
}

func (l *BatchNorm2d[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !SameShape(dy.Shape, l.x.Shape) {
		panic(&ShapeError{Layer: l.name, Got: append([]int(nil), dy.Shape...), Want: fmt.Sprintf("output gradient of shape %v", l.x.Shape)})
	}
	var dx *Tensor[T]
	if needInput {
		dx = l.dx.resize(l.x.Shape...)
	}
	l.backward(dy, dx)
	l.record(dy)
	return dx
}

// record keeps the capture of a capture pass once the backward pass is done:
// the input and dy, or with a diagonal capture their channel sums (the
// passes computed them).
func (l *BatchNorm2d[T]) record(dy *Tensor[T]) {
	switch {
	case l.diag:
		l.captured = Capture[T]{
			Layer: l.name, Kind: KindBatchNorm2d, Bias: true,
			Batch: l.batch, Spatial: l.spatial,
			Diagonal: true, Rows: l.batch * l.spatial, SumA: l.sumX, SumG: l.sumDy,
		}
	case l.capture:
		l.captured = Capture[T]{
			Layer: l.name, Kind: KindBatchNorm2d, Bias: true,
			A: l.x, G: dy,
			Batch: l.batch, Spatial: l.spatial,
		}
	default:
		return
	}
	l.has = true
}

// backward adds the parameter gradients and, with dx not nil, writes the
// input gradient (dx may be dy).
func (l *BatchNorm2d[T]) backward(dy, dx *Tensor[T]) {
	b, ch, hw := l.batch, l.Channels, l.spatial
	if worthParallel(ch, b*hw) {
		l.task = batchNormTask[T]{l: l, back: true, dy: dy, dx: dx}
		parallelFor(ch, &l.task)
		l.task = batchNormTask[T]{}
	} else {
		l.backwardChannels(dy, dx, 0, ch)
	}
}

// backwardChannels adds the parameter gradients of channels [c0, c1) and,
// when dx is not nil, writes their input gradient. With xhat = (x -
// mean)*inv, the sums are sum(dy) and sum(dy*xhat) = inv*sum(dy*(x -
// mean)), and in training mode
//
//	dx = gamma*inv*(dy - mean(dy) - xhat*mean(dy*xhat)) = k1*dy + k2*x + k3
//
// with k1 = gamma*inv, k2 = -k1*inv*mean(dy*xhat), k3 = -k1*mean(dy) -
// k2*mean; in evaluation mode dx = gamma*inv*dy.
func (l *BatchNorm2d[T]) backwardChannels(dy, dx *Tensor[T], c0, c1 int) {
	b, ch, hw := l.batch, l.Channels, l.spatial
	n := float64(b * hw)
	needInput := dx != nil
	for c := c0; c < c1; c++ {
		if l.diag && !is32[T]() {
			// As in forwardChannels; before dx, which may be dy, is
			// written.
			l.sumDy[c] = channelSum(dy.Data, b, ch, hw, c)
		}
		mean, inv := l.mean[c], l.invStd[c]
		var sumDy, sumDyXc float64
		for s := 0; s < b; s++ {
			off := (s*ch + c) * hw
			sd, sdx := sumAndCentredDot(dy.Data[off:off+hw], l.x.Data[off:off+hw], mean)
			sumDy += sd
			sumDyXc += sdx
		}
		if l.diag && is32[T]() {
			l.sumDy[c] = sumDy
		}
		sumDyXhat := sumDyXc * inv
		l.Weight.Grad.Data[c] += T(sumDyXhat)
		l.Bias.Grad.Data[c] += T(sumDy)
		if !needInput {
			continue
		}
		k1 := float64(l.Weight.Value.Data[c]) * inv
		var k2, k3 float64
		if l.train {
			k2 = -k1 * inv * sumDyXhat / n
			k3 = -k1*sumDy/n - k2*mean
		}
		for s := 0; s < b; s++ {
			off := (s*ch + c) * hw
			affine2(dx.Data[off:off+hw], dy.Data[off:off+hw], l.x.Data[off:off+hw], k1, k2, k3)
		}
	}
}

func (l *BatchNorm2d[T]) Captured() *Capture[T] {
	if !l.has {
		return nil
	}
	return &l.captured
}
