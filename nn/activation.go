package nn

import (
	"math"

	"github.com/adafisher-go/landscape/internal/vec"
)

// Activation is an element-wise nonlinearity: ReLU, Tanh, Sigmoid or GELU.
type Activation[T Float] struct {
	Func string // "relu", "tanh", "sigmoid", "gelu"
	x    *Tensor[T]
	y    Tensor[T]
	dx   Tensor[T]
	cdf  []float64 // GELU: the normal CDF of each input of the last Forward
	// shared: y is another layer's output, which the last forward pass
	// computed for it (a BatchNorm2d fused with this ReLU by Sequential).
	shared bool
	elem   elementTask[T]
	gelu   geluTask[T]
}

// shareOutput makes y, computed by the layer before, this ReLU's output.
func (a *Activation[T]) shareOutput(y *Tensor[T]) {
	a.x, a.y, a.shared = nil, *y, true
}

// ActivationNames lists the activations that NewActivation accepts.
var ActivationNames = []string{"relu", "tanh", "sigmoid", "gelu"}

// NewActivation returns the named activation, or nil for an unknown name.
func NewActivation[T Float](name string) *Activation[T] {
	switch name {
	case "relu", "tanh", "sigmoid", "gelu":
		return &Activation[T]{Func: name}
	}
	return nil
}

func (a *Activation[T]) Forward(x *Tensor[T], _ Mode) *Tensor[T] {
	if a.shared {
		a.y, a.shared = Tensor[T]{}, false
	}
	a.x = x
	y := a.y.resize(x.Shape...)
	switch a.Func {
	case "relu":
		a.elem.apply(opReLU, y.Data, x.Data, nil)
	case "tanh":
		for i, v := range x.Data {
			y.Data[i] = T(math.Tanh(float64(v)))
		}
	case "sigmoid":
		for i, v := range x.Data {
			y.Data[i] = T(sigmoid(float64(v)))
		}
	case "gelu":
		if cap(a.cdf) < len(x.Data) {
			a.cdf = make([]float64, len(x.Data))
		}
		a.cdf = a.cdf[:len(x.Data)]
		if worthParallel(len(x.Data), 32) {
			a.gelu = geluTask[T]{a: a}
			parallelFor(len(x.Data), &a.gelu)
		} else {
			a.geluForward(0, len(x.Data))
		}
	}
	return y
}

// geluForward sets y = x*Phi(x) for elements [lo, hi) and keeps Phi(x) for
// the backward pass (erf is most of GELU's cost).
func (a *Activation[T]) geluForward(lo, hi int) {
	x, y := a.x.Data, a.y.Data
	for i := lo; i < hi; i++ {
		f := float64(x[i])
		cdf := 0.5 * (1 + math.Erf(f/math.Sqrt2))
		a.cdf[i] = cdf
		y[i] = T(f * cdf)
	}
}

