package optim

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/nn"
)

// KFAC is K-FAC as the official AdaFisher repository's baseline has it (the
// KFACOptimizer of alecwangcq's KFAC-Pytorch; reference section 8.1),
// written from its description. For each Linear and Conv2d layer it keeps
// an activation factor A and a gradient factor G:
//
//	every TCov steps (0-based step % TCov == 0), from that step's batch:
//	    Linear: A = abar^T abar / N   (abar = [a, 1] with a bias; N rows)
//	            G = g^T (g*N)         (g the rows of dL/dy, which carry 1/N)
//	    Conv2d: A = (abar/S)^T (abar/S) / B  (abar the im2col patches with a
//	            ones column for the bias, S = OH*OW, B the batch size)
//	            G = (g*B*S)^T (g*B*S) / (B*S)
//	    m = (m * sd/(1-sd) + new) * (1-sd)   (= sd*m + (1-sd)*new, from the
//	                                          identity at step 0)
//	every TInv steps: A = Qa diag(dA) Qa^T, G = Qg diag(dG) Qg^T, with the
//	    eigenvalues below 1e-10 set to 0
//	every step, per layer, with P = [dW, db] (a conv kernel as out x in*k*k):
//	    V = Qg [ (Qg^T P Qa) / (dG dA^T + damping) ] Qa^T
//	    nu = min(1, sqrt(kl_clip / sum over layers of sum(V * P * lr^2)))
//	    the layer's gradient becomes nu*V
//	then every parameter, those of other layers with their plain gradient:
//	    d = g + wd*p     (only once step >= 20*TCov)
//	    buf = momentum*buf + d
//	    p = p - lr*buf
//
// The factors and the natural gradient are computed in the run's element
// type; the eigendecompositions in float64 (see eigenSolver: one that fails
// is retried, then the previous one is kept; both are counted per layer and
// reported in the diagnostics). The first-order step is not bit-exact to
// PyTorch (its matrix products round differently anyway).
type KFAC[T nn.Float] struct {
	cfg     KFACConfig
	lr      float64
	params  []*nn.Param[T]
	bufs    []*nn.Tensor[T]
	dirs    [][]T           // per parameter: the direction of this step
	owner   []*kfacLayer[T] // per parameter; nil for a plain step
	isBias  []bool          // per parameter
	layers  []*kfacLayer[T] // in layer order
	byName  map[string]*kfacLayer[T]
	steps   int64
	eig     eigenSolver
	spec    stateSpec
	diag    *Diagnostics
	diagBuf Diagnostics
	plain   []string // the parameters that take the plain momentum step

	cov, t1, t2 []T // scratch
	col         []float64
}

// KFACConfig holds K-FAC's settings; Defaults("kfac") has the official
// defaults.
type KFACConfig struct {
	LR          float64
	Momentum    float64
	StatDecay   float64
	Damping     float64
	KLClip      float64
	WeightDecay float64
	TCov        int
	TInv        int
}

// kfacLayer is the factor state of one Linear or Conv2d layer.
type kfacLayer[T nn.Float] struct {
	name         string
	kind         nn.Kind
	weight, bias *nn.Param[T]
	out, in      int // G is out x out; A is in x in (in counts the bias column)
	inW          int // the weight's columns
	aa, gg       []T // the running factors
	qa, da       []T // A's eigenvectors (columns) and eigenvalues
	qg, dg       []T
	v            []T // the natural gradient, out x in
	retries      int
	failures     int
}

