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
