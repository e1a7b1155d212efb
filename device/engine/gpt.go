package engine

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
)

// The GPT layers: token and position embedding, LayerNorm, minGPT's causal
// self-attention, the tied output head, and Dropout with probability 0.

// embedOp is nn.TokenPositionEmbedding: tok(ids) + pos(0..T-1). Its ids are
// the host batch, converted and checked by setIDs before the pass.
type embedOp struct {
	tokName       string
	posName       string
	num, ctx, dim int
	tok, pos      *param
	ids, posIdx   device.Buffer
	hostIDs       []int32
	rows, t       int
	shape         []int
	tokY, posY, y device.Buffer
	dy            act // the output gradient, for the extended factors
}

// setIDs uploads the B x T token ids of the batch and the positions.
func setIDs[T nn.Float](o *embedOp, e *alloc, shape []int, data []T) error {
	if len(shape) != 2 || shape[1] > o.ctx {
		return fmt.Errorf("engine: layer %q: input %v, want [batch, T] token ids with T at most the context %d", o.tokName, shape, o.ctx)
	}
	n := len(data)
	o.rows, o.t, o.shape = n, shape[1], shape
	o.hostIDs = growInts(o.hostIDs, n)
	for i, v := range data {
		k := int(v)
		if T(k) != v || k < 0 || k >= o.num {
			return fmt.Errorf("engine: layer %q: element %d of the batch is %v, want an integer token id in [0, %d)", o.tokName, i, v, o.num)
		}
		o.hostIDs[i] = int32(k)
	}
	ids := e.grow(&o.ids, device.I32, n)
	posIdx := e.grow(&o.posIdx, device.I32, n)
	if e.err != nil {
		return e.err
	}
	if err := device.Write(e.dev, ids, 0, o.hostIDs); err != nil {
		return err
	}
	for i := range o.hostIDs {
		o.hostIDs[i] = int32(i % o.t)
	}
	return device.Write(e.dev, posIdx, 0, o.hostIDs)
}

func (o *embedOp) forward(e *alloc, _ act) (act, error) {
	n := o.rows * o.dim
	tokY := e.grow(&o.tokY, e.dt, n)
	posY := e.grow(&o.posY, e.dt, n)
	y := e.grow(&o.y, e.dt, n)
	if e.err != nil {
		return act{}, e.err
	}
	e.dev.Embedding(o.rows, o.dim, o.ids, o.tok.val, tokY)
	e.dev.Embedding(o.rows, o.dim, o.posIdx, o.pos.val, posY)
	e.dev.Add(y, tokY, posY, n)
	return act{buf: y, shape: []int{o.shape[0], o.shape[1], o.dim}}, nil
}

func (o *embedOp) backward(e *alloc, dy act, _ bool) act {
	o.dy = dy
	e.dev.EmbeddingBackward(o.rows, o.dim, o.posIdx, dy.buf, o.pos.grad)
	e.dev.EmbeddingBackward(o.rows, o.dim, o.ids, dy.buf, o.tok.grad)
	return act{}
}

// lnOp is nn.LayerNorm over the last dimension.
type lnOp struct {
	name             string
	d                int
	eps              float64
	w, b             *param
	x, dy            act
	args             device.NormArgs
	xhat, y, inv, dx device.Buffer
}

func (o *lnOp) forward(e *alloc, x act) (act, error) {
	if len(x.shape) < 2 || x.shape[len(x.shape)-1] != o.d {
		return act{}, fmt.Errorf("engine: layer %q: input %v, want [batch, ..., %d]", o.name, x.shape, o.d)
	}
	o.x = x
	rows, _ := x.rows()
	o.args = device.NormArgs{Rows: rows, D: o.d, Eps: o.eps}
	n := x.numel()
	xhat := e.grow(&o.xhat, e.dt, n)
	y := e.grow(&o.y, e.dt, n)
	inv := e.grow(&o.inv, e.dt, rows)
	if e.err != nil {
		return act{}, e.err
	}
	e.dev.LayerNormForward(o.args, x.buf, o.w.val, o.b.val, xhat, y, inv)
	return act{buf: y, shape: x.shape}, nil
}

