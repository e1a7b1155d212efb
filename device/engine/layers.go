package engine

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
)

// act is an activation on the device: a buffer and the shape it holds
// (batch first). The buffer may be longer than the shape needs.
type act struct {
	buf   device.Buffer
	shape []int
}

func (a act) numel() int { return numel(a.shape) }

// rows returns the shape as rows of its last dimension, as nn.Tensor.Rows.
func (a act) rows() (int, int) {
	c := a.shape[len(a.shape)-1]
	return a.numel() / c, c
}

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// op is one compiled layer. forward reads x and returns its output;
// backward reads the gradient of its output and returns that of its input
// (nil when needDx is false), adding the parameter gradients.
type op interface {
	forward(e *alloc, x act) (act, error)
	backward(e *alloc, dy act, needDx bool) act
}

// alloc keeps the device and reallocates scratch buffers that are too short.
type alloc struct {
	dev   device.Device
	dt    device.DType
	err   error
	train bool             // the pass is a training pass (else evaluation)
	bufs  []*device.Buffer // the layers' scratch, freed by Close
}

// grow returns *b, reallocated when it holds fewer than n elements.
func (a *alloc) grow(b *device.Buffer, dt device.DType, n int) device.Buffer {
	if *b != nil && (*b).Len() >= n {
		return *b
	}
	if *b != nil {
		a.dev.Free(*b)
		*b = nil
	} else {
		a.bufs = append(a.bufs, b)
	}
	nb, err := a.dev.Alloc(dt, max(n, 1))
	if err != nil {
		if a.err == nil {
			a.err = err
		}
		return nil
	}
	*b = nb
	return nb
}

func mat(b device.Buffer, ld int) device.Mat { return device.Mat{Buf: b, LD: ld} }

// compile lists the device operations of the layers, in order; nested
// Sequentials and Residual blocks become ops of their own.
func (e *Engine[T]) compile(layers []nn.Layer[T], pb map[*nn.Param[T]]*param) ([]op, error) {
	var ops []op
	for _, l := range layers {
		o, err := e.compileLayer(l, pb)
		if err != nil {
			return nil, err
		}
		ops = append(ops, o)
	}
	return ops, nil
}

