package optim

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/nn"
)

// Adam is torch.optim.Adam (L2 weight decay added to the gradient) or, when
// decoupled, torch.optim.AdamW (parameters shrunk by 1 - lr*wd before the
// update), as PyTorch 1.13 computes them on the CPU (foreach=False,
// amsgrad=False, maximize=False), element by element:
//
//	t = t + 1
//	g = g + wd*p                         (Adam, when wd != 0)
//	p = p * (1 - lr*wd)                  (AdamW)
//	m = beta1*m + (1-beta1)*g
//	v = beta2*v + (1-beta2)*g*g
//	p = p + (-lr/(1-beta1^t)) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)
//
// with torch's rounding: each "x + a*y" (and v's update, x + ((1-beta2)*g)*g)
// is one fused multiply-add, beta*m is rounded before it is added, and the
// scalar factors are computed in float64 (beta^t correctly rounded, as C's
// pow does) and rounded to T.
//
// State holds "<param>.exp_avg", "<param>.exp_avg_sq" and the scalar
// "<param>.step" for every parameter, as torch keeps them (zeros before the
// first step), and "lr".
type Adam[T nn.Float] struct {
	params                  []*nn.Param[T]
	lr, beta1, beta2, eps   float64
	weightDecay             float64
	decoupled               bool
	expAvg, expAvgSq        []*nn.Tensor[T]
	steps                   []int64
	avgKeys, sqKeys, stKeys []string
	spec                    stateSpec

	// Bias corrections for step cacheT: 1 - beta1^t and sqrt(1 - beta2^t).
	cacheT     int64
	bc1, bc2sq float64
}

var _ Optimizer[float32] = (*Adam[float32])(nil)

// NewAdam builds Adam (decoupled false) or AdamW (decoupled true) for the
// parameters, reading LR, Beta1, Beta2, Eps and WeightDecay from h. It rejects
// what torch.optim.Adam rejects (a negative learning rate, eps or weight
// decay; a beta outside [0, 1)) and non-finite values.
func NewAdam[T nn.Float](params []*nn.Param[T], h Hyper, decoupled bool) (*Adam[T], error) {
	name := "adam"
	if decoupled {
		name = "adamw"
	}
	switch {
	case !validHyper(h.LR):
		return nil, fmt.Errorf("%s: invalid learning rate %g", name, h.LR)
	case !validHyper(h.Eps):
		return nil, fmt.Errorf("%s: invalid epsilon %g", name, h.Eps)
	case !(h.Beta1 >= 0 && h.Beta1 < 1):
		return nil, fmt.Errorf("%s: invalid beta1 %g, want 0 <= beta1 < 1", name, h.Beta1)
	case !(h.Beta2 >= 0 && h.Beta2 < 1):
		return nil, fmt.Errorf("%s: invalid beta2 %g, want 0 <= beta2 < 1", name, h.Beta2)
	case !validHyper(h.WeightDecay):
		return nil, fmt.Errorf("%s: invalid weight decay %g", name, h.WeightDecay)
	}
	if err := checkParams(name, params); err != nil {
		return nil, err
	}
	n := len(params)
	o := &Adam[T]{
		params:      append([]*nn.Param[T](nil), params...),
		lr:          h.LR,
		beta1:       h.Beta1,
		beta2:       h.Beta2,
		eps:         h.Eps,
		weightDecay: h.WeightDecay,
		decoupled:   decoupled,
		expAvg:      make([]*nn.Tensor[T], n),
		expAvgSq:    make([]*nn.Tensor[T], n),
		steps:       make([]int64, n),
		avgKeys:     make([]string, n),
		sqKeys:      make([]string, n),
		stKeys:      make([]string, n),
		cacheT:      -1,
	}
	for i, p := range params {
		o.expAvg[i] = nn.NewTensor[T](p.Value.Shape...)
		o.expAvgSq[i] = nn.NewTensor[T](p.Value.Shape...)
		o.avgKeys[i] = p.Name + ".exp_avg"
		o.sqKeys[i] = p.Name + ".exp_avg_sq"
		o.stKeys[i] = p.Name + ".step"
		o.spec.tensors = append(o.spec.tensors,
			tensorSpec{o.avgKeys[i], o.expAvg[i].Shape}, tensorSpec{o.sqKeys[i], o.expAvgSq[i].Shape})
	}
	o.spec.scalars = o.stKeys
	o.spec.optional = []string{"lr"}
	return o, nil
}

