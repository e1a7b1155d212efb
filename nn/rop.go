package nn

import (
	"fmt"
	"math"
	"slices"
)

// HVP computes Hessian-vector and Gauss-Newton-vector products of a model's
// loss, the mean softmax cross-entropy of its output on a batch (as
// CrossEntropy), with respect to its trainable parameters.
//
// Products are exact up to rounding: Pearlmutter's R-operator (the directional
// derivative R{.} = d/de (.)(theta + e*v) at e = 0) is carried through every
// layer's forward pass (R{activations}) and backward pass (R{gradients}), so
// that R{dL/dtheta} = H v. Every layer of the zoo has its R-operator: Linear,
// Conv2d, BatchNorm2d (training mode through the batch statistics, and
// evaluation mode), ReLU, Tanh, Sigmoid, GELU, Softmax, Flatten, MaxPool2d,
// and the cross-entropy. A layer without one (a type this file does not
// know, or a container other than Sequential) is differentiated by central
// differences of its own forward and backward pass, in the direction of its
// input tangent and parameter directions, with the step
// h = cbrt(eps) * max(1, |z|_inf) / |d|_inf (z the layer's input and
// parameters, d their directions, eps the element type's machine epsilon),
// which balances the O(h^2) truncation error against the O(eps/h) rounding
// error: about 1e-10 relative in float64 (float32 gives about 1e-5 only).
// FiniteDifferences names such layers.
//
// The Gauss-Newton product is G v = J^T H_L J v with J the Jacobian of the
// model's output with respect to the parameters and H_L the Hessian of the
// loss with respect to that output: per sample (diag(p) - p p^T)/N with p the
// softmax of the output row.
//
// A product runs its own forward pass in the given mode. It leaves the
// model's parameter gradients, BatchNorm running statistics and batch counters
// as they were; layer outputs and captures of an earlier pass are not valid
// afterwards. An HVP keeps its scratch space between calls: it is not safe for
// concurrent use, and the model must not be used by another goroutine during a
// call.
type HVP[T Float] struct {
	m      *Model[T]
	params []*Param[T]
	nodes  []rNode[T]
	grads  []*Tensor[T] // the pass's parameter gradients, swapped in
	orig   []*Tensor[T] // the parameters' own gradient tensors during a call
	v, hv  []*Tensor[T] // the direction and the product of the current call
	dz     Tensor[T]    // dL/d(output)
	rdz    Tensor[T]    // R{dL/d(output)}
	bufs   []savedBuffer[T]
	fd     []string
	hasRun bool
}

type savedBuffer[T Float] struct {
	value *Tensor[T]
	count *int64
	data  []T
	n     int64
}

// NewHVP prepares Hessian-vector products for the model.
func NewHVP[T Float](m *Model[T]) *HVP[T] {
	e := &HVP[T]{m: m, params: m.Params()}
	for _, p := range e.params {
		e.grads = append(e.grads, NewTensor[T](p.Value.Shape...))
	}
	e.orig = make([]*Tensor[T], len(e.params))
	e.build(&m.Net)
	for _, st := range m.State() {
		if st.Trainable {
			continue
		}
		b := savedBuffer[T]{value: st.Value, count: st.Count}
		if st.Value != nil {
			b.data = make([]T, len(st.Value.Data))
		}
		e.bufs = append(e.bufs, b)
	}
	return e
}

// FiniteDifferences lists the layers whose R-operator comes from central
// differences (none for the models of the zoo).
func (e *HVP[T]) FiniteDifferences() []string { return e.fd }

// Gradient returns the gradient of the loss from the last Hessian call, one
// tensor per parameter in Params() order (shared: copy it before the next
// call).
func (e *HVP[T]) Gradient() []*Tensor[T] { return e.grads }

// Hessian sets out = H v, the Hessian of the batch loss times v, and returns
// the batch loss. v and out hold one tensor per parameter in the model's
// Params() order, of the parameter's size.
func (e *HVP[T]) Hessian(in *Tensor[T], labels []int, mode Mode, v, out []*Tensor[T]) (float64, error) {
	return e.run(in, labels, mode, v, out, false)
}

