package engine

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// kfacUpd is optim.KFAC on the device. The factor statistics (GEMMs over
// the captures the layers keep: a Linear's input and output gradient, a
// Conv2d's patch matrix and gradient rows), the natural gradient in the
// factors' eigenbasis, the KL clipping and the momentum step run on the
// device; every TInv steps the factors are downloaded, decomposed on the
// host by optim's own routine (optim.KFACEigen) and the eigenvectors and
// eigenvalues uploaded. The clipping reads back one dot product per layer
// each step. State: as optim.KFAC's State.
type kfacUpd[T nn.Float] struct {
	e      *Engine[T]
	h      optim.Hyper
	layers []*kfacLayer[T]
	bufs   []device.Buffer // momentum buffers, per parameter
	dirs   []device.Buffer // per parameter: its layer's clipped natural gradient, nil for the plain step
	dots   device.Buffer   // per layer: sum(V * P)
	steps  int64
	eig    optim.EigenSolver
	diag   *optim.Diagnostics
	hdots  []T
}

// kfacOp is a layer K-FAC preconditions: Linear and Conv2d.
type kfacOp interface {
	kfacCapture() kfacCapture
}

// kfacCapture is a layer's shapes and its capture of the last pass.
type kfacCapture struct {
	name           string
	w, b           *param
	out, inW, rows int
	conv           bool
	batch, spatial int
	a, g           device.Buffer // rows x inW activations, rows x out output gradients
}

func (o *linearOp) kfacCapture() kfacCapture {
	c := kfacCapture{name: o.name, w: o.w, b: o.b, out: o.out, inW: o.in, a: o.x.buf, g: o.dy.buf}
	if o.x.shape != nil {
		c.rows = o.x.numel() / o.in
	}
	return c
}

func (o *convOp) kfacCapture() kfacCapture {
	return kfacCapture{name: o.name, w: o.w, b: o.b, out: o.out, inW: o.in * o.k * o.k, rows: o.g.Rows(), conv: true,
		batch: o.g.Batch, spatial: o.g.OH * o.g.OW, a: o.cols, g: o.grows}
}

// kfacLayer is one layer's factors (state) and scratch; in counts the
// bias column.
type kfacLayer[T nn.Float] struct {
	op                       kfacOp
	name                     string
	out, in, inW             int
	aa, gg, qa, da, qg, dg   device.Buffer
	covA, covG, p, v, t1, t2 device.Buffer
	retries, failures        int64
	hm, hq, hd               []T // host scratch for one factor's decomposition
}

func newKFAC[T nn.Float](e *Engine[T], h optim.Hyper) (*kfacUpd[T], error) {
	u := &kfacUpd[T]{e: e, h: h}
	st := e.opt.State()
	ops := map[string]kfacOp{}
	for _, o := range e.ops {
		walk(o, func(o op) {
			if k, ok := o.(kfacOp); ok {
				ops[k.kfacCapture().name] = k
			}
		})
	}
	owner := map[*param]*kfacLayer[T]{}
	isBias := map[*param]bool{}
	// The host optimizer's layers, in model order (its State names them).
	for _, hl := range e.model.ParamLayers() {
		name := hl.Name()
		if _, ok := st.Tensors[name+".m_aa"]; !ok {
			continue
		}
		o, ok := ops[name]
		if !ok {
			return nil, fmt.Errorf("engine: kfac preconditions layer %q, which the device does not run as a Linear or Conv2d layer", name)
		}
		c := o.kfacCapture()
		l := &kfacLayer[T]{op: o, name: name, out: c.out, inW: c.inW, in: c.inW}
		if c.b != nil {
			l.in++
		}
		if t := st.Tensors[name+".m_aa"]; len(t.Data) != l.in*l.in {
			return nil, fmt.Errorf("engine: kfac state %q has %d elements, the device layer %d x %d", name+".m_aa", len(t.Data), l.in, l.in)
		}
		in, out := l.in, l.out
		for _, s := range []struct {
			key string
			b   *device.Buffer
			n   int
		}{{".m_aa", &l.aa, in * in}, {".Q_a", &l.qa, in * in}, {".d_a", &l.da, in},
			{".m_gg", &l.gg, out * out}, {".Q_g", &l.qg, out * out}, {".d_g", &l.dg, out}} {
			var err error
			if *s.b, err = e.newState(name+s.key, s.n); err != nil {
				return nil, err
			}
		}
		for _, s := range []struct {
			b *device.Buffer
			n int
		}{{&l.covA, in * in}, {&l.covG, out * out}, {&l.p, out * in}, {&l.v, out * in}, {&l.t1, out * in}, {&l.t2, out * in}} {
			var err error
			if *s.b, err = e.newScratch(s.n); err != nil {
				return nil, err
			}
		}
		e.counts[name+".eig_retries"] = &l.retries
		e.counts[name+".eig_failures"] = &l.failures
		owner[c.w] = l
		if c.b != nil {
			owner[c.b], isBias[c.b] = l, true
		}
		u.layers = append(u.layers, l)
	}
	var err error
	if u.dots, err = e.newScratch(max(len(u.layers), 1)); err != nil {
		return nil, err
	}
	for _, p := range e.params {
		b, err := e.newState(p.name+".momentum_buffer", p.n)
		if err != nil {
			return nil, err
		}
		u.bufs = append(u.bufs, b)
		var d device.Buffer
		if owner[p] != nil {
			if d, err = e.newScratch(p.n); err != nil {
				return nil, err
			}
		}
		u.dirs = append(u.dirs, d)
	}
	e.counts["steps"] = &u.steps
	return u, nil
}