// Name is "adam" or "adamw".
func (o *Adam[T]) Name() string {
	if o.decoupled {
		return "adamw"
	}
	return "adam"
}

// Needs is nothing: Adam reads the gradients only.
func (o *Adam[T]) Needs() Needs { return Needs{} }

// Report is empty.
func (o *Adam[T]) Report() Report[T] { return Report[T]{} }

// LR returns the learning rate.
func (o *Adam[T]) LR() float64 { return o.lr }

// SetLR sets the learning rate used from the next Step on.
func (o *Adam[T]) SetLR(lr float64) { o.lr = lr }

// Step updates every parameter from its gradient. It reads nothing else and
// allocates nothing.
func (o *Adam[T]) Step(StepInput[T]) error {
	for i, p := range o.params {
		n := len(o.expAvg[i].Data)
		if err := checkStepSizes(o.Name(), p, n); err != nil {
			return err
		}
	}
	k := adamCoef{beta1: o.beta1, beta2: o.beta2, eps: o.eps}
	if o.weightDecay != 0 {
		if o.decoupled {
			k.decay, k.hasDecay = 1-o.lr*o.weightDecay, true
		} else {
			k.weightDecay = o.weightDecay
		}
	}
	for i, p := range o.params {
		o.steps[i]++
		if t := o.steps[i]; t != o.cacheT {
			o.bc1 = 1 - powInt(o.beta1, t)
			o.bc2sq = math.Sqrt(1 - powInt(o.beta2, t))
			o.cacheT = t
		}
		k.negStep = -(o.lr / o.bc1)
		k.bc2sq = o.bc2sq
		if is32[T]() {
			adam32(as32(p.Value.Data), as32(p.Grad.Data), as32(o.expAvg[i].Data), as32(o.expAvgSq[i].Data), &k)
		} else {
			adam64(as64(p.Value.Data), as64(p.Grad.Data), as64(o.expAvg[i].Data), as64(o.expAvgSq[i].Data), &k)
		}
	}
	return nil
}

// adamCoef holds one step's scalars in float64: weightDecay is Adam's L2
// coefficient (0 for none) and decay AdamW's factor 1 - lr*wd.
type adamCoef struct {
	beta1, beta2, eps, weightDecay float64
	decay                          float64
	hasDecay                       bool
	negStep, bc2sq                 float64
}

// adam32Coef is adamCoef rounded to float32, as torch's kernels read it.
type adam32Coef struct {
	b1, omb1, b2, omb2, eps, bc2sq, ns, wd, decay float32
	hasWD, hasDecay                               bool
}

// adam32 is one step on one parameter. adam32Fast does the elements whose
// every fused multiply-add fma32q rounds exactly and stops before any other,
// which adam32Elem does with fma32: the fast loop makes no calls, so it keeps
// everything in registers.
func adam32(p, g, m, v []float32, k *adamCoef) {
	c := adam32Coef{
		b1: float32(k.beta1), omb1: float32(1 - k.beta1), b2: float32(k.beta2), omb2: float32(1 - k.beta2),
		eps: float32(k.eps), bc2sq: float32(k.bc2sq), ns: float32(k.negStep),
		wd: float32(k.weightDecay), hasWD: k.weightDecay != 0,
		decay: float32(k.decay), hasDecay: k.hasDecay && float32(k.decay) != 1,
	}
	for i := 0; i < len(p); i++ {
		i = adam32Fast(p, g, m, v, i, &c)
		if i < len(p) {
			adam32Elem(p, g, m, v, i, &c)
		}
	}
}

