package engine

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
)

// convOp is nn.Conv2d as im2col and a GEMM: the patch matrix (rows
// (b, oh, ow), columns (c, i, j)) times W^T, scattered to NCHW with the bias.
type convOp struct {
	name             string
	in, out, k       int
	stride, pad      int
	w, b             *param
	g                device.ConvGeom
	xShape           []int
	cols, ymat, y    device.Buffer
	grows, dcols, dx device.Buffer
}

func (o *convOp) forward(e *alloc, x act) (act, error) {
	if len(x.shape) != 4 || x.shape[1] != o.in {
		return act{}, fmt.Errorf("engine: layer %q: input %v, want [batch, %d, H, W]", o.name, x.shape, o.in)
	}
	out := func(n int) int {
		if n+2*o.pad < o.k {
			return 0
		}
		return (n+2*o.pad-o.k)/o.stride + 1
	}
	g := device.ConvGeom{Batch: x.shape[0], C: o.in, H: x.shape[2], W: x.shape[3], K: o.k, Stride: o.stride, Pad: o.pad,
		OH: out(x.shape[2]), OW: out(x.shape[3])}
	if g.OH == 0 || g.OW == 0 {
		return act{}, fmt.Errorf("engine: layer %q: input %v is smaller than the kernel %d", o.name, x.shape, o.k)
	}
	o.g, o.xShape = g, x.shape
	rows, d := g.Rows(), g.Patch()
	cols := e.grow(&o.cols, e.dt, rows*d)
	ymat := e.grow(&o.ymat, e.dt, rows*o.out)
	y := e.grow(&o.y, e.dt, rows*o.out)
	if e.err != nil {
		return act{}, e.err
	}
	e.dev.Im2col(g, x.buf, cols)
	e.dev.Gemm(false, true, rows, o.out, d, 1, mat(cols, d), mat(o.w.val, d), 0, mat(ymat, o.out))
	var bias device.Buffer
	if o.b != nil {
		bias = o.b.val
	}
	e.dev.ConvOutput(g, o.out, ymat, bias, y)
	return act{buf: y, shape: []int{g.Batch, o.out, g.OH, g.OW}}, nil
}

func (o *convOp) backward(e *alloc, dy act, needDx bool) act {
	g := o.g
	rows, d := g.Rows(), g.Patch()
	grows := e.grow(&o.grows, e.dt, rows*o.out)
	if grows == nil {
		return act{}
	}
	var db device.Buffer
	if o.b != nil {
		db = o.b.grad
	}
	e.dev.ConvGradRows(g, o.out, dy.buf, grows, db)
	e.dev.Gemm(true, false, o.out, d, rows, 1, mat(grows, o.out), mat(o.cols, d), 1, mat(o.w.grad, d))
	if !needDx {
		return act{}
	}
	dcols := e.grow(&o.dcols, e.dt, rows*d)
	dx := e.grow(&o.dx, e.dt, numel(o.xShape))
	if e.err != nil {
		return act{}
	}
	e.dev.Gemm(false, false, rows, d, o.out, 1, mat(grows, o.out), mat(o.w.val, d), 0, mat(dcols, d))
	e.dev.Col2im(g, dcols, dx)
	return act{buf: dx, shape: o.xShape}
}

// bnOp is nn.BatchNorm2d: in training, batch statistics, running
// statistics updated with its momentum, num_batches_tracked counted; in
// evaluation, the running statistics.
type bnOp struct {
	name             string
	c                int
	eps, momentum    float64
	w, b             *param
	runMean, runVar  device.Buffer
	tracked          int64
	x                act
	args             device.NormArgs
	xhat, y, inv, dx device.Buffer
	dy               act
}

func (o *bnOp) forward(e *alloc, x act) (act, error) {
	if len(x.shape) != 4 || x.shape[1] != o.c {
		return act{}, fmt.Errorf("engine: layer %q: input %v, want [batch, %d, H, W]", o.name, x.shape, o.c)
	}
	hw := x.shape[2] * x.shape[3]
	if e.train && x.shape[0]*hw <= 1 {
		return act{}, fmt.Errorf("engine: layer %q: input %v has 1 value per channel, want more when training", o.name, x.shape)
	}
	o.x = x
	o.args = device.NormArgs{Batch: x.shape[0], C: o.c, HW: hw, Eps: o.eps, Momentum: o.momentum, Train: e.train}
	n := x.numel()
	xhat := e.grow(&o.xhat, e.dt, n)
	y := e.grow(&o.y, e.dt, n)
	inv := e.grow(&o.inv, e.dt, o.c)
	if e.err != nil {
		return act{}, e.err
	}
	e.dev.BatchNormForward(o.args, x.buf, o.w.val, o.b.val, o.runMean, o.runVar, xhat, y, inv)
	if e.train {
		o.tracked++
	}
	return act{buf: y, shape: x.shape}, nil
}

