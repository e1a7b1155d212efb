package engine

import (
	"fmt"
	"math"

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
	e          *Engine[T]
	h          optim.Hyper
	decoupled  bool
	paper      bool
	m          []device.Buffer
	f          []device.Buffer // F of each parameter, nil for F = 1
	pstep      []int64
	steps      int64
	layers     []*fisherLayer
	refreshed  bool
	hBuf, sBuf []T
}

// fisherOp is a layer with factors: Linear, Conv2d, BatchNorm2d, LayerNorm
// and, with extended factors, those extendedFisherOps lists.
type fisherOp interface {
	// fisherDims: the factor name, the diagonals' lengths, F's shape
	// (out x in, plus a bias column), and the parameters.
	fisherDims() fisherDims
	// fisherRaw writes the fresh diagonals of the last pass's capture.
	fisherRaw(d device.Device, h, s device.Buffer)
}

type fisherDims struct {
	name      string
	hn, sn    int
	fin, fout int
	w, b      *param
	swap      bool // F = H (x) S: an Embedding's weight is in x out
}

func (o *linearOp) fisherDims() fisherDims {
	d := fisherDims{name: o.name, hn: o.in, sn: o.out, fin: o.in, fout: o.out, w: o.w, b: o.b}
	if o.b != nil {
		d.hn++
	}
	return d
}

func (o *linearOp) fisherRaw(d device.Device, h, s device.Buffer) {
	d.FisherRawDense(o.x.numel()/o.in, o.in, o.out, false, o.b != nil, o.x.buf, o.dy.buf, h, s)
}

func (o *convOp) fisherDims() fisherDims {
	p := o.in * o.k * o.k
	d := fisherDims{name: o.name, hn: p, sn: o.out, fin: p, fout: o.out, w: o.w, b: o.b}
	if o.b != nil {
		d.hn++
	}
	return d
}

func (o *convOp) fisherRaw(d device.Device, h, s device.Buffer) {
	d.FisherRawDense(o.g.Rows(), o.g.Patch(), o.out, true, o.b != nil, o.cols, o.grows, h, s)
}

func (o *bnOp) fisherDims() fisherDims {
	return fisherDims{name: o.name, hn: 2, sn: o.c, fin: 1, fout: o.c, w: o.w, b: o.b}
}

func (o *bnOp) fisherRaw(d device.Device, h, s device.Buffer) {
	d.FisherRawBatchNorm(o.args.Batch, o.c, o.args.HW, o.x.buf, o.dy.buf, h, s)
}

// fisherLayer is one layer's factors; the op provides its capture.
type fisherLayer struct {
	op                 fisherOp
	dims               fisherDims
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
	var fops []fisherOp
	ext := h.FisherExtend || h.FisherMode == "paper" // optim's FisherConfig.Extend
	for _, o := range e.ops {
		walk(o, func(o op) {
			if f, ok := o.(fisherOp); ok {
				fops = append(fops, f)
			}
			if ext {
				fops = append(fops, extendedFisherOps(o)...)
			}
		})
	}
	for _, fo := range fops {
		lo := fo.fisherDims()
		l := &fisherLayer{op: fo, dims: lo, hn: lo.hn, sn: lo.sn}
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
		if l.fW, err = e.newScratch(lo.fin * lo.fout); err != nil {
			return nil, err
		}
		owner[lo.w] = l.fW
		if lo.b != nil {
			if l.fB, err = e.newScratch(lo.fout); err != nil {
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

// fromHost rebuilds F from the uploaded factors, as optim does on load.
func (u *fisherUpd[T]) fromHost() error {
	for _, l := range u.layers {
		l.buildF(u.e.dev, u.h.Lambda)
	}
	return nil
}

func (u *fisherUpd[T]) step() error {
	d := u.e.dev
	u.refreshed = u.steps%int64(u.h.TCov) == 0
	if u.refreshed {
		first := u.steps == 0
		for _, l := range u.layers {
			l.op.fisherRaw(d, l.hRaw, l.sRaw)
			d.FisherUpdate(l.h, l.hAvg, l.hRaw, l.hn, u.h.Gamma, u.paper, first)
			d.FisherUpdate(l.s, l.sAvg, l.sRaw, l.sn, u.h.Gamma, u.paper, first)
			l.buildF(d, u.h.Lambda)
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

// diagnostics computes optim.AdaFisher's diagnostics after a refresh from
// the extremes of H and S, downloaded (F's extremes are those of S times H,
// plus lambda, as optim derives them).
func (u *fisherUpd[T]) diagnostics() (*optim.Diagnostics, error) {
	if !u.refreshed {
		return nil, nil
	}
	lambda := T(u.h.Lambda)
	d := &optim.Diagnostics{}
	for _, l := range u.layers {
		if cap(u.hBuf) < l.hn {
			u.hBuf = make([]T, l.hn)
		}
		if cap(u.sBuf) < l.sn {
			u.sBuf = make([]T, l.sn)
		}
		h, s := u.hBuf[:l.hn], u.sBuf[:l.sn]
		if err := device.Read(u.e.dev, h, l.h, 0); err != nil {
			return nil, err
		}
		if err := device.Read(u.e.dev, s, l.s, 0); err != nil {
			return nil, err
		}
		hMin, hMax := minMax(h)
		sMin, sMax := minMax(s)
		lo := T(T(sMin)*T(hMin)) + lambda
		hi := T(T(sMax)*T(hMax)) + lambda
		d.Layers = append(d.Layers, optim.LayerDiagnostics{Layer: l.dims.name, FMin: float64(lo), FMax: float64(hi),
			CurvatureOverLambda: hMax * sMax / u.h.Lambda})
	}
	return d, nil
}

func minMax[T nn.Float](s []T) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range s {
		lo = min(lo, float64(v))
		hi = max(hi, float64(v))
	}
	return lo, hi
}