func adam32Fast(p, g, m, v []float32, i int, c *adam32Coef) int {
	n := len(p)
	g, m, v = g[:n], m[:n], v[:n]
	b1, omb1, b2, omb2 := c.b1, c.omb1, c.b2, c.omb2
	eps, bc2sq, ns := c.eps, c.bc2sq, c.ns
	wd, hasWD, decay, hasDecay := c.wd, c.hasWD, c.decay, c.hasDecay
	for ; i < n; i++ {
		pi, gi := p[i], g[i]
		ok := true
		if hasWD {
			gi, ok = fma32q(wd, pi, gi)
		}
		if hasDecay {
			pi = float32(pi * decay)
		}
		mi, ok1 := fma32q(omb1, gi, float32(m[i]*b1))
		vi, ok2 := fma32q(float32(omb2*gi), gi, float32(v[i]*b2))
		if !(ok && ok1 && ok2) {
			return i
		}
		m[i], v[i] = mi, vi
		d := sqrt32(vi)/bc2sq + eps
		p[i] = pi + float32(ns*mi)/d
	}
	return n
}

// adam32Elem is adam32Fast's element i with the exact fma32.
func adam32Elem(p, g, m, v []float32, i int, c *adam32Coef) {
	pi, gi := p[i], g[i]
	if c.hasWD {
		gi = fma32(c.wd, pi, gi)
	}
	if c.hasDecay {
		pi = float32(pi * c.decay)
	}
	mi := fma32(c.omb1, gi, float32(m[i]*c.b1))
	vi := fma32(float32(c.omb2*gi), gi, float32(v[i]*c.b2))
	m[i], v[i] = mi, vi
	d := sqrt32(vi)/c.bc2sq + c.eps
	p[i] = pi + float32(c.ns*mi)/d
}

// adam64 is adam32 in float64.
func adam64(p, g, m, v []float64, k *adamCoef) {
	n := len(p)
	g, m, v = g[:n], m[:n], v[:n]
	b1, omb1 := k.beta1, 1-k.beta1
	b2, omb2 := k.beta2, 1-k.beta2
	eps, bc2sq, ns := k.eps, k.bc2sq, k.negStep
	wd, hasWD := k.weightDecay, k.weightDecay != 0
	decay, hasDecay := k.decay, k.hasDecay && k.decay != 1
	for i := range p {
		pi, gi := p[i], g[i]
		if hasWD {
			gi = fma64(wd, pi, gi)
		}
		if hasDecay {
			pi = float64(pi * decay)
		}
		mi := fma64(omb1, gi, float64(m[i]*b1))
		vi := fma64(float64(omb2*gi), gi, float64(v[i]*b2))
		m[i], v[i] = mi, vi
		d := math.Sqrt(vi)/bc2sq + eps
		p[i] = pi + float64(ns*mi)/d
	}
}

// State returns copies of the moment estimates and the step counts.
func (o *Adam[T]) State() State[T] {
	s := State[T]{
		Tensors: make(map[string]*nn.Tensor[T], 2*len(o.params)),
		Scalars: make(map[string]float64, len(o.params)+1),
	}
	cloneTensors(s.Tensors, o.avgKeys, o.expAvg)
	cloneTensors(s.Tensors, o.sqKeys, o.expAvgSq)
	for i, k := range o.stKeys {
		s.Scalars[k] = float64(o.steps[i])
	}
	s.Scalars["lr"] = o.lr
	return s
}

// LoadState restores a State saved by an Adam or AdamW with the same
// parameters (and the learning rate, when s has one). It checks everything
// before changing anything: a missing, mis-shaped or unexpected entry is an
// error that names it.
func (o *Adam[T]) LoadState(s State[T]) error {
	if err := checkState(o.Name(), &o.spec, s); err != nil {
		return err
	}
	for i := range o.params {
		copy(o.expAvg[i].Data, s.Tensors[o.avgKeys[i]].Data)
		copy(o.expAvgSq[i].Data, s.Tensors[o.sqKeys[i]].Data)
		o.steps[i] = int64(s.Scalars[o.stKeys[i]])
	}
	if lr, ok := s.Scalars["lr"]; ok {
		o.lr = lr
	}
	return nil
}