func (e *Engine[T]) compileLayer(l nn.Layer[T], pb map[*nn.Param[T]]*param) (op, error) {
	switch t := l.(type) {
	case *nn.Sequential[T]:
		ops, err := e.compile(t.Layers, pb)
		if err != nil {
			return nil, err
		}
		return &seqOp{ops: ops}, nil
	case *nn.Residual[T]:
		r := &residualOp{}
		var err error
		if r.body, err = e.compileLayer(t.Body, pb); err != nil {
			return nil, err
		}
		if t.Shortcut != nil {
			if r.shortcut, err = e.compileLayer(t.Shortcut, pb); err != nil {
				return nil, err
			}
		}
		if t.Post != nil {
			if r.post, err = e.compileLayer(t.Post, pb); err != nil {
				return nil, err
			}
		}
		return r, nil
	case *nn.Linear[T]:
		o := &linearOp{name: t.Name(), in: t.In, out: t.Out, w: pb[t.Weight]}
		if t.Bias != nil {
			o.b = pb[t.Bias]
		}
		return o, nil
	case *nn.Conv2d[T]:
		o := &convOp{name: t.Name(), in: t.In, out: t.Out, k: t.Kernel, stride: t.Stride, pad: t.Padding, w: pb[t.Weight]}
		if t.Bias != nil {
			o.b = pb[t.Bias]
		}
		return o, nil
	case *nn.BatchNorm2d[T]:
		o := &bnOp{name: t.Name(), c: t.Channels, eps: t.Eps, momentum: t.Momentum, w: pb[t.Weight], b: pb[t.Bias]}
		var err error
		if o.runMean, err = e.newModelBuf(t.RunningMean); err != nil {
			return nil, err
		}
		if o.runVar, err = e.newModelBuf(t.RunningVar); err != nil {
			return nil, err
		}
		e.bnCounts = append(e.bnCounts, bnCount{host: &t.NumBatchesTracked, dev: &o.tracked})
		return o, nil
	case *nn.Activation[T]:
		f, ok := acts[t.Func]
		if !ok {
			return nil, fmt.Errorf("engine: activation %q is not supported on the device", t.Func)
		}
		return &actOp{f: f}, nil
	case *nn.Flatten[T]:
		return &flattenOp{}, nil
	case *nn.LayerNorm[T]:
		return &lnOp{name: t.Name(), d: t.Features, eps: t.Eps, w: pb[t.Weight], b: pb[t.Bias]}, nil
	case *nn.CausalSelfAttention[T]:
		q, err := e.compileLayer(t.QKV, pb)
		if err != nil {
			return nil, err
		}
		p, err := e.compileLayer(t.Proj, pb)
		if err != nil {
			return nil, err
		}
		return &attnOp{dim: t.Dim, heads: t.Heads, qkv: q.(*linearOp), proj: p.(*linearOp)}, nil
	case *nn.TokenPositionEmbedding[T]:
		if t.Tok.Dim != t.Pos.Dim {
			return nil, fmt.Errorf("engine: layer %q: token dimension %d, position dimension %d", t.Tok.Name(), t.Tok.Dim, t.Pos.Dim)
		}
		return &embedOp{tokName: t.Tok.Name(), posName: t.Pos.Name(), num: t.Tok.Num, ctx: t.Pos.Num, dim: t.Tok.Dim, tok: pb[t.Tok.Weight], pos: pb[t.Pos.Weight]}, nil
	case *nn.TiedHead[T]:
		return &tiedOp{num: t.Emb.Num, dim: t.Emb.Dim, w: pb[t.Emb.Weight]}, nil
	case *nn.Dropout[T]:
		if t.P == 0 {
			return identityOp{}, nil
		}
		return &dropOp[T]{l: t}, nil
	case *nn.MaxPool2d[T]:
		return &poolOp{max: true, k: t.Kernel, stride: t.Stride}, nil
	case *nn.AvgPool2d[T]:
		return &poolOp{k: t.Kernel, stride: t.Stride}, nil
	case *nn.GlobalAvgPool2d[T]:
		return &gapOp{}, nil
	}
	if o, ok, err := e.compileExt(l, pb); ok {
		return o, err
	}
	return nil, fmt.Errorf("engine: layer %s (%T) is not supported on the device", layerName(l), l)
}

var acts = map[string]device.Act{"relu": device.ReLU, "tanh": device.Tanh, "sigmoid": device.Sigmoid, "gelu": device.GELU}

func layerName[T nn.Float](l nn.Layer[T]) string {
	if n, ok := l.(interface{ Name() string }); ok && n.Name() != "" {
		return fmt.Sprintf("%q", n.Name())
	}
	return "(unnamed)"
}

// linearOp is nn.Linear: y = x W^T + b over the rows of x's last dimension.
type linearOp struct {
	name    string
	in, out int
	w, b    *param
	x, dy   act // the capture: input and output gradient of the last pass
	y, dx   device.Buffer
}

func (o *linearOp) forward(e *alloc, x act) (act, error) {
	rows, c := x.rows()
	if c != o.in {
		return act{}, fmt.Errorf("engine: layer %q: input %v, want last dimension %d", o.name, x.shape, o.in)
	}
	o.x = x
	y := e.grow(&o.y, e.dt, rows*o.out)
	if y == nil {
		return act{}, e.err
	}
	beta := 0.0
	if o.b != nil {
		e.dev.BroadcastRows(y, o.b.val, rows, o.out)
		beta = 1
	}
	e.dev.Gemm(false, true, rows, o.out, o.in, 1, mat(x.buf, o.in), mat(o.w.val, o.in), beta, mat(y, o.out))
	shape := append(append([]int(nil), x.shape[:len(x.shape)-1]...), o.out)
	return act{buf: y, shape: shape}, nil
}

func (o *linearOp) backward(e *alloc, dy act, needDx bool) act {
	o.dy = dy
	rows := o.x.numel() / o.in
	e.dev.Gemm(true, false, o.out, o.in, rows, 1, mat(dy.buf, o.out), mat(o.x.buf, o.in), 1, mat(o.w.grad, o.in))
	if o.b != nil {
		e.dev.SumRows(o.b.grad, dy.buf, rows, o.out)
	}
	if !needDx {
		return act{}
	}
	dx := e.grow(&o.dx, e.dt, rows*o.in)
	if dx == nil {
		return act{}
	}
	e.dev.Gemm(false, false, rows, o.in, o.out, 1, mat(dy.buf, o.out), mat(o.w.val, o.in), 0, mat(dx, o.in))
	return act{buf: dx, shape: o.x.shape}
}