// GaussNewton sets out = G v = J^T H_L J v and returns the batch loss.
func (e *HVP[T]) GaussNewton(in *Tensor[T], labels []int, mode Mode, v, out []*Tensor[T]) (float64, error) {
	return e.run(in, labels, mode, v, out, true)
}

func (e *HVP[T]) check(what string, ts []*Tensor[T]) error {
	if len(ts) != len(e.params) {
		return fmt.Errorf("hessian-vector product: %d %s tensors for a model of %d parameters", len(ts), what, len(e.params))
	}
	for i, t := range ts {
		if t == nil || len(t.Data) != len(e.params[i].Value.Data) {
			return fmt.Errorf("hessian-vector product: %s tensor %d does not have the %d values of %s", what, i, len(e.params[i].Value.Data), e.params[i].Name)
		}
	}
	return nil
}

func (e *HVP[T]) run(in *Tensor[T], labels []int, mode Mode, v, out []*Tensor[T], gn bool) (loss float64, err error) {
	if err := e.check("direction", v); err != nil {
		return 0, err
	}
	if err := e.check("output", out); err != nil {
		return 0, err
	}
	mode.Capture = false
	for i := range e.bufs {
		b := &e.bufs[i]
		if b.value != nil {
			copy(b.data, b.value.Data)
		} else {
			b.n = *b.count
		}
	}
	for i, p := range e.params {
		e.orig[i] = p.Grad
		e.grads[i].zero()
		p.Grad = e.grads[i]
	}
	defer func() {
		for i, p := range e.params {
			p.Grad = e.orig[i]
			e.orig[i] = nil
		}
		for i := range e.bufs {
			b := &e.bufs[i]
			if b.value != nil {
				copy(b.value.Data, b.data)
			} else {
				*b.count = b.n
			}
		}
		e.v, e.hv = nil, nil
		if r := recover(); r != nil {
			se, ok := r.(*ShapeError)
			if !ok {
				panic(r)
			}
			err = se
		}
	}()
	e.v, e.hv = v, out
	for _, o := range out {
		clear(o.Data)
	}
	x, rx := in, (*Tensor[T])(nil)
	for _, n := range e.nodes {
		x, rx = n.forward(e, x, rx, mode)
	}
	loss, _ = CrossEntropy(x, labels, &e.dz)
	crossEntropyR(x, rx, &e.rdz)
	if gn {
		dy := &e.rdz
		for i := len(e.nodes) - 1; i >= 0; i-- {
			dy, _ = e.nodes[i].backward(e, dy, nil, i > 0)
		}
		for i, g := range e.grads {
			copy(out[i].Data, g.Data)
		}
		return loss, nil
	}
	dy, rdy := &e.dz, &e.rdz
	for i := len(e.nodes) - 1; i >= 0; i-- {
		dy, rdy = e.nodes[i].backward(e, dy, rdy, i > 0)
	}
	return loss, nil
}

// crossEntropyR sets rdz = R{dL/dz} for the mean cross-entropy of logits z:
// per row (p*(rz - <p, rz>))/N with p = softmax(z). rz nil is zero.
func crossEntropyR[T Float](z, rz, rdz *Tensor[T]) {
	rows, cols := z.Rows()
	rdz.resize(z.Shape...)
	if rz == nil {
		rdz.zero()
		return
	}
	inv := 1 / float64(rows)
	p := make([]float64, cols)
	for r := 0; r < rows; r++ {
		zr := z.Data[r*cols : (r+1)*cols]
		m := zr[0]
		for _, v := range zr {
			m = max(m, v)
		}
		var sum float64
		for j, v := range zr {
			p[j] = math.Exp(float64(v - m))
			sum += p[j]
		}
		var dot float64
		rr := rz.Data[r*cols : (r+1)*cols]
		for j := range p {
			p[j] /= sum
			dot += p[j] * float64(rr[j])
		}
		out := rdz.Data[r*cols : (r+1)*cols]
		for j := range p {
			out[j] = T(p[j] * (float64(rr[j]) - dot) * inv)
		}
	}
}

