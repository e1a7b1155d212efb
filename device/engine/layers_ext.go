package engine

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
)

// The layers of device.LayerExtOps: Softmax, BatchNorm1d and GroupNorm.

// compileExt compiles the layers of this file; ok is false for any other.
func (e *Engine[T]) compileExt(l nn.Layer[T], pb map[*nn.Param[T]]*param) (o op, ok bool, err error) {
	switch t := l.(type) {
	case *nn.Softmax[T]:
		return &softmaxOp{}, true, nil
	case *nn.BatchNorm1d[T]:
		// The BatchNorm2d inside does the work on the B x C x L x 1 view,
		// with its running statistics and count registered as the model's.
		inner, err := e.compileLayer(t.Inner(), pb)
		if err != nil {
			return nil, true, err
		}
		return &bn1dOp{bn: inner.(*bnOp)}, true, nil
	case *nn.GroupNorm[T]:
		return &gnOp{name: t.Name(), groups: t.Groups, c: t.Channels, eps: t.Eps, w: pb[t.Weight], b: pb[t.Bias]}, true, nil
	}
	return nil, false, nil
}

// softmaxOp is nn.Softmax over the last dimension. A cross-entropy after
// it takes the log-softmax of these probabilities, as on the host.
type softmaxOp struct {
	rows, cols int
	shape      []int
	y, dx      device.Buffer
}

func (o *softmaxOp) forward(e *alloc, x act) (act, error) {
	if len(x.shape) == 0 || x.shape[len(x.shape)-1] < 1 {
		return act{}, fmt.Errorf("engine: softmax: input %v, want a last dimension of at least 1", x.shape)
	}
	o.rows, o.cols = x.rows()
	o.shape = x.shape
	y := e.grow(&o.y, e.dt, x.numel())
	if y == nil {
		return act{}, e.err
	}
	e.dev.SoftmaxForward(o.rows, o.cols, x.buf, y)
	return act{buf: y, shape: x.shape}, nil
}

func (o *softmaxOp) backward(e *alloc, dy act, needDx bool) act {
	if !needDx {
		return act{}
	}
	dx := e.grow(&o.dx, e.dt, o.rows*o.cols)
	if dx == nil {
		return act{}
	}
	e.dev.SoftmaxBackward(o.rows, o.cols, o.y, dy.buf, dx)
	return act{buf: dx, shape: o.shape}
}

// bn1dOp is nn.BatchNorm1d: BatchNorm2d on the B x C or B x C x L input
// viewed as B x C x L x 1, as the host layer runs it. The inner op is a
// field, not embedded, so that a BatchNorm1d gets factors only as an
// extended kind (extendedFisherOps), as optim gives them.
type bn1dOp struct {
	bn    *bnOp
	shape []int
}

func (o *bn1dOp) forward(e *alloc, x act) (act, error) {
	if (len(x.shape) != 2 && len(x.shape) != 3) || x.shape[1] != o.bn.c {
		return act{}, fmt.Errorf("engine: layer %q: input %v, want [batch, %d] or [batch, %d, L]", o.bn.name, x.shape, o.bn.c, o.bn.c)
	}
	l := 1
	if len(x.shape) == 3 {
		l = x.shape[2]
	}
	if e.train && x.shape[0]*l <= 1 {
		return act{}, fmt.Errorf("engine: layer %q: input %v has 1 value per channel, want more when training", o.bn.name, x.shape)
	}
	o.shape = x.shape
	y, err := o.bn.forward(e, act{buf: x.buf, shape: []int{x.shape[0], o.bn.c, l, 1}})
	if err != nil {
		return act{}, err
	}
	return act{buf: y.buf, shape: x.shape}, nil
}

func (o *bn1dOp) backward(e *alloc, dy act, needDx bool) act {
	dx := o.bn.backward(e, act{buf: dy.buf, shape: o.bn.x.shape}, needDx)
	if !needDx || dx.buf == nil {
		return act{}
	}
	return act{buf: dx.buf, shape: o.shape}
}

// gnOp is nn.GroupNorm over B x C x ... (the same in training and
// evaluation).
type gnOp struct {
	name             string
	groups, c        int
	eps              float64
	w, b             *param
	x                act
	args             device.GroupArgs
	xhat, y, inv, dx device.Buffer
}

func (o *gnOp) forward(e *alloc, x act) (act, error) {
	if len(x.shape) < 2 || x.shape[1] != o.c {
		return act{}, fmt.Errorf("engine: layer %q: input %v, want [batch, %d, ...]", o.name, x.shape, o.c)
	}
	o.x = x
	n := x.numel()
	b := x.shape[0]
	o.args = device.GroupArgs{Batch: b, C: o.c, HW: n / max(b*o.c, 1), Groups: o.groups, Eps: o.eps}
	xhat := e.grow(&o.xhat, e.dt, n)
	y := e.grow(&o.y, e.dt, n)
	inv := e.grow(&o.inv, e.dt, b*o.groups)
	if e.err != nil {
		return act{}, e.err
	}
	e.dev.GroupNormForward(o.args, x.buf, o.w.val, o.b.val, xhat, y, inv)
	return act{buf: y, shape: x.shape}, nil
}

func (o *gnOp) backward(e *alloc, dy act, needDx bool) act {
	var dx device.Buffer
	if needDx {
		if dx = e.grow(&o.dx, e.dt, o.x.numel()); dx == nil {
			return act{}
		}
	}
	e.dev.GroupNormBackward(o.args, dy.buf, o.xhat, o.w.val, o.inv, o.w.grad, o.b.grad, dx)
	if !needDx {
		return act{}
	}
	return act{buf: dx, shape: o.x.shape}
}