// actOp is nn.Activation.
type actOp struct {
	f     device.Act
	x     act
	y, dx device.Buffer
}

func (o *actOp) forward(e *alloc, x act) (act, error) {
	o.x = x
	n := x.numel()
	y := e.grow(&o.y, e.dt, n)
	if y == nil {
		return act{}, e.err
	}
	e.dev.Activation(o.f, x.buf, y, n)
	return act{buf: y, shape: x.shape}, nil
}

func (o *actOp) backward(e *alloc, dy act, needDx bool) act {
	if !needDx {
		return act{}
	}
	n := o.x.numel()
	dx := e.grow(&o.dx, e.dt, n)
	if dx == nil {
		return act{}
	}
	e.dev.ActivationBackward(o.f, o.x.buf, o.y, dy.buf, dx, n)
	return act{buf: dx, shape: o.x.shape}
}

// flattenOp is nn.Flatten: the same buffer, shape batch x rest.
type flattenOp struct{ shape []int }

func (o *flattenOp) forward(_ *alloc, x act) (act, error) {
	o.shape = x.shape
	b := 1
	if len(x.shape) > 0 {
		b = x.shape[0]
	}
	return act{buf: x.buf, shape: []int{b, x.numel() / max(b, 1)}}, nil
}

func (o *flattenOp) backward(_ *alloc, dy act, needDx bool) act {
	if !needDx {
		return act{}
	}
	return act{buf: dy.buf, shape: o.shape}
}

// seqOp runs its ops in order.
type seqOp struct{ ops []op }

func (o *seqOp) forward(e *alloc, x act) (act, error) {
	var err error
	for _, c := range o.ops {
		if x, err = c.forward(e, x); err != nil {
			return act{}, err
		}
	}
	return x, nil
}

func (o *seqOp) backward(e *alloc, dy act, needDx bool) act {
	for i := len(o.ops) - 1; i >= 0; i-- {
		dy = o.ops[i].backward(e, dy, needDx || i > 0)
	}
	return dy
}

// residualOp is nn.Residual: post(body(x) + shortcut(x)).
type residualOp struct {
	body, shortcut, post op // shortcut nil: identity; post nil: none
	sum, dx              device.Buffer
	x                    act
}

func (o *residualOp) forward(e *alloc, x act) (act, error) {
	o.x = x
	b, err := o.body.forward(e, x)
	if err != nil {
		return act{}, err
	}
	s := x
	if o.shortcut != nil {
		if s, err = o.shortcut.forward(e, x); err != nil {
			return act{}, err
		}
	}
	if b.numel() != s.numel() {
		return act{}, fmt.Errorf("engine: residual block: body output %v, shortcut %v", b.shape, s.shape)
	}
	sum := e.grow(&o.sum, e.dt, b.numel())
	if sum == nil {
		return act{}, e.err
	}
	e.dev.Add(sum, b.buf, s.buf, b.numel())
	y := act{buf: sum, shape: b.shape}
	if o.post != nil {
		return o.post.forward(e, y)
	}
	return y, nil
}

func (o *residualOp) backward(e *alloc, dy act, needDx bool) act {
	if o.post != nil {
		dy = o.post.backward(e, dy, true)
	}
	db := o.body.backward(e, dy, needDx)
	ds := dy
	if o.shortcut != nil {
		ds = o.shortcut.backward(e, dy, needDx)
	}
	if !needDx {
		return act{}
	}
	dx := e.grow(&o.dx, e.dt, o.x.numel())
	if dx == nil {
		return act{}
	}
	e.dev.Add(dx, db.buf, ds.buf, o.x.numel())
	return act{buf: dx, shape: o.x.shape}
}

// walk calls f on o and every op inside it, in forward order.
func walk(o op, f func(op)) {
	f(o)
	switch t := o.(type) {
	case *seqOp:
		for _, c := range t.ops {
			walk(c, f)
		}
	case *attnOp:
		walk(t.qkv, f)
		walk(t.proj, f)
	case *residualOp:
		walk(t.body, f)
		if t.shortcut != nil {
			walk(t.shortcut, f)
		}
		if t.post != nil {
			walk(t.post, f)
		}
	}
}