// NewKFAC builds K-FAC for a model.
func NewKFAC[T nn.Float](m *nn.Model[T], cfg KFACConfig) (*KFAC[T], error) {
	switch {
	case !validHyper(cfg.LR):
		return nil, fmt.Errorf("kfac: invalid learning rate %g", cfg.LR)
	case !validHyper(cfg.Momentum):
		return nil, fmt.Errorf("kfac: invalid momentum %g", cfg.Momentum)
	case !(cfg.StatDecay >= 0 && cfg.StatDecay < 1):
		return nil, fmt.Errorf("kfac: invalid stat decay %g, want [0, 1)", cfg.StatDecay)
	case !validHyper(cfg.Damping):
		return nil, fmt.Errorf("kfac: invalid damping %g", cfg.Damping)
	case !(cfg.KLClip > 0) || math.IsInf(cfg.KLClip, 1):
		return nil, fmt.Errorf("kfac: invalid KL clip %g, want a positive number", cfg.KLClip)
	case !validHyper(cfg.WeightDecay):
		return nil, fmt.Errorf("kfac: invalid weight decay %g", cfg.WeightDecay)
	case cfg.TCov < 1 || cfg.TInv < 1:
		return nil, fmt.Errorf("kfac: invalid TCov %d or TInv %d, want positive numbers of steps", cfg.TCov, cfg.TInv)
	}
	params := m.Params()
	if err := checkParams("kfac", params); err != nil {
		return nil, err
	}
	o := &KFAC[T]{cfg: cfg, lr: cfg.LR, params: params, byName: map[string]*kfacLayer[T]{}}
	for _, l := range m.ParamLayers() {
		if l.Kind() != nn.KindLinear && l.Kind() != nn.KindConv2d {
			continue
		}
		var w, b *nn.Param[T]
		for _, p := range l.Params() {
			switch p.Role {
			case "weight":
				w = p
			case "bias":
				b = p
			}
		}
		if w == nil || len(w.Value.Shape) < 2 {
			continue
		}
		kl := &kfacLayer[T]{name: l.Name(), kind: l.Kind(), weight: w, bias: b, out: w.Value.Shape[0]}
		kl.inW = w.Value.Numel() / kl.out
		kl.in = kl.inW
		if b != nil {
			kl.in++
		}
		kl.aa, kl.qa, kl.da = eye[T](kl.in), eye[T](kl.in), ones[T](kl.in)
		kl.gg, kl.qg, kl.dg = eye[T](kl.out), eye[T](kl.out), ones[T](kl.out)
		kl.v = make([]T, kl.out*kl.in)
		o.layers = append(o.layers, kl)
		o.byName[kl.name] = kl
		for _, pre := range []string{".m_aa", ".Q_a"} {
			o.spec.tensors = append(o.spec.tensors, tensorSpec{kl.name + pre, []int{kl.in, kl.in}})
		}
		for _, pre := range []string{".m_gg", ".Q_g"} {
			o.spec.tensors = append(o.spec.tensors, tensorSpec{kl.name + pre, []int{kl.out, kl.out}})
		}
		o.spec.tensors = append(o.spec.tensors, tensorSpec{kl.name + ".d_a", []int{kl.in}}, tensorSpec{kl.name + ".d_g", []int{kl.out}})
		o.spec.scalars = append(o.spec.scalars, kl.name+".eig_retries", kl.name+".eig_failures")
		n := max(kl.in, kl.out)
		if len(o.cov) < n*n {
			o.cov = make([]T, n*n)
		}
		if len(o.t1) < kl.out*kl.in {
			o.t1, o.t2 = make([]T, kl.out*kl.in), make([]T, kl.out*kl.in)
		}
	}
	for _, p := range params {
		o.bufs = append(o.bufs, nn.NewTensor[T](p.Value.Shape...))
		o.spec.tensors = append(o.spec.tensors, tensorSpec{p.Name + ".momentum_buffer", p.Value.Shape})
		kl := o.byName[p.Layer]
		if kl != nil && p != kl.weight && p != kl.bias {
			kl = nil
		}
		o.owner = append(o.owner, kl)
		if kl == nil {
			o.plain = append(o.plain, p.Name)
		}
		o.isBias = append(o.isBias, kl != nil && p == kl.bias)
		if kl != nil {
			o.dirs = append(o.dirs, make([]T, p.Value.Numel()))
		} else {
			o.dirs = append(o.dirs, nil)
		}
	}
	o.spec.scalars = append(o.spec.scalars, "steps")
	o.spec.optional = []string{"lr"}
	return o, nil
}

func eye[T nn.Float](n int) []T {
	s := make([]T, n*n)
	for i := 0; i < n; i++ {
		s[i*n+i] = 1
	}
	return s
}

// Name is "kfac".
func (o *KFAC[T]) Name() string { return "kfac" }

// Needs is the curvature on the steps that refresh the factors (every TCov
// steps, from the first).
func (o *KFAC[T]) Needs() Needs { return Needs{Curvature: o.refreshDue()} }

