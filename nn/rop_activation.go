package nn

// The R-operators of the element-wise activations and of Softmax.

import (
	"fmt"
	"math"
)

// Element-wise activations: R{y} = f'(x) R{x}; R{dx} = f'(x) R{dy} +
// f2(x) R{x} dy, with f2 the second derivative.
type rActivation[T Float] struct {
	a       *Activation[T]
	rx      *Tensor[T]
	ry, rdx Tensor[T]
	d1, d2  []float64
}

// derivs sets d1 = f'(x) and d2 = f2(x), the second derivative, of every
// element, from the layer's input and output.
func (n *rActivation[T]) derivs() (d1, d2 []float64) {
	a := n.a
	k := len(a.x.Data)
	if cap(n.d1) < k {
		n.d1, n.d2 = make([]float64, k), make([]float64, k)
	}
	d1, d2 = n.d1[:k], n.d2[:k]
	switch a.Func {
	case "relu":
		for i, v := range a.x.Data {
			d1[i], d2[i] = 0, 0
			if !(v <= 0) {
				d1[i] = 1
			}
		}
	case "tanh":
		for i, v := range a.y.Data {
			y := float64(v)
			d1[i] = 1 - y*y
			d2[i] = -2 * y * d1[i]
		}
	case "sigmoid":
		for i, v := range a.y.Data {
			y := float64(v)
			d1[i] = y * (1 - y)
			d2[i] = d1[i] * (1 - 2*y)
		}
	case "gelu":
		const invSqrt2Pi = 0.3989422804014327
		for i, v := range a.x.Data {
			f := float64(v)
			cdf := 0.5 * (1 + math.Erf(f/math.Sqrt2))
			pdf := invSqrt2Pi * math.Exp(-0.5*f*f)
			d1[i], d2[i] = cdf+f*pdf, pdf*(2-f*f)
		}
	default:
		panic(fmt.Sprintf("nn: no R-operator for activation %q", a.Func))
	}
	return d1, d2
}

func (n *rActivation[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	y := n.a.Forward(x, mode)
	n.rx = rx
	if rx == nil {
		return y, nil
	}
	d1, _ := n.derivs()
	ry := n.ry.resize(x.Shape...)
	for i, v := range rx.Data {
		ry.Data[i] = T(d1[i] * float64(v))
	}
	return y, ry
}

func (n *rActivation[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx := n.a.Backward(dy, needInput)
	if rdy == nil || !needInput {
		return dx, nil
	}
	d1, d2 := n.derivs()
	rdx := n.rdx.resize(dy.Shape...)
	if n.rx == nil {
		for i, r := range rdy.Data {
			rdx.Data[i] = T(d1[i] * float64(r))
		}
		return dx, rdx
	}
	rx := n.rx.Data
	for i, r := range rdy.Data {
		rdx.Data[i] = T(d1[i]*float64(r) + d2[i]*float64(rx[i])*float64(dy.Data[i]))
	}
	return dx, rdx
}

// Softmax over the last dimension: R{y} = y*(R{x} - <y, R{x}>); with
// dx = y*(dy - <y, dy>),
// R{dx} = R{y}*(dy - <y, dy>) + y*(R{dy} - <R{y}, dy> - <y, R{dy}>).
type rSoftmax[T Float] struct {
	s     *Softmax[T]
	ry    *Tensor[T]
	rbuf  Tensor[T]
	rdx   Tensor[T]
	hasRY bool
}

func (n *rSoftmax[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	y := n.s.Forward(x, mode)
	n.hasRY = rx != nil
	if rx == nil {
		return y, nil
	}
	rows, cols := y.Rows()
	ry := n.rbuf.resize(y.Shape...)
	for r := 0; r < rows; r++ {
		yr, rr := y.Data[r*cols:(r+1)*cols], rx.Data[r*cols:(r+1)*cols]
		var dot float64
		for j := range yr {
			dot += float64(yr[j]) * float64(rr[j])
		}
		out := ry.Data[r*cols : (r+1)*cols]
		for j := range yr {
			out[j] = T(float64(yr[j]) * (float64(rr[j]) - dot))
		}
	}
	n.ry = ry
	return y, ry
}

func (n *rSoftmax[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx := n.s.Backward(dy, needInput)
	if rdy == nil || !needInput {
		return dx, nil
	}
	y := &n.s.y
	rows, cols := y.Rows()
	rdx := n.rdx.resize(dy.Shape...)
	for r := 0; r < rows; r++ {
		yr := y.Data[r*cols : (r+1)*cols]
		g := dy.Data[r*cols : (r+1)*cols]
		rg := rdy.Data[r*cols : (r+1)*cols]
		var ydy, yrdy, rydy float64
		for j := range yr {
			ydy += float64(yr[j]) * float64(g[j])
			yrdy += float64(yr[j]) * float64(rg[j])
		}
		var ry []T
		if n.hasRY {
			ry = n.ry.Data[r*cols : (r+1)*cols]
			for j := range ry {
				rydy += float64(ry[j]) * float64(g[j])
			}
		}
		out := rdx.Data[r*cols : (r+1)*cols]
		for j := range yr {
			v := float64(yr[j]) * (float64(rg[j]) - rydy - yrdy)
			if ry != nil {
				v += float64(ry[j]) * (float64(g[j]) - ydy)
			}
			out[j] = T(v)
		}
	}
	return dx, rdx
}
