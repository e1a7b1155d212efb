package nn

import (
	"math"
)

// rFinite is a layer without an R-operator of its own: its R-operators come
// from central differences of its forward and backward passes along the
// direction (R{x}, v) of its input and parameters (see HVP).
type rFinite[T Float] struct {
	l      Layer[T]
	name   string
	params []int // indices into the model's parameters

	x, rx   *Tensor[T]
	mode    Mode
	h       float64
	dirZero bool
	theta   [][]T // the parameters' values during the call
	xp      Tensor[T]
	yp, ym  Tensor[T]
	ry      Tensor[T]
	dyp     Tensor[T]
	dxs     [2]Tensor[T]
	gs      [2][]*Tensor[T]
	rdx     Tensor[T]
}

// eps is the machine epsilon of T.
func eps[T Float]() float64 {
	if is32[T]() {
		return 0x1p-23
	}
	return 0x1p-52
}

func (n *rFinite[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	n.x, n.rx, n.mode = x, rx, mode
	zs, ds := 1.0, 0.0
	for _, v := range x.Data {
		zs = max(zs, math.Abs(float64(v)))
	}
	if rx != nil {
		for _, v := range rx.Data {
			ds = max(ds, math.Abs(float64(v)))
		}
	}
	if len(n.theta) != len(n.params) {
		n.theta = make([][]T, len(n.params))
	}
	for k, i := range n.params {
		p := e.params[i]
		n.theta[k] = append(n.theta[k][:0], p.Value.Data...)
		for _, v := range p.Value.Data {
			zs = max(zs, math.Abs(float64(v)))
		}
		for _, v := range e.v[i].Data {
			ds = max(ds, math.Abs(float64(v)))
		}
	}
	n.dirZero = !(ds > 0)
	if n.dirZero {
		return n.l.Forward(x, mode), nil
	}
	n.h = math.Cbrt(eps[T]()) * zs / ds
	n.perturb(e, n.h)
	yp := n.l.Forward(n.input(n.h), mode)
	n.yp.resize(yp.Shape...)
	copy(n.yp.Data, yp.Data)
	n.perturb(e, -n.h)
	ym := n.l.Forward(n.input(-n.h), mode)
	n.ym.resize(ym.Shape...)
	copy(n.ym.Data, ym.Data)
	n.restore(e)
	y := n.l.Forward(x, mode)
	ry := n.ry.resize(y.Shape...)
	inv := 1 / (2 * n.h)
	for i := range ry.Data {
		ry.Data[i] = T((float64(n.yp.Data[i]) - float64(n.ym.Data[i])) * inv)
	}
	return y, ry
}

// perturb sets the parameters to theta + h*v.
func (n *rFinite[T]) perturb(e *HVP[T], h float64) {
	for k, i := range n.params {
		dst, v := e.params[i].Value.Data, e.v[i].Data
		for j, t := range n.theta[k] {
			dst[j] = T(float64(t) + h*float64(v[j]))
		}
	}
}

func (n *rFinite[T]) restore(e *HVP[T]) {
	for k, i := range n.params {
		copy(e.params[i].Value.Data, n.theta[k])
	}
}

// input returns x + h*R{x}.
func (n *rFinite[T]) input(h float64) *Tensor[T] {
	if n.rx == nil {
		return n.x
	}
	xp := n.xp.resize(n.x.Shape...)
	for i, v := range n.x.Data {
		xp.Data[i] = T(float64(v) + h*float64(n.rx.Data[i]))
	}
	return xp
}

func (n *rFinite[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	if rdy == nil {
		return n.l.Backward(dy, needInput), nil
	}
	var rdx *Tensor[T]
	if n.dirZero {
		// The backward pass is linear in its output gradient: R{dx} and
		// R{grad} are the backward pass of R{dy}, exactly.
		for _, i := range n.params {
			e.params[i].Grad = e.hv[i]
		}
		d := n.l.Backward(rdy, true)
		rdx = n.rdx.resize(d.Shape...)
		copy(rdx.Data, d.Data)
		for _, i := range n.params {
			e.params[i].Grad = e.grads[i]
		}
	} else {
		for s, sign := range []float64{1, -1} {
			h := sign * n.h
			n.perturb(e, h)
			n.l.Forward(n.input(h), n.mode)
			dyp := n.dyp.resize(dy.Shape...)
			for i, v := range dy.Data {
				dyp.Data[i] = T(float64(v) + h*float64(rdy.Data[i]))
			}
			if len(n.gs[s]) != len(n.params) {
				n.gs[s] = make([]*Tensor[T], len(n.params))
				for k, i := range n.params {
					n.gs[s][k] = NewTensor[T](e.params[i].Value.Shape...)
				}
			}
			for k, i := range n.params {
				n.gs[s][k].zero()
				e.params[i].Grad = n.gs[s][k]
			}
			d := n.l.Backward(dyp, true)
			n.dxs[s].resize(d.Shape...)
			copy(n.dxs[s].Data, d.Data)
			for _, i := range n.params {
				e.params[i].Grad = e.grads[i]
			}
		}
		n.restore(e)
		n.l.Forward(n.x, n.mode)
		inv := 1 / (2 * n.h)
		for k, i := range n.params {
			hv := e.hv[i].Data
			for j := range hv {
				hv[j] += T((float64(n.gs[0][k].Data[j]) - float64(n.gs[1][k].Data[j])) * inv)
			}
		}
		rdx = n.rdx.resize(n.dxs[0].Shape...)
		for j := range rdx.Data {
			rdx.Data[j] = T((float64(n.dxs[0].Data[j]) - float64(n.dxs[1].Data[j])) * inv)
		}
	}
	dx := n.l.Backward(dy, needInput)
	if !needInput {
		return dx, nil
	}
	return dx, rdx
}