func (u *kfacUpd[T]) fromHost() error                          { return nil }
func (u *kfacUpd[T]) diagnostics() (*optim.Diagnostics, error) { return u.diag, nil }

func (u *kfacUpd[T]) step() error {
	d := u.e.dev
	u.diag = nil
	if u.steps%int64(u.h.TCov) == 0 {
		for _, l := range u.layers {
			u.factors(l)
		}
	}
	if u.steps%int64(u.h.TInv) == 0 {
		if err := u.decompose(); err != nil {
			return err
		}
	}
	for i, l := range u.layers {
		u.naturalGradient(l)
		d.Dot(l.out*l.in, l.v, l.p, u.dots, i)
	}
	if cap(u.hdots) < len(u.layers) {
		u.hdots = make([]T, len(u.layers))
	}
	dots := u.hdots[:len(u.layers)]
	if err := device.Read(d, dots, u.dots, 0); err != nil {
		return err
	}
	lr := u.e.opt.LR()
	var vg float64
	for _, v := range dots {
		vg += float64(v)
	}
	vg *= lr * lr
	nu := 1.0
	if vg > 0 {
		nu = min(1, math.Sqrt(u.h.KLClip/vg))
	}
	for _, l := range u.layers {
		c := l.op.kfacCapture()
		d.ScaleMat(l.out, l.inW, nu, device.Mat{Buf: l.v, LD: l.in}, device.Mat{Buf: u.dirFor(c.w), LD: l.inW})
		if c.b != nil {
			d.ScaleMat(l.out, 1, nu, device.Mat{Buf: l.v, Off: l.inW, LD: l.in}, device.Mat{Buf: u.dirFor(c.b), LD: 1})
		}
	}
	wd := u.h.WeightDecay
	if u.steps < 20*int64(u.h.TCov) {
		wd = 0
	}
	for i, p := range u.e.params {
		g := u.dirs[i]
		if g == nil {
			g = p.grad
		}
		d.MomentumStep(p.val, g, u.bufs[i], p.n, lr, u.h.Momentum, wd)
	}
	u.steps++
	return d.Err()
}

func (u *kfacUpd[T]) dirFor(p *param) device.Buffer {
	for i, q := range u.e.params {
		if q == p {
			return u.dirs[i]
		}
	}
	return nil
}

