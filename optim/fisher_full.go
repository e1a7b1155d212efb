package optim

import (
	"github.com/adafisher-go/landscape/nn"
)

// fullFactors keeps the full Kronecker factors of a Linear or Conv2d layer as
// the official analysis code does (reference section 11.1): on every refresh
// the fresh factors Hbar = a^T a / N (bias column excluded) and S = g^T g / N
// are min-max normalised with their global minimum and maximum (epsilon
// 1e-12), then averaged as state = (0.1 gamma) state + (0.01 gamma) new from
// an identity start. For Conv2d the activation divisor is B*OW*D, the quirk of
// the code that produced the paper's figures. Normalisation layers have no
// full factors here: the analysis code's are a 2x2 matrix and a decaying
// identity, which carry no information.
type fullFactors[T nn.Float] struct {
	h, s       *nn.Tensor[T]
	freshH     nn.Tensor[T]
	freshS     nn.Tensor[T]
	supported  bool
	inFeatures int
}

// fullMinMaxEps is the analysis code's min-max epsilon.
const fullMinMaxEps = 1e-12

func newFullFactors[T nn.Float](kind nn.Kind, weight []int) *fullFactors[T] {
	if kind != nn.KindLinear && kind != nn.KindConv2d {
		return nil
	}
	in := 1
	for _, d := range weight[1:] {
		in *= d
	}
	f := &fullFactors[T]{h: identity[T](in), s: identity[T](weight[0]), supported: true, inFeatures: in}
	return f
}

func identity[T nn.Float](n int) *nn.Tensor[T] {
	t := nn.NewTensor[T](n, n)
	for i := 0; i < n; i++ {
		t.Data[i*n+i] = 1
	}
	return t
}

// update folds the factors of a capture into the averages (gamma is read
// by the caller through coefficients a and b).
func (f *fullFactors[T]) update(c *nn.Capture[T], first bool, gamma float64) {
	if f == nil {
		return
	}
	rows, _ := c.A.Rows()
	div := float64(rows)
	if c.Kind == nn.KindConv2d {
		div = float64(c.Batch) * float64(c.OutW) * float64(f.inFeatures)
	}
	BatchFactor(c.A, div, &f.freshH)
	BatchFactor(c.G, float64(rows), &f.freshS)
	a, b := T(0.1*gamma), T(0.01*gamma)
	for _, p := range []struct{ state, fresh *nn.Tensor[T] }{{f.h, &f.freshH}, {f.s, &f.freshS}} {
		minMax(p.fresh.Data, T(fullMinMaxEps))
		if first {
			n := p.state.Shape[0]
			clear(p.state.Data)
			for i := 0; i < n; i++ {
				p.state.Data[i*n+i] = 1
			}
		}
		for i, v := range p.fresh.Data {
			p.state.Data[i] = T(a*p.state.Data[i]) + T(b*v)
		}
	}
}

// BatchFactor sets dst to x^T x / div for the rows of x (an N x d matrix):
// the raw full Kronecker factor of one batch.
func BatchFactor[T nn.Float](x *nn.Tensor[T], div float64, dst *nn.Tensor[T]) {
	rows, d := x.Rows()
	if cap(dst.Data) < d*d {
		dst.Data = make([]T, d*d)
	}
	dst.Data = dst.Data[:d*d]
	dst.Shape = append(dst.Shape[:0], d, d)
	nn.Gemm(true, false, d, d, rows, T(1/div), x.Data, d, x.Data, d, 0, dst.Data, d)
}