func (o *KFAC[T]) refreshDue() bool { return o.steps%int64(o.cfg.TCov) == 0 }

func (o *KFAC[T]) LR() float64      { return o.lr }
func (o *KFAC[T]) SetLR(lr float64) { o.lr = lr }

// Steps is the number of optimizer steps taken.
func (o *KFAC[T]) Steps() int64 { return o.steps }

// Report lists the parameters that no Linear or Conv2d layer owns, the
// eigendecompositions retried and failed over all layers, and after a step
// that decomposed the factors (every TInv steps) the diagnostics: per layer
// the range of its eigenvalues dG*dA + damping (FMin, FMax),
// max(dG)*max(dA)/damping, and the decompositions of the layer retried and
// failed so far.
func (o *KFAC[T]) Report() Report[T] {
	return Report[T]{Plain: o.plain, Diagnostics: o.diag, EigRetries: o.eig.Retries, EigFailures: o.eig.Failures}
}

// Step refreshes the factors and their decompositions when the schedule says
// so and updates every parameter.
func (o *KFAC[T]) Step(in StepInput[T]) error {
	caps := in.Captures
	for i, p := range o.params {
		if err := checkStepSizes("kfac", p, len(o.bufs[i].Data)); err != nil {
			return err
		}
	}
	o.diag = nil
	if o.refreshDue() {
		if caps == nil && len(o.layers) > 0 {
			return fmt.Errorf("kfac: step %d refreshes the factors but no curvature was captured", o.steps)
		}
		for _, c := range caps {
			kl := o.byName[c.Layer]
			if kl == nil || c.Kind != kl.kind {
				continue
			}
			if err := o.updateFactors(kl, c); err != nil {
				return err
			}
		}
	}
	if o.steps%int64(o.cfg.TInv) == 0 {
		for _, kl := range o.layers {
			o.updateInverse(kl)
		}
		o.diag = o.diagnostics()
	}
	lr := o.lr
	var vg float64
	for _, kl := range o.layers {
		o.naturalGradient(kl)
		in := kl.in
		w, b := kl.weight.Grad.Data, []T(nil)
		if kl.bias != nil {
			b = kl.bias.Grad.Data
		}
		for r := 0; r < kl.out; r++ {
			row := kl.v[r*in : (r+1)*in]
			for j, g := range w[r*kl.inW : (r+1)*kl.inW] {
				vg += float64(row[j]) * float64(g)
			}
			if b != nil {
				vg += float64(row[kl.inW]) * float64(b[r])
			}
		}
	}
	vg *= lr * lr
	nu := 1.0
	if vg > 0 {
		nu = min(1, math.Sqrt(o.cfg.KLClip/vg))
	}
	for i := range o.params {
		kl := o.owner[i]
		if kl == nil {
			continue
		}
		d, in := o.dirs[i], kl.in
		for r := 0; r < kl.out; r++ {
			if o.isBias[i] {
				d[r] = T(float64(kl.v[r*in+kl.inW]) * nu)
				continue
			}
			row := kl.v[r*in : r*in+kl.inW]
			for j, v := range row {
				d[r*kl.inW+j] = T(float64(v) * nu)
			}
		}
	}
	wd := o.cfg.WeightDecay
	if o.steps < 20*int64(o.cfg.TCov) {
		wd = 0
	}
	mom := o.cfg.Momentum
	for i, p := range o.params {
		d := o.dirs[i]
		if d == nil {
			d = p.Grad.Data
		}
		momentumStep(p.Value.Data, d, o.bufs[i].Data, lr, mom, wd)
	}
	o.steps++
	return nil
}

// momentumStep is the repository's SGD without dampening or Nesterov:
// d = g + wd*p; buf = momentum*buf + d (buf starts at 0, so the first buf
// is d); p = p - lr*buf. g is not changed.
func momentumStep[T nn.Float](p, g, buf []T, lr, momentum, wd float64) {
	tl, tm, tw := T(lr), T(momentum), T(wd)
	for i := range p {
		d := g[i]
		if wd != 0 {
			d += T(tw * p[i])
		}
		if momentum != 0 {
			d += T(tm * buf[i])
			buf[i] = d
		}
		p[i] -= T(tl * d)
	}
}