// factors folds the layer's capture into its running factors, as
// optim.KFAC's updateFactors and runningStat.
func (u *kfacUpd[T]) factors(l *kfacLayer[T]) {
	d := u.e.dev
	c := l.op.kfacCapture()
	var aScale, corner float64
	if c.conv {
		s, b := float64(c.spatial), float64(c.batch)
		aScale, corner = 1/(s*s*b), 1/s
	} else {
		aScale, corner = 1/float64(c.rows), 1
	}
	first := u.steps == 0
	d.Gemm(true, false, l.inW, l.inW, c.rows, aScale, mat(c.a, l.inW), mat(c.a, l.inW), 0, mat(l.covA, l.in))
	if c.b != nil {
		d.FactorBiasColumn(c.rows, l.inW, c.a, l.covA, aScale, corner)
	}
	d.RunningStat(l.aa, l.covA, l.in, u.h.StatDecay, first)
	d.Gemm(true, false, l.out, l.out, c.rows, float64(c.rows), mat(c.g, l.out), mat(c.g, l.out), 0, mat(l.covG, l.out))
	d.RunningStat(l.gg, l.covG, l.out, u.h.StatDecay, first)
}

// decompose downloads every layer's factors, decomposes them with optim's
// routine and uploads the eigenvectors and eigenvalues; a decomposition
// that fails keeps the device's current ones, as optim keeps its own (only
// their eigenvalues come down, for the diagnostics). It sets the
// diagnostics as optim.KFAC.
func (u *kfacUpd[T]) decompose() error {
	u.diag = &optim.Diagnostics{}
	for _, l := range u.layers {
		r0, f0 := u.eig.Counts()
		da, err := u.eigen(l.aa, l.qa, l.da, l.in)
		if err != nil {
			return err
		}
		dg, err := u.eigen(l.gg, l.qg, l.dg, l.out)
		if err != nil {
			return err
		}
		r1, f1 := u.eig.Counts()
		l.retries += int64(r1 - r0)
		l.failures += int64(f1 - f0)
		ga, gb := minMax(dg)
		aa, ab := minMax(da)
		u.diag.Layers = append(u.diag.Layers, optim.LayerDiagnostics{Layer: l.name,
			FMin: ga*aa + u.h.Damping, FMax: gb*ab + u.h.Damping, CurvatureOverLambda: gb * ab / u.h.Damping,
			EigRetries: int(l.retries), EigFailures: int(l.failures)})
	}
	return nil
}

// eigen decomposes the n x n factor m into q and w on the host and returns
// the eigenvalues in force afterwards.
func (u *kfacUpd[T]) eigen(m, q, w device.Buffer, n int) ([]T, error) {
	d := u.e.dev
	hm, hq, hw := make([]T, n*n), make([]T, n*n), make([]T, n)
	if err := device.Read(d, hm, m, 0); err != nil {
		return nil, err
	}
	_, f0 := u.eig.Counts()
	optim.KFACEigen(&u.eig, hm, n, hw, hq)
	if _, f1 := u.eig.Counts(); f1 > f0 {
		return hw, device.Read(d, hw, w, 0)
	}
	if err := device.Write(d, q, 0, hq); err != nil {
		return nil, err
	}
	return hw, device.Write(d, w, 0, hw)
}

// naturalGradient sets l.p = [dW, db] and l.v = Qg [(Qg^T P Qa) / (dG dA^T
// + damping)] Qa^T, as optim.KFAC's naturalGradient.
func (u *kfacUpd[T]) naturalGradient(l *kfacLayer[T]) {
	d := u.e.dev
	c := l.op.kfacCapture()
	in, out := l.in, l.out
	d.ScaleMat(out, l.inW, 1, device.Mat{Buf: c.w.grad, LD: l.inW}, device.Mat{Buf: l.p, LD: in})
	if c.b != nil {
		d.ScaleMat(out, 1, 1, device.Mat{Buf: c.b.grad, LD: 1}, device.Mat{Buf: l.p, Off: l.inW, LD: in})
	}
	d.Gemm(true, false, out, in, out, 1, mat(l.qg, out), mat(l.p, in), 0, mat(l.t1, in))
	d.Gemm(false, false, out, in, in, 1, mat(l.t1, in), mat(l.qa, in), 0, mat(l.t2, in))
	d.DivideOuter(out, in, l.t2, l.dg, l.da, u.h.Damping)
	d.Gemm(false, false, out, in, out, 1, mat(l.qg, out), mat(l.t2, in), 0, mat(l.t1, in))
	d.Gemm(false, true, out, in, in, 1, mat(l.t1, in), mat(l.qa, in), 0, mat(l.v, in))
}
