package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// LayerNorm normalises the last dimension of its input, as
// torch.nn.LayerNorm(features) with eps 1e-5 and an affine weight and bias:
// y = (x - mean) / sqrt(var + eps) * weight + bias, with the mean and the
// biased variance of each row of the last dimension. It behaves the same in
// training and evaluation.
//
// On a capture pass it keeps A = its input and G = the output gradient, both
// in the input's shape, which is what AdaFisher's LayerNorm factors read.
type LayerNorm[T Float] struct {
	name     string
	Features int
	Eps      float64
	Weight   *Param[T]
	Bias     *Param[T]

	x        *Tensor[T]
	xhat     Tensor[T]
	invStd   []float64 // per row
	y, dx    Tensor[T]
	capture  bool
	has      bool
	captured Capture[T]
}

// NewLayerNorm returns a LayerNorm over the last dimension of size features,
// initialised as PyTorch does (weight 1, bias 0).
func NewLayerNorm[T Float](name string, features int) *LayerNorm[T] {
	if features < 1 {
		panic(fmt.Sprintf("nn.NewLayerNorm %s: %d features, want at least 1", name, features))
	}
	l := &LayerNorm[T]{name: name, Features: features, Eps: 1e-5,
		Weight: newParam[T](name, "weight", features), Bias: newParam[T](name, "bias", features)}
	l.Reset(nil)
	return l
}

func (l *LayerNorm[T]) Name() string          { return l.name }
func (l *LayerNorm[T]) Kind() Kind            { return KindLayerNorm }
func (l *LayerNorm[T]) Params() []*Param[T]   { return []*Param[T]{l.Weight, l.Bias} }
func (l *LayerNorm[T]) Captured() *Capture[T] { return capturedOrNil(l.has, &l.captured) }

// Reset sets the weight to 1 and the bias to 0 (no random numbers).
func (l *LayerNorm[T]) Reset(_ *rand.Rand) {
	for i := range l.Weight.Value.Data {
		l.Weight.Value.Data[i] = 1
	}
	l.Bias.Value.zero()
}

func (l *LayerNorm[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	rows, d := x.Rows()
	if d != l.Features || len(x.Shape) < 2 {
		panic(&ShapeError{Layer: l.name, Got: append([]int(nil), x.Shape...), Want: fmt.Sprintf("[batch, ..., %d]", l.Features)})
	}
	l.x, l.capture, l.has = x, mode.Capture, false
	xhat := l.xhat.resize(x.Shape...)
	y := l.y.resize(x.Shape...)
	if cap(l.invStd) < rows {
		l.invStd = make([]float64, rows)
	}
	l.invStd = l.invStd[:rows]
	w, b := l.Weight.Value.Data, l.Bias.Value.Data
	for r := 0; r < rows; r++ {
		src := x.Data[r*d : (r+1)*d]
		mean, inv := meanInvStd(src, l.Eps)
		l.invStd[r] = inv
		xh, dst := xhat.Data[r*d:(r+1)*d], y.Data[r*d:(r+1)*d]
		for j, v := range src {
			z := (float64(v) - mean) * inv
			xh[j] = T(z)
			dst[j] = T(float64(w[j])*z + float64(b[j]))
		}
	}
	return y
}

// meanInvStd returns the mean of x and 1/sqrt(var + eps) with the biased
// variance, both in float64 by two passes.
func meanInvStd[T Float](x []T, eps float64) (mean, inv float64) {
	var sum float64
	for _, v := range x {
		sum += float64(v)
	}
	mean = sum / float64(len(x))
	var sq float64
	for _, v := range x {
		d := float64(v) - mean
		sq += d * d
	}
	return mean, 1 / math.Sqrt(sq/float64(len(x))+eps)
}

func (l *LayerNorm[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !SameShape(dy.Shape, l.x.Shape) {
		panic(&ShapeError{Layer: l.name, Got: append([]int(nil), dy.Shape...), Want: fmt.Sprintf("output gradient of shape %v", l.x.Shape)})
	}
	rows, d := l.x.Rows()
	w := l.Weight.Value.Data
	gw, gb := l.Weight.Grad.Data, l.Bias.Grad.Data
	var dx *Tensor[T]
	if needInput {
		dx = l.dx.resize(l.x.Shape...)
	}
	n := float64(d)
	for r := 0; r < rows; r++ {
		g := dy.Data[r*d : (r+1)*d]
		xh := l.xhat.Data[r*d : (r+1)*d]
		// With u = weight*dy: dx = invstd*(u - mean(u) - xhat*mean(u*xhat)).
		var su, sux float64
		for j, v := range g {
			gw[j] += v * xh[j]
			gb[j] += v
			u := float64(w[j]) * float64(v)
			su += u
			sux += u * float64(xh[j])
		}
		if !needInput {
			continue
		}
		inv, mu, mux := l.invStd[r], su/n, sux/n
		out := dx.Data[r*d : (r+1)*d]
		for j, v := range g {
			out[j] = T(inv * (float64(w[j])*float64(v) - mu - float64(xh[j])*mux))
		}
	}
	if l.capture {
		batch := 1
		if len(l.x.Shape) > 0 {
			batch = l.x.Shape[0]
		}
		l.captured = Capture[T]{Layer: l.name, Kind: KindLayerNorm, Bias: true, A: l.x, G: dy,
			Batch: batch, Spatial: rows / max(batch, 1)}
		l.has = true
	}
	return dx
}

// capturedOrNil returns c when has is set.
func capturedOrNil[T Float](has bool, c *Capture[T]) *Capture[T] {
	if !has {
		return nil
	}
	return c
}
