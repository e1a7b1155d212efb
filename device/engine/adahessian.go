package engine

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// adaHessianUpd is optim.AdaHessian with the forward and backward pass and
// the update on the device and the Hessian-vector product on the host: the
// device has no R-operator yet. Each step downloads the parameters into the
// host model, which computes H z for the host optimizer's Rademacher probe
// of the step (optim.AdaHessian.Probe: the run's seed and the step) with
// nn.HVP on the same batch in training mode, exactly as train.Stepper does;
// the estimate |z * Hz| (spatially averaged for a conv kernel) is uploaded
// and the update runs on the device. State: "<param>.exp_avg",
// "<param>.exp_hessian_diag_sq" and "steps".
type adaHessianUpd[T nn.Float] struct {
	e     *Engine[T]
	h     optim.Hyper
	host  *optim.AdaHessian[T]
	hvp   *nn.HVP[T]
	m, v  []device.Buffer
	d     device.Buffer // the estimate of one parameter
	z, hz []*nn.Tensor[T]
	steps int64
}

func newAdaHessian[T nn.Float](e *Engine[T], h optim.Hyper) (*adaHessianUpd[T], error) {
	host, ok := e.opt.(*optim.AdaHessian[T])
	if !ok {
		return nil, fmt.Errorf("engine: optimizer %q is a %T, want *optim.AdaHessian", e.opt.Name(), e.opt)
	}
	u := &adaHessianUpd[T]{e: e, h: h, host: host, hvp: nn.NewHVP(e.model)}
	n := 1
	for i, p := range e.params {
		m, err := e.newState(p.name+".exp_avg", p.n)
		if err != nil {
			return nil, err
		}
		v, err := e.newState(p.name+".exp_hessian_diag_sq", p.n)
		if err != nil {
			return nil, err
		}
		u.m, u.v = append(u.m, m), append(u.v, v)
		shape := e.host[i].Value.Shape
		u.z, u.hz = append(u.z, nn.NewTensor[T](shape...)), append(u.hz, nn.NewTensor[T](shape...))
		n = max(n, p.n)
	}
	var err error
	if u.d, err = e.newScratch(n); err != nil {
		return nil, err
	}
	e.counts["steps"] = &u.steps
	return u, nil
}

func (u *adaHessianUpd[T]) fromHost() error                          { return nil }
func (u *adaHessianUpd[T]) diagnostics() (*optim.Diagnostics, error) { return nil, nil }

func (u *adaHessianUpd[T]) step() error {
	e, d := u.e, u.e.dev
	if e.batchIn == nil {
		return fmt.Errorf("engine: adahessian step %d without its batch", u.steps)
	}
	for i, p := range e.params {
		if err := device.Read(d, e.host[i].Value.Data, p.val, 0); err != nil {
			return err
		}
	}
	if err := d.Sync(); err != nil {
		return err
	}
	u.host.Probe(u.steps, u.z)
	if _, err := u.hvp.Hessian(e.batchIn, e.batchLabels, nn.Mode{Train: true}, u.z, u.hz); err != nil {
		return fmt.Errorf("engine: adahessian: %w", err)
	}
	u.steps++
	c := device.NewAdaHessianCoef(e.opt.LR(), u.h.Beta1, u.h.Beta2, u.h.Eps, u.h.WeightDecay, u.h.HessianPower, u.steps)
	for i, p := range e.params {
		est := u.hz[i]
		diagEstimate(est)
		if err := device.Write(d, u.d, 0, est.Data); err != nil {
			return err
		}
		d.AdaHessianStep(p.val, p.grad, u.m[i], u.v[i], u.d, p.n, c)
	}
	return d.Err()
}

// diagEstimate replaces Hz by optim.AdaHessian's Hessian-diagonal estimate:
// |Hz| (z is +-1), for a 4-D conv kernel the mean over its spatial
// dimensions, broadcast back.
func diagEstimate[T nn.Float](hz *nn.Tensor[T]) {
	d := hz.Data
	for j, v := range d {
		d[j] = T(math.Abs(float64(v)))
	}
	if sh := hz.Shape; len(sh) == 4 {
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
}
