package optim

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/adafisher-go/landscape/nn"
)

// AdaHessian is the optimizer of Yao, Gholami, Shen, Mustafa, Keutzer and
// Mahoney (AAAI 2021), as the official AdaFisher repository runs it
// (reference section 8.1): Adam with the squared gradient replaced by the
// square of a Hutchinson estimate of the Hessian diagonal.
//
//	every step, on the step's batch:
//	    z = a Rademacher vector (+-1 entries), drawn from the run's seed and
//	        the step number, so that a resumed run draws the same ones
//	    Hz = the Hessian of the batch loss times z (nn.HVP, exact)
//	    D = |z * Hz| = |Hz| for parameters of at most 2 dimensions; for a
//	        4-D conv kernel its mean over the kernel's two spatial dimensions,
//	        broadcast back
//	    m = beta1*m + (1-beta1)*g
//	    v = beta2*v + (1-beta2)*D^2
//	    denom = (sqrt(v) / sqrt(1-beta2^t))^k + eps     (k the Hessian power)
//	    p = p - lr*(m/(1-beta1^t)/denom + wd*p)          (decoupled decay)
//
// It asks for Hessian-vector products every step (Needs.HVP): the training
// loop's StepInput.HVP reruns the step's forward and backward pass (in
// training mode, so through BatchNorm's batch statistics) with the
// R-operator.
type AdaHessian[T nn.Float] struct {
	cfg    AdaHessianConfig
	lr     float64
	params []*nn.Param[T]
	m, v   []*nn.Tensor[T]
	z, hz  []*nn.Tensor[T]
	steps  int64
	spec   stateSpec
}

// AdaHessianConfig holds AdaHessian's settings.
type AdaHessianConfig struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
	HessianPower                       float64 // k in (0, 1]
	Seed                               uint64  // the run's seed: the probes derive from it
}

// NewAdaHessian builds AdaHessian for a model.
func NewAdaHessian[T nn.Float](m *nn.Model[T], cfg AdaHessianConfig) (*AdaHessian[T], error) {
	switch {
	case !validHyper(cfg.LR):
		return nil, fmt.Errorf("adahessian: invalid learning rate %g", cfg.LR)
	case !(cfg.Beta1 >= 0 && cfg.Beta1 < 1) || !(cfg.Beta2 >= 0 && cfg.Beta2 < 1):
		return nil, fmt.Errorf("adahessian: invalid betas %g, %g, want [0, 1)", cfg.Beta1, cfg.Beta2)
	case !validHyper(cfg.Eps):
		return nil, fmt.Errorf("adahessian: invalid eps %g", cfg.Eps)
	case !validHyper(cfg.WeightDecay):
		return nil, fmt.Errorf("adahessian: invalid weight decay %g", cfg.WeightDecay)
	case !(cfg.HessianPower > 0 && cfg.HessianPower <= 1):
		return nil, fmt.Errorf("adahessian: invalid Hessian power %g, want (0, 1]", cfg.HessianPower)
	}
	params := m.Params()
	if err := checkParams("adahessian", params); err != nil {
		return nil, err
	}
	o := &AdaHessian[T]{cfg: cfg, lr: cfg.LR, params: params}
	for _, p := range params {
		for _, s := range []*[]*nn.Tensor[T]{&o.m, &o.v, &o.z, &o.hz} {
			*s = append(*s, nn.NewTensor[T](p.Value.Shape...))
		}
		o.spec.tensors = append(o.spec.tensors, tensorSpec{p.Name + ".exp_avg", p.Value.Shape}, tensorSpec{p.Name + ".exp_hessian_diag_sq", p.Value.Shape})
	}
	o.spec.scalars = []string{"steps"}
	o.spec.optional = []string{"lr"}
	return o, nil
}

// Name is "adahessian".
func (o *AdaHessian[T]) Name() string { return "adahessian" }

// Needs is a Hessian-vector product every step.
func (o *AdaHessian[T]) Needs() Needs { return Needs{HVP: true} }

// Report is empty.
func (o *AdaHessian[T]) Report() Report[T] { return Report[T]{} }

func (o *AdaHessian[T]) LR() float64      { return o.lr }
func (o *AdaHessian[T]) SetLR(lr float64) { o.lr = lr }