// updateFactors folds one capture into the layer's running factors.
func (o *KFAC[T]) updateFactors(kl *kfacLayer[T], c *nn.Capture[T]) error {
	rows, acols := c.A.Rows()
	grows, gcols := c.G.Rows()
	if acols != kl.inW || gcols != kl.out || grows != rows || rows == 0 {
		return fmt.Errorf("kfac: layer %s captured %dx%d inputs and %dx%d output gradients, want %d and %d columns",
			kl.name, rows, acols, grows, gcols, kl.inW, kl.out)
	}
	a, g := c.A.Data, c.G.Data
	in, out := kl.in, kl.out
	// The activation side.
	var aScale, corner float64
	if kl.kind == nn.KindConv2d {
		s, b := float64(c.Spatial), float64(c.Batch)
		aScale, corner = 1/(s*s*b), 1/s
	} else {
		aScale, corner = 1/float64(rows), 1
	}
	cov := o.cov[:in*in]
	nn.Gemm(true, false, kl.inW, kl.inW, rows, T(aScale), a, kl.inW, a, kl.inW, 0, cov, in)
	if kl.bias != nil {
		if cap(o.col) < kl.inW {
			o.col = make([]float64, kl.inW)
		}
		col := o.col[:kl.inW]
		clear(col)
		for r := 0; r < rows; r++ {
			for j, v := range a[r*kl.inW : (r+1)*kl.inW] {
				col[j] += float64(v)
			}
		}
		for j, v := range col {
			cov[j*in+kl.inW] = T(v * aScale)
			cov[kl.inW*in+j] = T(v * aScale)
		}
		cov[kl.inW*in+kl.inW] = T(corner)
	}
	o.runningStat(kl.aa, cov)
	// The gradient side: N g^T g for Linear, (B*S) g^T g for Conv2d.
	cov = o.cov[:out*out]
	nn.Gemm(true, false, out, out, rows, T(float64(rows)), g, out, g, out, 0, cov, out)
	o.runningStat(kl.gg, cov)
	return nil
}

// runningStat is the official update_running_stat, from the identity at
// step 0: m = (m * sd/(1-sd) + new) * (1-sd).
func (o *KFAC[T]) runningStat(m, fresh []T) {
	n := int(math.Round(math.Sqrt(float64(len(m)))))
	if o.steps == 0 {
		clear(m)
		for i := 0; i < n; i++ {
			m[i*n+i] = 1
		}
	}
	sd := o.cfg.StatDecay
	a, b := T(sd/(1-sd)), T(1-sd)
	for i := range m {
		m[i] = T((T(m[i]*a) + fresh[i]) * b)
	}
}

// updateInverse eigendecomposes the layer's factors; eigenvalues below
// 1e-10 become 0. A failed decomposition keeps the previous one.
func (o *KFAC[T]) updateInverse(kl *kfacLayer[T]) {
	r0, f0 := o.eig.Retries, o.eig.Failures
	if eigenDecompose(&o.eig, kl.aa, kl.in, kl.da, kl.qa) {
		clipSmall(kl.da)
	}
	if eigenDecompose(&o.eig, kl.gg, kl.out, kl.dg, kl.qg) {
		clipSmall(kl.dg)
	}
	kl.retries += o.eig.Retries - r0
	kl.failures += o.eig.Failures - f0
}

func clipSmall[T nn.Float](d []T) {
	for i, v := range d {
		if !(v > 1e-10) {
			d[i] = 0
		}
	}
}

// naturalGradient sets kl.v = Qg [(Qg^T P Qa) / (dG dA^T + damping)] Qa^T.
func (o *KFAC[T]) naturalGradient(kl *kfacLayer[T]) {
	in, out := kl.in, kl.out
	p := kl.v // P, then overwritten by V
	w := kl.weight.Grad.Data
	for r := 0; r < out; r++ {
		copy(p[r*in:r*in+kl.inW], w[r*kl.inW:(r+1)*kl.inW])
		if kl.bias != nil {
			p[r*in+kl.inW] = kl.bias.Grad.Data[r]
		}
	}
	t1, t2 := o.t1[:out*in], o.t2[:out*in]
	nn.Gemm(true, false, out, in, out, 1, kl.qg, out, p, in, 0, t1, in)
	nn.Gemm(false, false, out, in, in, 1, t1, in, kl.qa, in, 0, t2, in)
	damp := T(o.cfg.Damping)
	for r := 0; r < out; r++ {
		row := t2[r*in : (r+1)*in]
		for j := range row {
			row[j] /= T(kl.dg[r]*kl.da[j]) + damp
		}
	}
	nn.Gemm(false, false, out, in, out, 1, kl.qg, out, t2, in, 0, t1, in)
	nn.Gemm(false, true, out, in, in, 1, t1, in, kl.qa, in, 0, p, in)
}

