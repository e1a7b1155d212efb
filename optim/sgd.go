package optim

import (
	"errors"
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/nn"
)

// SGD is stochastic gradient descent with optional momentum, dampening,
// Nesterov momentum and L2 weight decay, exactly as torch.optim.SGD in
// PyTorch 1.13 (foreach=False, maximize=False), element by element:
//
//	g = g + wd*p                        (when wd != 0)
//	buf = g                             (first step: a copy, no dampening)
//	buf = momentum*buf + (1-dampening)*g (later steps; when momentum != 0)
//	g = g + momentum*buf  (Nesterov)  or  g = buf
//	p = p - lr*g
//
// with torch's rounding: each "x + a*y" is one fused multiply-add, and
// momentum*buf is rounded before it is added.
//
// State holds "<param>.momentum_buffer" for every parameter when momentum is
// not 0 (zeros before the first step), the scalar "step" (steps taken: the
// buffers are initialised by the first one, as torch's are when they are
// None) and "lr".
type SGD[T nn.Float] struct {
	params                               []*nn.Param[T]
	lr, momentum, dampening, weightDecay float64
	nesterov                             bool
	bufs                                 []*nn.Tensor[T] // nil when momentum is 0
	bufKeys                              []string
	step                                 int64
	spec                                 stateSpec
}

var _ Optimizer[float32] = (*SGD[float32])(nil)

// NewSGD builds SGD for the parameters, reading LR, Momentum, Dampening,
// Nesterov and WeightDecay from h. It rejects what torch.optim.SGD rejects
// (a negative learning rate, momentum or weight decay; Nesterov without
// momentum or with dampening) and non-finite values.
func NewSGD[T nn.Float](params []*nn.Param[T], h Hyper) (*SGD[T], error) {
	switch {
	case !validHyper(h.LR):
		return nil, fmt.Errorf("sgd: invalid learning rate %g", h.LR)
	case !validHyper(h.Momentum):
		return nil, fmt.Errorf("sgd: invalid momentum %g", h.Momentum)
	case math.IsNaN(h.Dampening) || math.IsInf(h.Dampening, 0):
		return nil, fmt.Errorf("sgd: invalid dampening %g", h.Dampening)
	case !validHyper(h.WeightDecay):
		return nil, fmt.Errorf("sgd: invalid weight decay %g", h.WeightDecay)
	case h.Nesterov && (h.Momentum <= 0 || h.Dampening != 0):
		return nil, errors.New("sgd: Nesterov momentum requires a momentum and zero dampening")
	}
	if err := checkParams("sgd", params); err != nil {
		return nil, err
	}
	o := &SGD[T]{
		params:      append([]*nn.Param[T](nil), params...),
		lr:          h.LR,
		momentum:    h.Momentum,
		dampening:   h.Dampening,
		weightDecay: h.WeightDecay,
		nesterov:    h.Nesterov,
	}
	if o.momentum != 0 {
		o.bufs = make([]*nn.Tensor[T], len(params))
		o.bufKeys = make([]string, len(params))
		for i, p := range params {
			o.bufs[i] = nn.NewTensor[T](p.Value.Shape...)
			o.bufKeys[i] = p.Name + ".momentum_buffer"
			o.spec.tensors = append(o.spec.tensors, tensorSpec{o.bufKeys[i], o.bufs[i].Shape})
		}
	}
	o.spec.scalars = []string{"step"}
	o.spec.optional = []string{"lr"}
	return o, nil
}

// Name is "sgd".
func (o *SGD[T]) Name() string { return "sgd" }

// Needs is nothing: SGD reads the gradients only.
func (o *SGD[T]) Needs() Needs { return Needs{} }

// Report is empty.
func (o *SGD[T]) Report() Report[T] { return Report[T]{} }

// LR returns the learning rate.
func (o *SGD[T]) LR() float64 { return o.lr }

// SetLR sets the learning rate used from the next Step on.
func (o *SGD[T]) SetLR(lr float64) { o.lr = lr }

// Step updates every parameter from its gradient. It reads nothing else and
// allocates nothing.
func (o *SGD[T]) Step(StepInput[T]) error {
	k := sgdCoef{
		lr: o.lr, momentum: o.momentum, dampening: o.dampening, weightDecay: o.weightDecay,
		nesterov: o.nesterov, first: o.step == 0,
	}
	for i, p := range o.params {
		n := len(p.Value.Data)
		var buf []T
		if o.bufs != nil {
			buf = o.bufs[i].Data
			n = len(buf)
		}
		if err := checkStepSizes("sgd", p, n); err != nil {
			return err
		}
		if is32[T]() {
			sgd32(as32(p.Value.Data), as32(p.Grad.Data), as32(buf), &k)
		} else {
			sgd64(as64(p.Value.Data), as64(p.Grad.Data), as64(buf), &k)
		}
	}
	o.step++
	return nil
}

type sgdCoef struct {
	lr, momentum, dampening, weightDecay float64
	nesterov, first                      bool
}