func (o *lnOp) backward(e *alloc, dy act, needDx bool) act {
	o.dy = dy
	var dx device.Buffer
	if needDx {
		if dx = e.grow(&o.dx, e.dt, o.x.numel()); dx == nil {
			return act{}
		}
	}
	e.dev.LayerNormBackward(o.args, dy.buf, o.xhat, o.w.val, o.inv, o.w.grad, o.b.grad, dx)
	if !needDx {
		return act{}
	}
	return act{buf: dx, shape: o.x.shape}
}

func (o *lnOp) fisherDims() fisherDims {
	return fisherDims{name: o.name, hn: 2, sn: o.d, fin: 1, fout: o.d, w: o.w, b: o.b}
}

func (o *lnOp) fisherRaw(d device.Device, h, s device.Buffer) {
	sh := o.x.shape
	inner := numel(sh[2:])
	d.FisherRawLayerNorm(sh[0], sh[1], inner, o.d, o.x.buf, o.dy.buf, h, s)
}

// attnOp is nn.CausalSelfAttention: the qkv Linear, per sample one batched
// GEMM over the heads reading q, k and v in place in the qkv rows (leading
// dimension 3D, heads dh apart), the causal softmax, the weighted values,
// the proj Linear.
type attnOp struct {
	dim, heads     int
	qkv, proj      *linearOp
	b, t           int
	q              act // qkv's output
	att, out       device.Buffer
	dout, ds, dqkv device.Buffer
}

func (o *attnOp) forward(e *alloc, x act) (act, error) {
	if len(x.shape) != 3 || x.shape[2] != o.dim {
		return act{}, fmt.Errorf("engine: layer %q: input %v, want [batch, T, %d]", o.qkv.name, x.shape, o.dim)
	}
	q, err := o.qkv.forward(e, x)
	if err != nil {
		return act{}, err
	}
	o.q, o.b, o.t = q, x.shape[0], x.shape[1]
	b, t, dim, heads := o.b, o.t, o.dim, o.heads
	dh := dim / heads
	att := e.grow(&o.att, e.dt, b*heads*t*t)
	out := e.grow(&o.out, e.dt, b*t*dim)
	if e.err != nil {
		return act{}, e.err
	}
	scale := 1 / math.Sqrt(float64(dh))
	for n := 0; n < b; n++ {
		e.dev.GemmBatched(false, true, t, t, dh, scale, o.part(q.buf, n, 0, 3*dim), o.part(q.buf, n, 1, 3*dim), 0, o.scores(att, n), heads)
	}
	e.dev.CausalSoftmax(b*heads, t, att)
	for n := 0; n < b; n++ {
		e.dev.GemmBatched(false, false, t, dh, t, 1, o.scores(att, n), o.part(q.buf, n, 2, 3*dim), 0, o.part(out, n, 0, dim), heads)
	}
	return o.proj.forward(e, act{buf: out, shape: x.shape})
}

// part is head 0 of part p (0 q, 1 k, 2 v) of sample n in rows of width.
func (o *attnOp) part(buf device.Buffer, n, p, width int) device.Mat {
	return device.Mat{Buf: buf, Off: n*o.t*width + p*o.dim, LD: width, Stride: o.dim / o.heads}
}

// scores is sample n's heads x T x T block.
func (o *attnOp) scores(buf device.Buffer, n int) device.Mat {
	return device.Mat{Buf: buf, Off: n * o.heads * o.t * o.t, LD: o.t, Stride: o.t * o.t}
}

func (o *attnOp) backward(e *alloc, dy act, needDx bool) act {
	b, t, dim, heads := o.b, o.t, o.dim, o.heads
	dh := dim / heads
	dout := o.proj.backward(e, dy, true)
	ds := e.grow(&o.ds, e.dt, b*heads*t*t)
	dqkv := e.grow(&o.dqkv, e.dt, b*t*3*dim)
	if e.err != nil || dout.buf == nil {
		return act{}
	}
	q := o.q.buf
	for n := 0; n < b; n++ {
		e.dev.GemmBatched(false, true, t, t, dh, 1, o.part(dout.buf, n, 0, dim), o.part(q, n, 2, 3*dim), 0, o.scores(ds, n), heads)
	}
	e.dev.CausalSoftmaxBackward(b*heads, t, o.att, ds)
	scale := 1 / math.Sqrt(float64(dh))
	for n := 0; n < b; n++ {
		e.dev.GemmBatched(true, false, t, dh, t, 1, o.scores(o.att, n), o.part(dout.buf, n, 0, dim), 0, o.part(dqkv, n, 2, 3*dim), heads)
		e.dev.GemmBatched(false, false, t, dh, t, scale, o.scores(ds, n), o.part(q, n, 1, 3*dim), 0, o.part(dqkv, n, 0, 3*dim), heads)
		e.dev.GemmBatched(true, false, t, dh, t, scale, o.scores(ds, n), o.part(q, n, 0, 3*dim), 0, o.part(dqkv, n, 1, 3*dim), heads)
	}
	return o.qkv.backward(e, act{buf: dqkv, shape: o.q.shape}, needDx)
}