func sigmoid(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

// backwardInPlace runs the ReLU's backward pass in dy.
func (a *Activation[T]) backwardInPlace(dy *Tensor[T]) bool {
	if a.Func != "relu" || len(dy.Data) != len(a.y.Data) {
		return false
	}
	a.elem.apply(opReLUBackward, dy.Data, a.y.Data, dy.Data)
	return true
}

func (a *Activation[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !needInput {
		return nil
	}
	dx := a.dx.resize(dy.Shape...)
	switch a.Func {
	case "relu":
		// The gradient at 0 is 0 and a NaN input passes the gradient, as
		// in PyTorch (threshold_backward: x <= 0 ? 0 : dy).
		a.elem.apply(opReLUBackward, dx.Data, a.y.Data, dy.Data)
	case "tanh":
		for i, y := range a.y.Data {
			dx.Data[i] = dy.Data[i] * (1 - y*y)
		}
	case "sigmoid":
		for i, y := range a.y.Data {
			dx.Data[i] = dy.Data[i] * y * (1 - y)
		}
	case "gelu":
		if worthParallel(len(dx.Data), 16) {
			a.gelu = geluTask[T]{a: a, back: true, dy: dy.Data, dx: dx.Data}
			parallelFor(len(dx.Data), &a.gelu)
			a.gelu = geluTask[T]{}
		} else {
			a.geluBackward(dy.Data, dx.Data, 0, len(dx.Data))
		}
	}
	return dx
}

// geluBackward sets dx = dy*(Phi(x) + x*phi(x)) for elements [lo, hi).
func (a *Activation[T]) geluBackward(dy, dx []T, lo, hi int) {
	const invSqrt2Pi = 0.3989422804014327
	x := a.x.Data
	for i := lo; i < hi; i++ {
		f := float64(x[i])
		pdf := invSqrt2Pi * math.Exp(-0.5*f*f)
		dx[i] = dy[i] * T(a.cdf[i]+f*pdf)
	}
}

// Softmax normalises the last dimension: y = exp(x) / sum(exp(x)).
type Softmax[T Float] struct {
	y  Tensor[T]
	dx Tensor[T]
}

func (s *Softmax[T]) Forward(x *Tensor[T], _ Mode) *Tensor[T] {
	rows, cols := x.Rows()
	y := s.y.resize(x.Shape...)
	for r := 0; r < rows; r++ {
		softmaxRow(y.Data[r*cols:(r+1)*cols], x.Data[r*cols:(r+1)*cols])
	}
	return y
}

func softmaxRow[T Float](dst, src []T) {
	m := src[0]
	for _, v := range src[1:] {
		m = max(m, v)
	}
	var sum float64
	for j, v := range src {
		e := math.Exp(float64(v - m))
		dst[j] = T(e)
		sum += e
	}
	inv := 1 / sum
	for j := range dst {
		dst[j] = T(float64(dst[j]) * inv)
	}
}

func (s *Softmax[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !needInput {
		return nil
	}
	rows, cols := s.y.Rows()
	dx := s.dx.resize(dy.Shape...)
	for r := 0; r < rows; r++ {
		y := s.y.Data[r*cols : (r+1)*cols]
		g := dy.Data[r*cols : (r+1)*cols]
		var dot T
		for j := range y {
			dot += y[j] * g[j]
		}
		d := dx.Data[r*cols : (r+1)*cols]
		for j := range y {
			d[j] = y[j] * (g[j] - dot)
		}
	}
	return dx
}

// Flatten keeps the first dimension and flattens the rest, as nn.Flatten().
type Flatten[T Float] struct {
	shape []int
	y, dx Tensor[T]
}

func (f *Flatten[T]) Forward(x *Tensor[T], _ Mode) *Tensor[T] {
	f.shape = append(f.shape[:0], x.Shape...)
	n := 1
	if len(x.Shape) > 0 {
		n = x.Shape[0]
	}
	f.y.Data = x.Data
	f.y.resize(n, len(x.Data)/max(n, 1))
	return &f.y
}

func (f *Flatten[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !needInput {
		return nil
	}
	f.dx.Data = dy.Data
	f.dx.resize(f.shape...)
	return &f.dx
}

// relu sets y = max(x, 0); max propagates NaN, as torch.relu does, and
// needs no branch. vec.ReLU gives the same bits for float32.
func relu[T Float](y, x []T) {
	y = y[:len(x)]
	if is32[T]() {
		vec.ReLU(as32(y), as32(x))
		return
	}
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

// reluBackward sets dx = dy where the ReLU's output y is not +0, and 0
// where it is. y = max(x, 0) is +0 exactly where x <= 0, and NaN where x is
// NaN, so this is PyTorch's rule. It works on the bits, without a branch
// that random signs would make unpredictable (twice as fast); vec does the
// same for float32 in vector registers.
func reluBackward[T Float](y, dy, dx []T) {
	if is32[T]() {
		vec.ReLUBackward(as32(dx), as32(dy), as32(y))
		return
	}
	y64, dy64, dx64 := as64(y), as64(dy), as64(dx)
	dy64, dx64 = dy64[:len(y64)], dx64[:len(y64)]
	for i, v := range y64 {
		b := math.Float64bits(v)
		mask := 0 - ((b | (0 - b)) >> 63)
		dx64[i] = math.Float64frombits(math.Float64bits(dy64[i]) & mask)
	}
}