func (o *KFAC[T]) diagnostics() *Diagnostics {
	d := &o.diagBuf
	d.Layers = d.Layers[:0]
	for _, kl := range o.layers {
		ga, gb := minMaxOf(kl.dg)
		aa, ab := minMaxOf(kl.da)
		d.Layers = append(d.Layers, LayerDiagnostics{Layer: kl.name,
			FMin: ga*aa + o.cfg.Damping, FMax: gb*ab + o.cfg.Damping, CurvatureOverLambda: gb * ab / o.cfg.Damping,
			EigRetries: kl.retries, EigFailures: kl.failures})
	}
	return d
}

func minMaxOf[T nn.Float](s []T) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range s {
		lo = min(lo, float64(v))
		hi = max(hi, float64(v))
	}
	return lo, hi
}

// State holds "<param>.momentum_buffer" per parameter; per layer the running
// factors "<layer>.m_aa" and "<layer>.m_gg", their decompositions
// "<layer>.Q_a", "<layer>.d_a", "<layer>.Q_g", "<layer>.d_g" and the scalars
// "<layer>.eig_retries" and "<layer>.eig_failures"; and "steps" and "lr".
func (o *KFAC[T]) State() State[T] {
	st := State[T]{Tensors: map[string]*nn.Tensor[T]{}, Scalars: map[string]float64{"steps": float64(o.steps), "lr": o.lr}}
	for i, p := range o.params {
		st.Tensors[p.Name+".momentum_buffer"] = o.bufs[i].Clone()
	}
	for _, kl := range o.layers {
		for name, t := range kl.tensors() {
			st.Tensors[kl.name+name] = t.Clone()
		}
		st.Scalars[kl.name+".eig_retries"] = float64(kl.retries)
		st.Scalars[kl.name+".eig_failures"] = float64(kl.failures)
	}
	return st
}

// tensors views the layer's state as tensors (aliasing it).
func (kl *kfacLayer[T]) tensors() map[string]*nn.Tensor[T] {
	sq := func(d []T, n int) *nn.Tensor[T] { return &nn.Tensor[T]{Shape: []int{n, n}, Data: d} }
	vec := func(d []T) *nn.Tensor[T] { return &nn.Tensor[T]{Shape: []int{len(d)}, Data: d} }
	return map[string]*nn.Tensor[T]{
		".m_aa": sq(kl.aa, kl.in), ".Q_a": sq(kl.qa, kl.in), ".d_a": vec(kl.da),
		".m_gg": sq(kl.gg, kl.out), ".Q_g": sq(kl.qg, kl.out), ".d_g": vec(kl.dg),
	}
}

// LoadState restores a state saved by State from a K-FAC built for the same
// model; it checks everything before changing anything.
func (o *KFAC[T]) LoadState(st State[T]) error {
	if err := checkState("kfac", &o.spec, st); err != nil {
		return err
	}
	for i, p := range o.params {
		copy(o.bufs[i].Data, st.Tensors[p.Name+".momentum_buffer"].Data)
	}
	o.eig.Retries, o.eig.Failures = 0, 0
	for _, kl := range o.layers {
		for name, t := range kl.tensors() {
			copy(t.Data, st.Tensors[kl.name+name].Data)
		}
		kl.retries = int(st.Scalars[kl.name+".eig_retries"])
		kl.failures = int(st.Scalars[kl.name+".eig_failures"])
		o.eig.Retries += kl.retries
		o.eig.Failures += kl.failures
	}
	o.steps = int64(st.Scalars["steps"])
	if lr, ok := st.Scalars["lr"]; ok {
		o.lr = lr
	}
	return nil
}
