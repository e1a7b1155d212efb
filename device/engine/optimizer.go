package engine

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// updater is an optimizer's update on the device. Its state tensors and
// counts are registered with the engine (newState, counts) under the names
// of the host optimizer's State, which ToHost and FromHost move.
type updater[T nn.Float] interface {
	// step updates the parameters from the gradients of the pass just run.
	step() error
	// fromHost rebuilds what the state implies (AdaFisher's F).
	fromHost() error
	// diagnostics is what optim's Report().Diagnostics holds after the
	// step just taken: nil unless it refreshed AdaFisher's factors.
	diagnostics() (*optim.Diagnostics, error)
}

func newUpdater[T nn.Float](e *Engine[T], h optim.Hyper) (updater[T], error) {
	name := e.opt.Name()
	h, err := optim.WithDefaults(name, h)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	switch name {
	case "sgd":
		return newSGD(e, h)
	case "adam", "adamw":
		return newAdam(e, h, name == "adamw")
	case "adafisher", "adafisherw":
		if h.FullFactors {
			return newFullFisher(e, h, name == "adafisherw")
		}
		return newFisher(e, h, name == "adafisherw")
	case "kfac":
		return newKFAC(e, h)
	case "shampoo":
		return newShampoo(e, h)
	case "adahessian":
		return newAdaHessian(e, h)
	}
	return nil, fmt.Errorf("engine: optimizer %q is not supported on the device (sgd, adam, adamw, adafisher, adafisherw, kfac, shampoo, adahessian are)", name)
}

// sgdUpd is optim.SGD: "<param>.momentum_buffer" when momentum is not 0,
// and the step count "step".
type sgdUpd[T nn.Float] struct {
	e    *Engine[T]
	h    optim.Hyper
	bufs []device.Buffer
	n    int64
}

func newSGD[T nn.Float](e *Engine[T], h optim.Hyper) (*sgdUpd[T], error) {
	u := &sgdUpd[T]{e: e, h: h}
	if h.Momentum != 0 {
		for _, p := range e.params {
			b, err := e.newState(p.name+".momentum_buffer", p.n)
			if err != nil {
				return nil, err
			}
			u.bufs = append(u.bufs, b)
		}
	}
	e.counts["step"] = &u.n
	return u, nil
}

func (u *sgdUpd[T]) fromHost() error                          { return nil }
func (u *sgdUpd[T]) diagnostics() (*optim.Diagnostics, error) { return nil, nil }

func (u *sgdUpd[T]) step() error {
	c := device.SGDCoef{LR: u.e.opt.LR(), Momentum: u.h.Momentum, Dampening: u.h.Dampening,
		WeightDecay: u.h.WeightDecay, Nesterov: u.h.Nesterov, First: u.n == 0}
	for i, p := range u.e.params {
		var buf device.Buffer
		if u.bufs != nil {
			buf = u.bufs[i]
		}
		u.e.dev.SGD(p.val, p.grad, buf, p.n, c)
	}
	u.n++
	return nil
}

// adamUpd is optim.Adam and AdamW: "<param>.exp_avg", "<param>.exp_avg_sq"
// and the per-parameter step counts "<param>.step".
type adamUpd[T nn.Float] struct {
	e         *Engine[T]
	h         optim.Hyper
	decoupled bool
	m, v      []device.Buffer
	steps     []int64
}

func newAdam[T nn.Float](e *Engine[T], h optim.Hyper, decoupled bool) (*adamUpd[T], error) {
	u := &adamUpd[T]{e: e, h: h, decoupled: decoupled, steps: make([]int64, len(e.params))}
	for i, p := range e.params {
		m, err := e.newState(p.name+".exp_avg", p.n)
		if err != nil {
			return nil, err
		}
		v, err := e.newState(p.name+".exp_avg_sq", p.n)
		if err != nil {
			return nil, err
		}
		u.m, u.v = append(u.m, m), append(u.v, v)
		e.counts[p.name+".step"] = &u.steps[i]
	}
	return u, nil
}

func (u *adamUpd[T]) fromHost() error                          { return nil }
func (u *adamUpd[T]) diagnostics() (*optim.Diagnostics, error) { return nil, nil }

func (u *adamUpd[T]) step() error {
	lr := u.e.opt.LR()
	for i, p := range u.e.params {
		u.steps[i]++
		c := device.NewAdamCoef(lr, u.h.Beta1, u.h.Beta2, u.h.Eps, u.h.WeightDecay, u.decoupled, u.steps[i])
		u.e.dev.Adam(p.val, p.grad, u.m[i], u.v[i], p.n, c)
	}
	return nil
}
