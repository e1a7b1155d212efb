package nn

import (
	"fmt"
	"math/rand/v2"
)

// GroupNorm normalises groups of channels of a B x C x ... input, as
// torch.nn.GroupNorm(groups, channels) with eps 1e-5 and a per-channel
// affine weight and bias: for each sample, the C/groups channels of a group
// and all their positions share one mean and one biased variance. It
// behaves the same in training and evaluation. On a capture pass it keeps
// A = its input and G = the output gradient, in the input's shape.
type GroupNorm[T Float] struct {
	name             string
	Groups, Channels int
	Eps              float64
	Weight           *Param[T]
	Bias             *Param[T]

	x        *Tensor[T]
	xhat     Tensor[T]
	invStd   []float64 // per (sample, group)
	y, dx    Tensor[T]
	spatial  int
	capture  bool
	has      bool
	captured Capture[T]
}

// NewGroupNorm returns a GroupNorm layer (weight 1, bias 0, as PyTorch).
func NewGroupNorm[T Float](name string, groups, channels int) *GroupNorm[T] {
	if groups < 1 || channels < 1 || channels%groups != 0 {
		panic(fmt.Sprintf("nn.NewGroupNorm %s: %d groups of %d channels, want groups dividing channels", name, groups, channels))
	}
	l := &GroupNorm[T]{name: name, Groups: groups, Channels: channels, Eps: 1e-5,
		Weight: newParam[T](name, "weight", channels), Bias: newParam[T](name, "bias", channels)}
	l.Reset(nil)
	return l
}

func (l *GroupNorm[T]) Name() string          { return l.name }
func (l *GroupNorm[T]) Kind() Kind            { return KindGroupNorm }
func (l *GroupNorm[T]) Params() []*Param[T]   { return []*Param[T]{l.Weight, l.Bias} }
func (l *GroupNorm[T]) Captured() *Capture[T] { return capturedOrNil(l.has, &l.captured) }

// Reset sets the weight to 1 and the bias to 0.
func (l *GroupNorm[T]) Reset(_ *rand.Rand) {
	for i := range l.Weight.Value.Data {
		l.Weight.Value.Data[i] = 1
	}
	l.Bias.Value.zero()
}

func (l *GroupNorm[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	if len(x.Shape) < 2 || x.Shape[1] != l.Channels {
		panic(&ShapeError{Layer: l.name, Got: append([]int(nil), x.Shape...), Want: fmt.Sprintf("[batch, %d, ...]", l.Channels)})
	}
	b := x.Shape[0]
	l.spatial = len(x.Data) / max(b*l.Channels, 1)
	l.x, l.capture, l.has = x, mode.Capture, false
	xhat := l.xhat.resize(x.Shape...)
	y := l.y.resize(x.Shape...)
	if cap(l.invStd) < b*l.Groups {
		l.invStd = make([]float64, b*l.Groups)
	}
	l.invStd = l.invStd[:b*l.Groups]
	cpg, s := l.Channels/l.Groups, l.spatial
	size := cpg * s
	w, bias := l.Weight.Value.Data, l.Bias.Value.Data
	for i := 0; i < b*l.Groups; i++ {
		src := x.Data[i*size : (i+1)*size]
		mean, inv := meanInvStd(src, l.Eps)
		l.invStd[i] = inv
		c0 := (i % l.Groups) * cpg
		for j, v := range src {
			c := c0 + j/s
			z := (float64(v) - mean) * inv
			xhat.Data[i*size+j] = T(z)
			y.Data[i*size+j] = T(float64(w[c])*z + float64(bias[c]))
		}
	}
	return y
}

func (l *GroupNorm[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !SameShape(dy.Shape, l.x.Shape) {
		panic(&ShapeError{Layer: l.name, Got: append([]int(nil), dy.Shape...), Want: fmt.Sprintf("output gradient of shape %v", l.x.Shape)})
	}
	b := l.x.Shape[0]
	cpg, s := l.Channels/l.Groups, l.spatial
	size := cpg * s
	w := l.Weight.Value.Data
	gw, gb := l.Weight.Grad.Data, l.Bias.Grad.Data
	var dx *Tensor[T]
	if needInput {
		dx = l.dx.resize(l.x.Shape...)
	}
	for i := 0; i < b*l.Groups; i++ {
		g := dy.Data[i*size : (i+1)*size]
		xh := l.xhat.Data[i*size : (i+1)*size]
		c0 := (i % l.Groups) * cpg
		var su, sux float64
		for j, v := range g {
			c := c0 + j/s
			gw[c] += v * xh[j]
			gb[c] += v
			u := float64(w[c]) * float64(v)
			su += u
			sux += u * float64(xh[j])
		}
		if !needInput {
			continue
		}
		inv, mu, mux := l.invStd[i], su/float64(size), sux/float64(size)
		out := dx.Data[i*size : (i+1)*size]
		for j, v := range g {
			c := c0 + j/s
			out[j] = T(inv * (float64(w[c])*float64(v) - mu - float64(xh[j])*mux))
		}
	}
	if l.capture {
		l.captured = Capture[T]{Layer: l.name, Kind: KindGroupNorm, Bias: true, A: l.x, G: dy, Batch: b, Spatial: s}
		l.has = true
	}
	return dx
}