func (o *bnOp) backward(e *alloc, dy act, needDx bool) act {
	o.dy = dy
	var dx device.Buffer
	if needDx {
		if dx = e.grow(&o.dx, e.dt, o.x.numel()); dx == nil {
			return act{}
		}
	}
	e.dev.BatchNormBackward(o.args, dy.buf, o.xhat, o.w.val, o.inv, o.w.grad, o.b.grad, dx)
	if !needDx {
		return act{}
	}
	return act{buf: dx, shape: o.x.shape}
}

// poolOp is nn.MaxPool2d (max) or nn.AvgPool2d.
type poolOp struct {
	max       bool
	k, stride int
	g         device.PoolGeom
	xShape    []int
	y, arg    device.Buffer
	dx        device.Buffer
}

func (o *poolOp) forward(e *alloc, x act) (act, error) {
	if len(x.shape) != 4 || x.shape[2] < o.k || x.shape[3] < o.k {
		return act{}, fmt.Errorf("engine: pooling: input %v, want [batch, C, H, W] with H and W at least %d", x.shape, o.k)
	}
	o.xShape = x.shape
	o.g = device.PoolGeom{Planes: x.shape[0] * x.shape[1], H: x.shape[2], W: x.shape[3], K: o.k, Stride: o.stride}
	oh, ow := o.g.Out()
	n := o.g.Planes * oh * ow
	y := e.grow(&o.y, e.dt, n)
	if o.max {
		arg := e.grow(&o.arg, device.I32, n)
		if e.err != nil {
			return act{}, e.err
		}
		e.dev.MaxPool(o.g, x.buf, y, arg)
	} else {
		if e.err != nil {
			return act{}, e.err
		}
		e.dev.AvgPool(o.g, x.buf, y)
	}
	return act{buf: y, shape: []int{x.shape[0], x.shape[1], oh, ow}}, nil
}

func (o *poolOp) backward(e *alloc, dy act, needDx bool) act {
	if !needDx {
		return act{}
	}
	dx := e.grow(&o.dx, e.dt, numel(o.xShape))
	if dx == nil {
		return act{}
	}
	if o.max {
		e.dev.MaxPoolBackward(o.g, dy.buf, o.arg, dx)
	} else {
		e.dev.AvgPoolBackward(o.g, dy.buf, dx)
	}
	return act{buf: dx, shape: o.xShape}
}

// gapOp is nn.GlobalAvgPool2d: B x C x H x W to B x C.
type gapOp struct {
	xShape []int
	y, dx  device.Buffer
}

func (o *gapOp) forward(e *alloc, x act) (act, error) {
	if len(x.shape) != 4 || x.shape[2]*x.shape[3] == 0 {
		return act{}, fmt.Errorf("engine: global average pooling: input %v, want [batch, C, H, W]", x.shape)
	}
	o.xShape = x.shape
	planes := x.shape[0] * x.shape[1]
	y := e.grow(&o.y, e.dt, planes)
	if y == nil {
		return act{}, e.err
	}
	e.dev.GlobalAvgPool(planes, x.shape[2]*x.shape[3], x.buf, y)
	return act{buf: y, shape: []int{x.shape[0], x.shape[1]}}, nil
}

func (o *gapOp) backward(e *alloc, dy act, needDx bool) act {
	if !needDx {
		return act{}
	}
	dx := e.grow(&o.dx, e.dt, numel(o.xShape))
	if dx == nil {
		return act{}
	}
	planes := o.xShape[0] * o.xShape[1]
	e.dev.GlobalAvgPoolBackward(planes, o.xShape[2]*o.xShape[3], dy.buf, dx)
	return act{buf: dx, shape: o.xShape}
}
