package nn

import (
	"fmt"
	"math"
)

// CausalSelfAttention is multi-head self-attention with a causal mask over a
// B x T x D input, as minGPT's CausalSelfAttention:
//
//	q, k, v = split(QKV(x))                 QKV = Linear(D, 3D), named NAME.qkv
//	per head h (D/heads columns each):
//	    P = softmax(q_h k_h^T / sqrt(D/heads), position j > i masked out)
//	    o_h = P v_h
//	y = Proj(concat_h o_h)                  Proj = Linear(D, D), named NAME.proj
//
// The q, k and v of head h are columns [h*dh, (h+1)*dh) of the first, second
// and third D columns of QKV's output (dh = D/heads), PyTorch's
// qkv.split(D, dim=2) then view(B, T, heads, dh). The block is a Container:
// its two Linear layers are ordinary layers with parameters, so they are
// captured, named and initialised as any other Linear; the attention
// between them has no parameters.
type CausalSelfAttention[T Float] struct {
	Dim, Heads int
	QKV, Proj  *Linear[T]

	qkv       *Tensor[T] // QKV's output of the last forward pass
	batch, tn int
	att       []T       // B x heads x T x T attention weights P
	out       Tensor[T] // B x T x D: the heads' outputs, concatenated
	dqkv      Tensor[T]
	q, k, v   []T // T x dh scratch: one head's q, k, v (or their gradients)
	o, s      []T // T x dh and T x T scratch
}

// NewCausalSelfAttention returns the block; its Linear layers are named
// name+".qkv" and name+".proj" (initialise them with Reset).
func NewCausalSelfAttention[T Float](name string, dim, heads int) *CausalSelfAttention[T] {
	if dim < 1 || heads < 1 || dim%heads != 0 {
		panic(fmt.Sprintf("nn.NewCausalSelfAttention %s: dimension %d, %d heads: want heads dividing the dimension", name, dim, heads))
	}
	return &CausalSelfAttention[T]{Dim: dim, Heads: heads,
		QKV: NewLinear[T](name+".qkv", dim, 3*dim, true), Proj: NewLinear[T](name+".proj", dim, dim, true)}
}

func (a *CausalSelfAttention[T]) Children() []Layer[T] { return []Layer[T]{a.QKV, a.Proj} }

// gather copies head h's columns of part (0 q, 1 k, 2 v) of sample b of a
// B x T x 3D tensor into dst (T x dh).
func (a *CausalSelfAttention[T]) gather(src []T, b, part, h int, dst []T) {
	d, dh, t := a.Dim, a.Dim/a.Heads, a.tn
	for i := 0; i < t; i++ {
		off := (b*t+i)*3*d + part*d + h*dh
		copy(dst[i*dh:(i+1)*dh], src[off:off+dh])
	}
}

// scatter writes dst (T x dh) into head h's columns of part of sample b of a
// B x T x width tensor (width 3D for the qkv gradient, D for the output).
func (a *CausalSelfAttention[T]) scatter(src []T, b, part, h, width int, dst []T) {
	dh, t := a.Dim/a.Heads, a.tn
	for i := 0; i < t; i++ {
		off := (b*t+i)*width + part*a.Dim + h*dh
		copy(dst[off:off+dh], src[i*dh:(i+1)*dh])
	}
}

func (a *CausalSelfAttention[T]) scratch(t, dh int) {
	if len(a.q) < t*dh {
		a.q, a.k, a.v, a.o = make([]T, t*dh), make([]T, t*dh), make([]T, t*dh), make([]T, t*dh)
	}
	if len(a.s) < t*t {
		a.s = make([]T, t*t)
	}
}

func (a *CausalSelfAttention[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	if len(x.Shape) != 3 || x.Shape[2] != a.Dim {
		panic(&ShapeError{Layer: a.QKV.name, Got: append([]int(nil), x.Shape...), Want: fmt.Sprintf("[batch, T, %d]", a.Dim)})
	}
	a.batch, a.tn = x.Shape[0], x.Shape[1]
	b, t, d, hs := a.batch, a.tn, a.Dim, a.Heads
	dh := d / hs
	a.qkv = a.QKV.Forward(x, mode)
	a.scratch(t, dh)
	if cap(a.att) < b*hs*t*t {
		a.att = make([]T, b*hs*t*t)
	}
	a.att = a.att[:b*hs*t*t]
	out := a.out.resize(b, t, d)
	scale := T(1 / math.Sqrt(float64(dh)))
	for n := 0; n < b; n++ {
		for h := 0; h < hs; h++ {
			a.gather(a.qkv.Data, n, 0, h, a.q)
			a.gather(a.qkv.Data, n, 1, h, a.k)
			a.gather(a.qkv.Data, n, 2, h, a.v)
			p := a.att[(n*hs+h)*t*t : (n*hs+h+1)*t*t]
			Gemm(false, true, t, t, dh, scale, a.q, dh, a.k, dh, 0, p, t)
			for i := 0; i < t; i++ {
				row := p[i*t : (i+1)*t]
				softmaxRow(row[:i+1], row[:i+1])
				clear(row[i+1:])
			}
			Gemm(false, false, t, dh, t, 1, p, t, a.v, dh, 0, a.o, dh)
			a.scatter(a.o, n, 0, h, d, out.Data)
		}
	}
	return a.Proj.Forward(out, mode)
}

func (a *CausalSelfAttention[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	dout := a.Proj.Backward(dy, true)
	b, t, d, hs := a.batch, a.tn, a.Dim, a.Heads
	dh := d / hs
	dqkv := a.dqkv.resize(b, t, 3*d)
	scale := T(1 / math.Sqrt(float64(dh)))
	for n := 0; n < b; n++ {
		for h := 0; h < hs; h++ {
			p := a.att[(n*hs+h)*t*t : (n*hs+h+1)*t*t]
			// a.o holds dO, the gradient of this head's output.
			for i := 0; i < t; i++ {
				off := (n*t+i)*d + h*dh
				copy(a.o[i*dh:(i+1)*dh], dout.Data[off:off+dh])
			}
			a.gather(a.qkv.Data, n, 2, h, a.v)
			// dP = dO V^T, then dS = P * (dP - rowsum(P*dP)).
			ds := a.s[:t*t]
			Gemm(false, true, t, t, dh, 1, a.o, dh, a.v, dh, 0, ds, t)
			for i := 0; i < t; i++ {
				pr, dr := p[i*t:i*t+i+1], ds[i*t:(i+1)*t]
				var dot float64
				for j, pv := range pr {
					dot += float64(pv) * float64(dr[j])
				}
				for j, pv := range pr {
					dr[j] = pv * (dr[j] - T(dot))
				}
				clear(dr[i+1:])
			}
			// dV = P^T dO into the v slot.
			Gemm(true, false, t, dh, t, 1, p, t, a.o, dh, 0, a.v, dh)
			a.scatter(a.v, n, 2, h, 3*d, dqkv.Data)
			// dQ = dS K * scale; dK = dS^T Q * scale.
			a.gather(a.qkv.Data, n, 0, h, a.q)
			a.gather(a.qkv.Data, n, 1, h, a.k)
			Gemm(false, false, t, dh, t, scale, ds, t, a.k, dh, 0, a.o, dh)
			a.scatter(a.o, n, 0, h, 3*d, dqkv.Data)
			Gemm(true, false, t, dh, t, scale, ds, t, a.q, dh, 0, a.o, dh)
			a.scatter(a.o, n, 1, h, 3*d, dqkv.Data)
		}
	}
	return a.QKV.Backward(dqkv, needInput)
}
