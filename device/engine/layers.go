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
	dev  device.Device
	dt   device.DType
	err  error
	bufs []*device.Buffer // the layers' scratch, freed by Close
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

// compile lists the device operations of the layers, in order, flattening
// nested Sequentials.
func compile[T nn.Float](layers []nn.Layer[T], pb map[*nn.Param[T]]*param, ops []op) ([]op, error) {
	for _, l := range layers {
		switch t := l.(type) {
		case *nn.Sequential[T]:
			var err error
			if ops, err = compile(t.Layers, pb, ops); err != nil {
				return nil, err
			}
		case *nn.Linear[T]:
			o := &linearOp{name: t.Name(), in: t.In, out: t.Out, w: pb[t.Weight]}
			if t.Bias != nil {
				o.b = pb[t.Bias]
			}
			ops = append(ops, o)
		case *nn.Activation[T]:
			f, ok := acts[t.Func]
			if !ok {
				return nil, fmt.Errorf("engine: activation %q is not supported on the device", t.Func)
			}
			ops = append(ops, &actOp{f: f})
		case *nn.Flatten[T]:
			ops = append(ops, &flattenOp{})
		default:
			return nil, fmt.Errorf("engine: layer %s (%T) is not supported on the device", layerName(l), l)
		}
	}
	return ops, nil
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