// Probe fills z with the Rademacher vector of step t (0-based): +-1 entries
// from a generator seeded by the run's seed and t.
func (o *AdaHessian[T]) Probe(t int64, z []*nn.Tensor[T]) {
	rng := rand.New(rand.NewPCG(o.cfg.Seed, 0xada4e55140000000^uint64(t)))
	var bits uint64
	left := 0
	for _, zt := range z {
		for i := range zt.Data {
			if left == 0 {
				bits, left = rng.Uint64(), 64
			}
			zt.Data[i] = T(1 - 2*float64(bits&1))
			bits >>= 1
			left--
		}
	}
}

// Step estimates the Hessian diagonal with the step's Hessian-vector product
// and updates every parameter.
func (o *AdaHessian[T]) Step(in StepInput[T]) error {
	for i, p := range o.params {
		if err := checkStepSizes("adahessian", p, len(o.m[i].Data)); err != nil {
			return err
		}
	}
	if in.HVP == nil {
		return fmt.Errorf("adahessian: step %d has no Hessian-vector product (StepInput.HVP; Needs asks for it)", o.steps)
	}
	o.Probe(o.steps, o.z)
	if err := in.HVP(o.z, o.hz); err != nil {
		return fmt.Errorf("adahessian: %w", err)
	}
	o.steps++
	b1, b2, k := o.cfg.Beta1, o.cfg.Beta2, o.cfg.HessianPower
	bc1 := 1 - powInt(b1, o.steps)
	sbc2 := math.Sqrt(1 - powInt(b2, o.steps))
	lr, wd, eps := o.lr, o.cfg.WeightDecay, o.cfg.Eps
	for i, p := range o.params {
		d := o.hz[i].Data
		for j, v := range d {
			d[j] = T(math.Abs(float64(v)))
		}
		if sh := p.Value.Shape; len(sh) == 4 {
			// The mean over the kernel's spatial dimensions.
			s := sh[2] * sh[3]
			for lo := 0; lo < len(d); lo += s {
				var sum float64
				for _, v := range d[lo : lo+s] {
					sum += float64(v)
				}
				mean := T(sum / float64(s))
				for j := lo; j < lo+s; j++ {
					d[j] = mean
				}
			}
		}
		pv, g, m, v := p.Value.Data, p.Grad.Data, o.m[i].Data, o.v[i].Data
		for j := range pv {
			mj := b1*float64(m[j]) + (1-b1)*float64(g[j])
			dj := float64(d[j])
			vj := b2*float64(v[j]) + (1-b2)*dj*dj
			m[j], v[j] = T(mj), T(vj)
			var denom float64
			if k == 1 {
				denom = math.Sqrt(float64(v[j]))/sbc2 + eps
			} else {
				denom = math.Pow(math.Sqrt(float64(v[j])), k)/math.Pow(sbc2, k) + eps
			}
			x := float64(pv[j])
			pv[j] = T(x - lr*(float64(m[j])/bc1/denom+wd*x))
		}
	}
	return nil
}

// State holds "<param>.exp_avg" and "<param>.exp_hessian_diag_sq" per
// parameter and the scalars "steps" and "lr".
func (o *AdaHessian[T]) State() State[T] {
	st := State[T]{Tensors: map[string]*nn.Tensor[T]{}, Scalars: map[string]float64{"steps": float64(o.steps), "lr": o.lr}}
	for i, p := range o.params {
		st.Tensors[p.Name+".exp_avg"] = o.m[i].Clone()
		st.Tensors[p.Name+".exp_hessian_diag_sq"] = o.v[i].Clone()
	}
	return st
}

// LoadState restores a state saved by State; it checks everything before
// changing anything.
func (o *AdaHessian[T]) LoadState(st State[T]) error {
	if err := checkState("adahessian", &o.spec, st); err != nil {
		return err
	}
	for i, p := range o.params {
		copy(o.m[i].Data, st.Tensors[p.Name+".exp_avg"].Data)
		copy(o.v[i].Data, st.Tensors[p.Name+".exp_hessian_diag_sq"].Data)
	}
	o.steps = int64(st.Scalars["steps"])
	if lr, ok := st.Scalars["lr"]; ok {
		o.lr = lr
	}
	return nil
}