// sgd32Coef is sgdCoef rounded to float32, as torch's kernels read it.
type sgd32Coef struct {
	nlr, wd, mom, damp             float32
	hasWD, hasMom, first, nesterov bool
}

// sgd32 is one step on one parameter; buf is nil without momentum.
// sgd32Fast does the elements whose every fused multiply-add fma32q rounds
// exactly and stops before any other, which sgd32Elem does with fma32: the
// fast loop makes no calls, so it keeps everything in registers.
func sgd32(p, g, buf []float32, k *sgdCoef) {
	c := sgd32Coef{
		nlr: float32(-k.lr), wd: float32(k.weightDecay), mom: float32(k.momentum), damp: float32(1 - k.dampening),
		hasWD: k.weightDecay != 0, hasMom: buf != nil, first: k.first, nesterov: k.nesterov,
	}
	g = g[:len(p)]
	if buf == nil {
		buf = p // unused; keeps the fast loop free of bounds checks
	}
	buf = buf[:len(p)]
	for i := 0; i < len(p); i++ {
		i = sgd32Fast(p, g, buf, i, &c)
		if i < len(p) {
			sgd32Elem(p, g, buf, i, &c)
		}
	}
}

func sgd32Fast(p, g, buf []float32, i int, c *sgd32Coef) int {
	n := len(p)
	g, buf = g[:n], buf[:n]
	nlr, wd, mom, damp := c.nlr, c.wd, c.mom, c.damp
	hasWD, hasMom, first, nesterov := c.hasWD, c.hasMom, c.first, c.nesterov
	undamped := damp == 1
	for ; i < n; i++ {
		pi, d := p[i], g[i]
		ok := true
		if hasWD {
			var ok1 bool
			d, ok1 = fma32q(wd, pi, d)
			ok = ok && ok1
		}
		var b float32
		if hasMom {
			b = d
			if !first {
				bm := float32(buf[i] * mom)
				if undamped {
					// 1*d + bm rounds once: a float32 sum is exact in
					// float64, so fma32q's test would only cost time.
					b = d + bm
				} else {
					var ok2 bool
					b, ok2 = fma32q(damp, d, bm)
					ok = ok && ok2
				}
			}
			if nesterov {
				var ok3 bool
				d, ok3 = fma32q(mom, b, d)
				ok = ok && ok3
			} else {
				d = b
			}
		}
		r, ok4 := fma32q(nlr, d, pi)
		if !(ok && ok4) {
			return i
		}
		if hasMom {
			buf[i] = b
		}
		p[i] = r
	}
	return n
}

// sgd32Elem is sgd32Fast's element i with the exact fma32.
func sgd32Elem(p, g, buf []float32, i int, c *sgd32Coef) {
	pi, d := p[i], g[i]
	if c.hasWD {
		d = fma32(c.wd, pi, d)
	}
	if c.hasMom {
		b := d
		if !c.first {
			b = fma32(c.damp, d, float32(buf[i]*c.mom))
		}
		buf[i] = b
		if c.nesterov {
			d = fma32(c.mom, b, d)
		} else {
			d = b
		}
	}
	p[i] = fma32(c.nlr, d, pi)
}

// sgd64 is sgd32 in float64.
func sgd64(p, g, buf []float64, k *sgdCoef) {
	g = g[:len(p)]
	nlr := -k.lr
	wd := k.weightDecay
	hasWD := wd != 0
	if buf == nil {
		for i := range p {
			d := g[i]
			if hasWD {
				d = fma64(wd, p[i], d)
			}
			p[i] = fma64(nlr, d, p[i])
		}
		return
	}
	buf = buf[:len(p)]
	mom := k.momentum
	damp := 1 - k.dampening
	first, nesterov := k.first, k.nesterov
	for i := range p {
		d := g[i]
		if hasWD {
			d = fma64(wd, p[i], d)
		}
		b := d
		if !first {
			b = fma64(damp, d, float64(buf[i]*mom))
		}
		buf[i] = b
		if nesterov {
			d = fma64(mom, b, d)
		} else {
			d = b
		}
		p[i] = fma64(nlr, d, p[i])
	}
}

// State returns copies of the momentum buffers and the step count.
func (o *SGD[T]) State() State[T] {
	s := State[T]{
		Tensors: make(map[string]*nn.Tensor[T], len(o.bufs)),
		Scalars: map[string]float64{"step": float64(o.step), "lr": o.lr},
	}
	cloneTensors(s.Tensors, o.bufKeys, o.bufs)
	return s
}

// LoadState restores a State saved by an SGD with the same parameters and
// momentum setting (and the learning rate, when s has one). It checks
// everything before changing anything: a missing, mis-shaped or unexpected
// entry is an error that names it.
func (o *SGD[T]) LoadState(s State[T]) error {
	if err := checkState("sgd", &o.spec, s); err != nil {
		return err
	}
	for i, key := range o.bufKeys {
		copy(o.bufs[i].Data, s.Tensors[key].Data)
	}
	o.step = int64(s.Scalars["step"])
	if lr, ok := s.Scalars["lr"]; ok {
		o.lr = lr
	}
	return nil
}