// dir returns the direction of parameter i, or nil for none.
func (e *HVP[T]) dir(i int) []T {
	if i < 0 {
		return nil
	}
	return e.v[i].Data
}

// acc returns the product accumulator of parameter i, or nil for none.
func (e *HVP[T]) acc(i int) []T {
	if i < 0 {
		return nil
	}
	return e.hv[i].Data
}

func (e *HVP[T]) index(p *Param[T]) int {
	if p == nil {
		return -1
	}
	for i, q := range e.params {
		if q == p {
			return i
		}
	}
	return -1
}

// build turns the layers into nodes: known layers get their R-operator,
// others central differences.
func (e *HVP[T]) build(l Layer[T]) {
	switch t := l.(type) {
	case *Sequential[T]:
		for _, c := range t.Layers {
			e.build(c)
		}
	case *Linear[T]:
		e.nodes = append(e.nodes, &rLinear[T]{l: t, w: e.index(t.Weight), b: e.index(t.Bias)})
	case *Conv2d[T]:
		e.nodes = append(e.nodes, &rConv[T]{c: t, w: e.index(t.Weight), b: e.index(t.Bias)})
	case *BatchNorm2d[T]:
		e.nodes = append(e.nodes, &rBatchNorm[T]{l: t, w: e.index(t.Weight), b: e.index(t.Bias)})
	case *Activation[T]:
		e.nodes = append(e.nodes, &rActivation[T]{a: t})
	case *Softmax[T]:
		e.nodes = append(e.nodes, &rSoftmax[T]{s: t})
	case *Flatten[T]:
		e.nodes = append(e.nodes, &rFlatten[T]{f: t})
	case *MaxPool2d[T]:
		e.nodes = append(e.nodes, &rMaxPool[T]{p: t})
	case *AvgPool2d[T]:
		e.nodes = append(e.nodes, &rLinearMap[T]{l: t})
	case *GlobalAvgPool2d[T]:
		e.nodes = append(e.nodes, &rLinearMap[T]{l: t})
	case *Dropout[T]:
		e.nodes = append(e.nodes, &rLinearMap[T]{l: t})
	case *BatchNorm1d[T]:
		e.nodes = append(e.nodes, &rBatchNorm1d[T]{l: t, inner: rBatchNorm[T]{l: t.bn, w: e.index(t.bn.Weight), b: e.index(t.bn.Bias)}})
	case *Residual[T]:
		e.nodes = append(e.nodes, &rResidual[T]{l: t, body: e.chain(t.Body), short: e.chain(t.Shortcut), post: e.chain(t.Post)})
	default:
		n := &rFinite[T]{l: t}
		for _, leaf := range leaves(l, nil) {
			var ps []*Param[T]
			if p, ok := leaf.(ParamLayer[T]); ok {
				ps = p.Params()
			}
			if s, ok := leaf.(paramSharer[T]); ok {
				ps = append(ps, s.SharedParams()...)
			}
			for _, q := range ps {
				if i := e.index(q); i >= 0 && !slices.Contains(n.params, i) {
					n.params = append(n.params, i)
				}
			}
		}
		name := fmt.Sprintf("%T", l)
		if p, ok := l.(ParamLayer[T]); ok {
			name = p.Name()
		}
		n.name = name
		e.fd = append(e.fd, name)
		e.nodes = append(e.nodes, n)
	}
}

// paramSharer is a layer that uses parameters another layer owns (a tied
// output head): a finite-difference node perturbs them too.
type paramSharer[T Float] interface {
	SharedParams() []*Param[T]
}