// tiedOp is nn.TiedHead: logits = x W^T with the token embedding's weight.
type tiedOp struct {
	num, dim int
	w        *param
	x        act
	y, dx    device.Buffer
}

func (o *tiedOp) forward(e *alloc, x act) (act, error) {
	rows, c := x.rows()
	if c != o.dim {
		return act{}, fmt.Errorf("engine: layer \"head\": input %v, want last dimension %d", x.shape, o.dim)
	}
	o.x = x
	y := e.grow(&o.y, e.dt, rows*o.num)
	if y == nil {
		return act{}, e.err
	}
	e.dev.Gemm(false, true, rows, o.num, o.dim, 1, mat(x.buf, o.dim), mat(o.w.val, o.dim), 0, mat(y, o.num))
	shape := append(append([]int(nil), x.shape[:len(x.shape)-1]...), o.num)
	return act{buf: y, shape: shape}, nil
}

func (o *tiedOp) backward(e *alloc, dy act, needDx bool) act {
	rows := o.x.numel() / o.dim
	e.dev.Gemm(true, false, o.num, o.dim, rows, 1, mat(dy.buf, o.num), mat(o.x.buf, o.dim), 1, mat(o.w.grad, o.dim))
	if !needDx {
		return act{}
	}
	dx := e.grow(&o.dx, e.dt, rows*o.dim)
	if dx == nil {
		return act{}
	}
	e.dev.Gemm(false, false, rows, o.dim, o.num, 1, mat(dy.buf, o.num), mat(o.w.val, o.dim), 0, mat(dx, o.dim))
	return act{buf: dx, shape: o.x.shape}
}

// dropOp is nn.Dropout in training mode: the host layer draws its mask
// (from its seed and the step Model.SetStep gave it, exactly as on a host
// pass: it is run on ones, so its output is the mask), which is uploaded
// and multiplied in.
type dropOp[T nn.Float] struct {
	l       *nn.Dropout[T]
	ones    nn.Tensor[T]
	mask, y device.Buffer
	dx      device.Buffer
	shape   []int
}

func (o *dropOp[T]) forward(e *alloc, x act) (act, error) {
	if !e.train {
		return x, nil
	}
	n := x.numel()
	if len(o.ones.Data) != n {
		o.ones.Data = make([]T, n)
		for i := range o.ones.Data {
			o.ones.Data[i] = 1
		}
	}
	o.ones.Shape = x.shape
	m := o.l.Forward(&o.ones, nn.Mode{Train: true})
	mask := e.grow(&o.mask, e.dt, n)
	y := e.grow(&o.y, e.dt, n)
	if e.err != nil {
		return act{}, e.err
	}
	if err := device.Write(e.dev, mask, 0, m.Data); err != nil {
		return act{}, err
	}
	o.shape = x.shape
	e.dev.Mul(y, x.buf, mask, n)
	return act{buf: y, shape: x.shape}, nil
}

func (o *dropOp[T]) backward(e *alloc, dy act, needDx bool) act {
	if !needDx {
		return act{}
	}
	n := numel(o.shape)
	dx := e.grow(&o.dx, e.dt, n)
	if dx == nil {
		return act{}
	}
	e.dev.Mul(dx, dy.buf, o.mask, n)
	return act{buf: dx, shape: o.shape}
}

// identityOp is Dropout with probability 0 (or any layer that passes its
// input through).
type identityOp struct{}

func (identityOp) forward(_ *alloc, x act) (act, error)  { return x, nil }
func (identityOp) backward(_ *alloc, dy act, _ bool) act { return dy }
