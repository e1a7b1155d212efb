package engine

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// fisherUpd is optim.AdaFisher and AdaFisherW (Gomes et al., ICLR 2025,
// Algorithm 1) on the device: the factor diagonals of every layer with
// factors are refreshed from that layer's capture every TCov optimizer
// steps, from the first (optim's "steps" counter modulo TCov), then every
// parameter takes the preconditioned step with its layer's F (F = 1 for
// parameters of layers without factors). State: "<param>.exp_avg",
// "<param>.step", "steps", "<layer>.H_D", "<layer>.S_D" and in paper mode
// "<layer>.H_avg", "<layer>.S_avg".
type fisherUpd[T nn.Float] struct {
	e         *Engine[T]
	h         optim.Hyper
	decoupled bool
	paper     bool
	m         []device.Buffer
	f         []device.Buffer // F of each parameter, nil for F = 1
	pstep     []int64
	steps     int64
	layers    []*fisherLayer
}

// fisherLayer is one layer's factors; the op provides its capture.
type fisherLayer struct {
	op                 *linearOp
	h, s, hAvg, sAvg   device.Buffer
	hRaw, sRaw, fW, fB device.Buffer
	hn, sn             int
}

func newFisher[T nn.Float](e *Engine[T], h optim.Hyper, decoupled bool) (*fisherUpd[T], error) {
	if h.FullFactors {
		return nil, fmt.Errorf("engine: %s with full factors is not supported on the device", e.opt.Name())
	}
	u := &fisherUpd[T]{e: e, h: h, decoupled: decoupled, paper: h.FisherMode == "paper",
		pstep: make([]int64, len(e.params)), f: make([]device.Buffer, len(e.params))}
	owner := map[*param]device.Buffer{}
	for _, o := range e.ops {
		lo, ok := o.(*linearOp)
		if !ok {
			continue
		}
		l := &fisherLayer{op: lo, hn: lo.in, sn: lo.out}
		if lo.b != nil {
			l.hn++
		}
		var err error
		if l.h, err = e.newState(lo.name+".H_D", l.hn); err != nil {
			return nil, err
		}
		if l.s, err = e.newState(lo.name+".S_D", l.sn); err != nil {
			return nil, err
		}
		if u.paper {
			if l.hAvg, err = e.newState(lo.name+".H_avg", l.hn); err != nil {
				return nil, err
			}
			if l.sAvg, err = e.newState(lo.name+".S_avg", l.sn); err != nil {
				return nil, err
			}
		} else {
			// Reference mode keeps no average; the kernel gets scratch.
			if l.hAvg, err = e.newScratch(l.hn); err != nil {
				return nil, err
			}
			if l.sAvg, err = e.newScratch(l.sn); err != nil {
				return nil, err
			}
		}
		if l.hRaw, err = e.newScratch(l.hn); err != nil {
			return nil, err
		}
		if l.sRaw, err = e.newScratch(l.sn); err != nil {
			return nil, err
		}
		if l.fW, err = e.newScratch(lo.in * lo.out); err != nil {
			return nil, err
		}
		owner[lo.w] = l.fW
		if lo.b != nil {
			if l.fB, err = e.newScratch(lo.out); err != nil {
				return nil, err
			}
			owner[lo.b] = l.fB
		}
		u.layers = append(u.layers, l)
	}
	for i, p := range e.params {
		m, err := e.newState(p.name+".exp_avg", p.n)
		if err != nil {
			return nil, err
		}
		u.m = append(u.m, m)
		u.f[i] = owner[p]
		e.counts[p.name+".step"] = &u.pstep[i]
	}
	e.counts["steps"] = &u.steps
	return u, nil
}

func (u *fisherUpd[T]) check() error        { return nil }
func (u *fisherUpd[T]) needInputGrad() bool { return false }

// fromHost rebuilds F from the uploaded factors, as optim does on load.
func (u *fisherUpd[T]) fromHost() error {
	for _, l := range u.layers {
		u.e.dev.FisherBuildF(l.op.out, l.op.in, l.s, l.h, l.fW, l.fB, u.h.Lambda)
	}
	return nil
}

func (u *fisherUpd[T]) step() error {
	d := u.e.dev
	if u.steps%int64(u.h.TCov) == 0 {
		first := u.steps == 0
		for _, l := range u.layers {
			o := l.op
			rows := o.x.numel() / o.in
			d.FisherRawDense(rows, o.in, o.out, false, o.b != nil, o.x.buf, o.dy.buf, l.hRaw, l.sRaw)
			d.FisherUpdate(l.h, l.hAvg, l.hRaw, l.hn, u.h.Gamma, u.paper, first)
			d.FisherUpdate(l.s, l.sAvg, l.sRaw, l.sn, u.h.Gamma, u.paper, first)
			d.FisherBuildF(o.out, o.in, l.s, l.h, l.fW, l.fB, u.h.Lambda)
		}
	}
	lr := u.e.opt.LR()
	for i, p := range u.e.params {
		u.pstep[i]++
		c := device.NewFisherCoef(lr, u.h.Beta1, u.h.WeightDecay, u.decoupled, u.pstep[i])
		d.FisherStep(p.val, p.grad, u.m[i], u.f[i], p.n, c)
	}
	u.steps++
	return nil
}