// rNode is one layer with its R-operator. forward runs the layer's Forward
// and returns R{y} from R{x} (nil for zero); backward runs its Backward and,
// unless rdy is nil, returns R{dx} and adds R{dL/dparams} into the product.
// With rdy nil (a Gauss-Newton product) it is the plain backward pass.
type rNode[T Float] interface {
	forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (y, ry *Tensor[T])
	backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (dx, rdx *Tensor[T])
}

// Linear: y = x W^T + b.
// R{y} = R{x} W^T + x V^T + v_b; R{dx} = R{dy} W + dy V;
// R{dW} = R{dy}^T x + dy^T R{x}; R{db} = sum of R{dy} rows.
type rLinear[T Float] struct {
	l       *Linear[T]
	w, b    int
	x, rx   *Tensor[T]
	ry, rdx Tensor[T]
}

func (n *rLinear[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	y := n.l.Forward(x, mode)
	n.x, n.rx = x, rx
	rows, _ := x.Rows()
	in, out := n.l.In, n.l.Out
	ry := n.ry.resize(y.Shape...)
	ry.zero()
	if vb := e.dir(n.b); vb != nil {
		for r := 0; r < rows; r++ {
			copy(ry.Data[r*out:(r+1)*out], vb)
		}
	}
	if vw := e.dir(n.w); vw != nil {
		Gemm(false, true, rows, out, in, 1, x.Data, in, vw, in, 1, ry.Data, out)
	}
	if rx != nil {
		Gemm(false, true, rows, out, in, 1, rx.Data, in, n.l.Weight.Value.Data, in, 1, ry.Data, out)
	}
	return y, ry
}

func (n *rLinear[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx := n.l.Backward(dy, needInput)
	if rdy == nil {
		return dx, nil
	}
	rows, _ := n.x.Rows()
	in, out := n.l.In, n.l.Out
	if hw := e.acc(n.w); hw != nil {
		Gemm(true, false, out, in, rows, 1, rdy.Data, out, n.x.Data, in, 1, hw, in)
		if n.rx != nil {
			Gemm(true, false, out, in, rows, 1, dy.Data, out, n.rx.Data, in, 1, hw, in)
		}
	}
	if hb := e.acc(n.b); hb != nil {
		for r := 0; r < rows; r++ {
			for j, v := range rdy.Data[r*out : (r+1)*out] {
				hb[j] += v
			}
		}
	}
	if !needInput {
		return dx, nil
	}
	rdx := n.rdx.resize(n.x.Shape...)
	Gemm(false, false, rows, in, out, 1, rdy.Data, out, n.l.Weight.Value.Data, in, 0, rdx.Data, in)
	if vw := e.dir(n.w); vw != nil {
		Gemm(false, false, rows, in, out, 1, dy.Data, out, vw, in, 1, rdx.Data, in)
	}
	return dx, rdx
}

// Conv2d as im2col: Y = P W^T + b with P the patch matrix.
// R{Y} = R{P} W^T + P V^T + v_b with R{P} = im2col(R{x});
// R{dW} = R{G}^T P + G^T R{P}; R{dP} = R{G} W + G V; R{dx} = col2im(R{dP}).
type rConv[T Float] struct {
	c                *Conv2d[T]
	w, b             int
	hasRX            bool
	rcols, rym, ry   Tensor[T]
	rg, rdcols, rdx  Tensor[T]
	batch, ih, iw    int
	outH, outW, rows int
}

func (n *rConv[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	c := n.c
	y := c.Forward(x, mode)
	n.batch, n.ih, n.iw = x.Shape[0], x.Shape[2], x.Shape[3]
	n.outH, n.outW = y.Shape[2], y.Shape[3]
	spatial := n.outH * n.outW
	n.rows = n.batch * spatial
	d, out := c.In*c.Kernel*c.Kernel, c.Out
	n.hasRX = rx != nil
	rym := n.rym.resize(n.rows, out)
	rym.zero()
	if vw := e.dir(n.w); vw != nil {
		Gemm(false, true, n.rows, out, d, 1, c.cols.Data, d, vw, d, 1, rym.Data, out)
	}
	if rx != nil {
		rc := n.rcols.resize(n.rows, d)
		n.im2col(rx.Data, rc.Data)
		Gemm(false, true, n.rows, out, d, 1, rc.Data, d, c.Weight.Value.Data, d, 1, rym.Data, out)
	}
	vb := e.dir(n.b)
	ry := n.ry.resize(y.Shape...)
	for b := 0; b < n.batch; b++ {
		src := rym.Data[b*spatial*out : (b+1)*spatial*out]
		for o := 0; o < out; o++ {
			var bias T
			if vb != nil {
				bias = vb[o]
			}
			plane := ry.Data[(b*out+o)*spatial : (b*out+o+1)*spatial]
			for p := range plane {
				plane[p] = src[p*out+o] + bias
			}
		}
	}
	return y, ry
}

// im2col writes the patch matrix of x (the layer's last input shape) into
// cols: row (b, oh, ow), column (ch, i, j), 0 in the padding.
func (n *rConv[T]) im2col(x, cols []T) {
	c := n.c
	k, s, p := c.Kernel, c.Stride, c.Padding
	h, w, ch := n.ih, n.iw, c.In
	d := ch * k * k
	for b := 0; b < n.batch; b++ {
		for oy := 0; oy < n.outH; oy++ {
			for ox := 0; ox < n.outW; ox++ {
				row := cols[((b*n.outH+oy)*n.outW+ox)*d:][:d]
				for cc := 0; cc < ch; cc++ {
					for i := 0; i < k; i++ {
						iy := oy*s - p + i
						for j := 0; j < k; j++ {
							ix := ox*s - p + j
							var v T
							if iy >= 0 && iy < h && ix >= 0 && ix < w {
								v = x[((b*ch+cc)*h+iy)*w+ix]
							}
							row[(cc*k+i)*k+j] = v
						}
					}
				}
			}
		}
	}
}

// col2im adds the adjoint of im2col of cols into dx.
func (n *rConv[T]) col2im(cols, dx []T) {
	c := n.c
	k, s, p := c.Kernel, c.Stride, c.Padding
	h, w, ch := n.ih, n.iw, c.In
	d := ch * k * k
	for b := 0; b < n.batch; b++ {
		for oy := 0; oy < n.outH; oy++ {
			for ox := 0; ox < n.outW; ox++ {
				row := cols[((b*n.outH+oy)*n.outW+ox)*d:][:d]
				for cc := 0; cc < ch; cc++ {
					for i := 0; i < k; i++ {
						iy := oy*s - p + i
						if iy < 0 || iy >= h {
							continue
						}
						for j := 0; j < k; j++ {
							ix := ox*s - p + j
							if ix >= 0 && ix < w {
								dx[((b*ch+cc)*h+iy)*w+ix] += row[(cc*k+i)*k+j]
							}
						}
					}
				}
			}
		}
	}
}

func (n *rConv[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	c := n.c
	dx := c.Backward(dy, needInput)
	if rdy == nil {
		return dx, nil
	}
	spatial := n.outH * n.outW
	d, out := c.In*c.Kernel*c.Kernel, c.Out
	g := c.g.Data // the rows of dy, from Backward
	rg := n.rg.resize(n.rows, out)
	for b := 0; b < n.batch; b++ {
		gb := rg.Data[b*spatial*out : (b+1)*spatial*out]
		for o := 0; o < out; o++ {
			plane := rdy.Data[(b*out+o)*spatial : (b*out+o+1)*spatial]
			for p, v := range plane {
				gb[p*out+o] = v
			}
		}
	}
	if hw := e.acc(n.w); hw != nil {
		Gemm(true, false, out, d, n.rows, 1, rg.Data, out, c.cols.Data, d, 1, hw, d)
		if n.hasRX {
			Gemm(true, false, out, d, n.rows, 1, g, out, n.rcols.Data, d, 1, hw, d)
		}
	}
	if hb := e.acc(n.b); hb != nil {
		for r := 0; r < n.rows; r++ {
			for o, v := range rg.Data[r*out : (r+1)*out] {
				hb[o] += v
			}
		}
	}
	if !needInput {
		return dx, nil
	}
	rdc := n.rdcols.resize(n.rows, d)
	Gemm(false, false, n.rows, d, out, 1, rg.Data, out, c.Weight.Value.Data, d, 0, rdc.Data, d)
	if vw := e.dir(n.w); vw != nil {
		Gemm(false, false, n.rows, d, out, 1, g, out, vw, d, 1, rdc.Data, d)
	}
	rdx := n.rdx.resize(n.batch, c.In, n.ih, n.iw)
	rdx.zero()
	n.col2im(rdc.Data, rdx.Data)
	return dx, rdx
}

// BatchNorm2d, per channel, with s = 1/sqrt(var + eps) and xh the normalised
// input: y = gamma*xh + beta.
//
// Training (batch statistics): R{xh} = s*(R{x} - mean(R{x}) - xh*mean(xh*R{x}))
// and R{s} = -s^2 * mean(xh*R{x}); dx = gamma*s*(dy - m1 - xh*m2) with
// m1 = mean(dy), m2 = mean(dy*xh), so
// R{dx} = (v_gamma*s + gamma*R{s})*(dy - m1 - xh*m2)
// + gamma*s*(R{dy} - R{m1} - R{xh}*m2 - xh*R{m2}).
// Evaluation (running statistics): R{xh} = s*R{x}, dx = gamma*s*dy.
// Both: R{y} = gamma*R{xh} + v_gamma*xh + v_beta,
// R{dgamma} = sum(R{dy}*xh + dy*R{xh}), R{dbeta} = sum(R{dy}).
type rBatchNorm[T Float] struct {
	l       *BatchNorm2d[T]
	w, b    int
	train   bool
	rs      []float64 // per channel R{s}
	rxh     Tensor[T]
	ry, rdx Tensor[T]
}

func (n *rBatchNorm[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	l := n.l
	y := l.Forward(x, mode)
	n.train = mode.Train
	b, ch, hw := x.Shape[0], l.Channels, x.Shape[2]*x.Shape[3]
	cnt := float64(b * hw)
	if cap(n.rs) < ch {
		n.rs = make([]float64, ch)
	}
	n.rs = n.rs[:ch]
	rxh := n.rxh.resize(x.Shape...)
	ry := n.ry.resize(x.Shape...)
	vg, vb := e.dir(n.w), e.dir(n.b)
	for c := 0; c < ch; c++ {
		s := l.invStd[c]
		gamma := float64(l.Weight.Value.Data[c])
		var dg, db float64
		if vg != nil {
			dg = float64(vg[c])
		}
		if vb != nil {
			db = float64(vb[c])
		}
		var mr, mxr float64
		if rx != nil && n.train {
			for i := 0; i < b; i++ {
				off := (i*ch + c) * hw
				xh := l.xhat.Data[off : off+hw]
				for j, v := range rx.Data[off : off+hw] {
					mr += float64(v)
					mxr += float64(xh[j]) * float64(v)
				}
			}
			mr /= cnt
			mxr /= cnt
		}
		n.rs[c] = -s * s * mxr
		for i := 0; i < b; i++ {
			off := (i*ch + c) * hw
			xh := l.xhat.Data[off : off+hw]
			r := rxh.Data[off : off+hw]
			out := ry.Data[off : off+hw]
			for j := range r {
				var rv float64
				if rx != nil {
					rv = float64(rx.Data[off+j])
					if n.train {
						rv = s * (rv - mr - float64(xh[j])*mxr)
					} else {
						rv *= s
					}
				}
				r[j] = T(rv)
				out[j] = T(gamma*rv + dg*float64(xh[j]) + db)
			}
		}
	}
	return y, ry
}

func (n *rBatchNorm[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	l := n.l
	dx := l.Backward(dy, needInput)
	if rdy == nil {
		return dx, nil
	}
	shape := l.x.Shape
	b, ch, hw := shape[0], l.Channels, shape[2]*shape[3]
	cnt := float64(b * hw)
	hg, hb := e.acc(n.w), e.acc(n.b)
	vg := e.dir(n.w)
	var rdx *Tensor[T]
	if needInput {
		rdx = n.rdx.resize(shape...)
	}
	for c := 0; c < ch; c++ {
		var sdy, sdyx, srdy, srdyx, sdyrx float64
		for i := 0; i < b; i++ {
			off := (i*ch + c) * hw
			xh := l.xhat.Data[off : off+hw]
			rxh := n.rxh.Data[off : off+hw]
			r := rdy.Data[off : off+hw]
			for j, g := range dy.Data[off : off+hw] {
				sdy += float64(g)
				sdyx += float64(g) * float64(xh[j])
				srdy += float64(r[j])
				srdyx += float64(r[j]) * float64(xh[j])
				sdyrx += float64(g) * float64(rxh[j])
			}
		}
		if hg != nil {
			hg[c] += T(srdyx + sdyrx)
		}
		if hb != nil {
			hb[c] += T(srdy)
		}
		if !needInput {
			continue
		}
		s := l.invStd[c]
		gamma := float64(l.Weight.Value.Data[c])
		var dg float64
		if vg != nil {
			dg = float64(vg[c])
		}
		for i := 0; i < b; i++ {
			off := (i*ch + c) * hw
			g := dy.Data[off : off+hw]
			r := rdy.Data[off : off+hw]
			out := rdx.Data[off : off+hw]
			if !n.train {
				for j := range out {
					out[j] = T(dg*s*float64(g[j]) + gamma*s*float64(r[j]))
				}
				continue
			}
			xh := l.xhat.Data[off : off+hw]
			rxh := n.rxh.Data[off : off+hw]
			m1, m2 := sdy/cnt, sdyx/cnt
			rm1, rm2 := srdy/cnt, (srdyx+sdyrx)/cnt
			a := dg*s + gamma*n.rs[c]
			bb := gamma * s
			for j := range out {
				x := float64(xh[j])
				out[j] = T(a*(float64(g[j])-m1-x*m2) + bb*(float64(r[j])-rm1-float64(rxh[j])*m2-x*rm2))
			}
		}
	}
	return dx, rdx
}

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

// Flatten reshapes; so do its R-operators.
type rFlatten[T Float] struct {
	f       *Flatten[T]
	inShape []int
	ry, rdx Tensor[T]
}

func (n *rFlatten[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	y := n.f.Forward(x, mode)
	n.inShape = append(n.inShape[:0], x.Shape...)
	if rx == nil {
		return y, nil
	}
	n.ry.Data = rx.Data
	n.ry.Shape = append(n.ry.Shape[:0], y.Shape...)
	return y, &n.ry
}

func (n *rFlatten[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx := n.f.Backward(dy, needInput)
	if rdy == nil || !needInput {
		return dx, nil
	}
	n.rdx.Data = rdy.Data
	n.rdx.Shape = append(n.rdx.Shape[:0], n.inShape...)
	return dx, &n.rdx
}

// MaxPool2d is linear where it is differentiable: R{y} picks R{x} at each
// window's maximum and R{dx} scatters R{dy} back there.
type rMaxPool[T Float] struct {
	p       *MaxPool2d[T]
	ry, rdx Tensor[T]
}

func (n *rMaxPool[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	y := n.p.Forward(x, mode)
	if rx == nil {
		return y, nil
	}
	ry := n.ry.resize(y.Shape...)
	for o, a := range n.p.arg {
		ry.Data[o] = rx.Data[a]
	}
	return y, ry
}

func (n *rMaxPool[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx := n.p.Backward(dy, needInput)
	if rdy == nil || !needInput {
		return dx, nil
	}
	rdx := n.rdx.resize(n.p.inShape...)
	rdx.zero()
	for o, g := range rdy.Data {
		rdx.Data[n.p.arg[o]] += g
	}
	return dx, rdx
}
