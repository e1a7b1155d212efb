package optim

import (
	"fmt"
	"math"
	"sort"

	"github.com/adafisher-go/landscape/nn"
)

// AdaFisher is the optimizer of Gomes et al. (ICLR 2025): Adam's first moment
// divided by a diagonal Kronecker-factored Fisher approximation,
// F = S (x) H + Lambda, with no square root, no epsilon and no second moment.
// It follows the official code (reference sections 2 to 5):
//
//	every TCov steps (0-based step % TCov == 0), for each supported layer,
//	from that step's batch:
//	    raw = the layer's fresh diagonal (fisher_diag.go); +-Inf -> 1, 0
//	    step 0: state = ones
//	    state = (0.1*gamma)*state + (0.01*gamma)*MinMax(raw)    (reference mode)
//	F[o,i] = S[o]*H[i] + Lambda, the bias column last
//	every step, per parameter:
//	    g = g + wd*p                           (AdaFisher)
//	    m = beta*m + (1-beta)*g
//	    p = p - (lr/(1-beta^t)) * m / F        (AdaFisher)
//	    p = p - lr*(m/(1-beta^t)/F + wd*p)     (AdaFisherW)
//
// In paper mode (the variant the paper's text describes) the state is the
// moving average gamma*old + (1-gamma)*raw and F is built from its min-max
// normalisation.
//
// Parameters are tied to their layers by the explicit ownership in nn.Param,
// never by position or shape. A parameter owned by no supported layer
// (Linear, Conv2d, BatchNorm2d, LayerNorm; with Extend also Embedding and
// BatchNorm1d) is updated with F = 1, as the official code intends; Report
// lists them.
type AdaFisher[T nn.Float] struct {
	cfg    FisherConfig
	lr     float64
	params []*nn.Param[T]
	m      []*nn.Tensor[T]
	pstep  []int64
	owner  []*fisherLayer[T] // per parameter; nil for F = 1
	bias   []bool            // per parameter: the bias column of its layer's F
	layers []*fisherLayer[T]
	byName map[string]*fisherLayer[T]
	steps  int64 // optimizer steps taken: drives the TCov schedule

	hRaw, sRaw []float64 // scratch
	freshT     []T       // scratch
	diag       *Diagnostics
	diagBuf    Diagnostics
	plain      []string         // the parameters with F = 1
	factors    []FactorLayer[T] // FactorLayers' list, reused
}

// FisherConfig holds AdaFisher's settings.
type FisherConfig struct {
	LR          float64
	Beta        float64
	Lambda      float64
	Gamma       float64
	TCov        int
	WeightDecay float64
	Decoupled   bool   // AdaFisherW
	Mode        string // "reference" (the official code) or "paper"
	// FullFactors keeps, next to the diagonals, the full factor matrices as
	// the official analysis code does (see FullFactors).
	FullFactors bool
	// Extend gives Embedding and BatchNorm1d layers factors of their own
	// (fisher_extend.go); without it their parameters get F = 1, as in the
	// official code.
	Extend bool
}

// FisherModes lists the factor update rules.
var FisherModes = []string{"reference", "paper"}

// fisherLayer is the factor state of one supported layer.
type fisherLayer[T nn.Float] struct {
	name    string
	kind    nn.Kind
	weight  *nn.Param[T]
	hasBias bool
	H, S    []T // the diagonals that build F
	// paper mode: the moving averages before normalisation
	hAvg, sAvg []T
	fW, fB     []T // F for the weight and the bias
	full       *fullFactors[T]
}

// NewAdaFisher builds AdaFisher (or AdaFisherW when cfg.Decoupled) for a
// model.
func NewAdaFisher[T nn.Float](m *nn.Model[T], cfg FisherConfig) (*AdaFisher[T], error) {
	name := "adafisher"
	if cfg.Decoupled {
		name = "adafisherw"
	}
	switch {
	case !validHyper(cfg.LR):
		return nil, fmt.Errorf("%s: invalid learning rate %g", name, cfg.LR)
	case !(cfg.Beta >= 0 && cfg.Beta < 1):
		return nil, fmt.Errorf("%s: invalid beta %g, want [0, 1)", name, cfg.Beta)
	case !(cfg.Gamma >= 0 && cfg.Gamma < 1):
		return nil, fmt.Errorf("%s: invalid gamma %g, want [0, 1)", name, cfg.Gamma)
	case !(cfg.Lambda >= 0) || math.IsInf(cfg.Lambda, 0):
		return nil, fmt.Errorf("%s: invalid lambda %g", name, cfg.Lambda)
	case cfg.TCov < 1:
		return nil, fmt.Errorf("%s: invalid TCov %d, want a positive number of steps", name, cfg.TCov)
	case !validHyper(cfg.WeightDecay):
		return nil, fmt.Errorf("%s: invalid weight decay %g", name, cfg.WeightDecay)
	case cfg.Mode != "reference" && cfg.Mode != "paper":
		return nil, fmt.Errorf("%s: unknown fisher mode %q, want reference or paper", name, cfg.Mode)
	}
	params := m.Params()
	if err := checkParams(name, params); err != nil {
		return nil, err
	}
	o := &AdaFisher[T]{cfg: cfg, lr: cfg.LR, params: params, byName: map[string]*fisherLayer[T]{}}
	for _, l := range m.ParamLayers() {
		var w, b *nn.Param[T]
		for _, p := range l.Params() {
			switch p.Role {
			case "weight":
				w = p
			case "bias":
				b = p
			}
		}
		if w == nil {
			continue
		}
		hl, sl, err := diagLens(l.Kind(), w.Value.Shape, b != nil)
		if err != nil && cfg.Extend {
			hl, sl, err = extendedDiagLens(l.Kind(), w.Value.Shape)
		}
		if err != nil {
			continue // a kind without factors: its parameters get F = 1
		}
		fl := &fisherLayer[T]{name: l.Name(), kind: l.Kind(), weight: w, hasBias: b != nil,
			H: ones[T](hl), S: ones[T](sl), fW: make([]T, w.Value.Numel())}
		if b != nil {
			fl.fB = make([]T, b.Value.Numel())
		}
		if cfg.Mode == "paper" {
			fl.hAvg, fl.sAvg = ones[T](hl), ones[T](sl)
		}
		if cfg.FullFactors {
			fl.full = newFullFactors[T](l.Kind(), w.Value.Shape)
		}
		o.buildF(fl)
		o.layers = append(o.layers, fl)
		o.byName[fl.name] = fl
		o.hRaw = growF(o.hRaw, hl)
		o.sRaw = growF(o.sRaw, sl)
	}
	for _, p := range params {
		o.m = append(o.m, nn.NewTensor[T](p.Value.Shape...))
		o.pstep = append(o.pstep, 0)
		fl := o.byName[p.Layer]
		if fl != nil && p.Role != "weight" && p.Role != "bias" {
			fl = nil
		}
		o.owner = append(o.owner, fl)
		o.bias = append(o.bias, p.Role == "bias")
		if fl == nil {
			o.plain = append(o.plain, p.Name)
		}
	}
	return o, nil
}

func ones[T nn.Float](n int) []T {
	s := make([]T, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

func growF(s []float64, n int) []float64 {
	if len(s) < n {
		return make([]float64, n)
	}
	return s
}

// Name is "adafisher" or "adafisherw".
func (o *AdaFisher[T]) Name() string {
	if o.cfg.Decoupled {
		return "adafisherw"
	}
	return "adafisher"
}

// Needs is the curvature on the steps that refresh the factors (every TCov
// steps, from the first): only its diagonal sums (Needs.Diagonal), unless
// full factors are kept, which read the captured rows.
func (o *AdaFisher[T]) Needs() Needs {
	return Needs{Curvature: o.refreshDue(), Diagonal: !o.cfg.FullFactors}
}

func (o *AdaFisher[T]) refreshDue() bool { return o.steps%int64(o.cfg.TCov) == 0 }

func (o *AdaFisher[T]) LR() float64      { return o.lr }
func (o *AdaFisher[T]) SetLR(lr float64) { o.lr = lr }

// Steps is the number of optimizer steps taken.
func (o *AdaFisher[T]) Steps() int64 { return o.steps }

// Report lists the parameters that no supported layer owns (they are updated
// with F = 1), the factors, and after a refresh the preconditioner's range.
func (o *AdaFisher[T]) Report() Report[T] {
	return Report[T]{Plain: o.plain, Factors: o.FactorLayers(), Diagnostics: o.diag}
}

// Step refreshes the factors when the schedule says so, from the captures of
// this step's pass, and updates every parameter.
func (o *AdaFisher[T]) Step(in StepInput[T]) error {
	caps := in.Captures
	for i, p := range o.params {
		if err := checkStepSizes(o.Name(), p, len(o.m[i].Data)); err != nil {
			return err
		}
	}
	o.diag = nil
	if o.refreshDue() {
		if caps == nil && len(o.layers) > 0 {
			return fmt.Errorf("%s: step %d refreshes the factors but no curvature was captured", o.Name(), o.steps)
		}
		for _, c := range caps {
			fl := o.byName[c.Layer]
			if fl == nil {
				continue
			}
			if err := o.refresh(fl, c); err != nil {
				return err
			}
		}
		o.diag = o.diagnostics()
	}
	for i, p := range o.params {
		o.pstep[i]++
		bc := 1 - powInt(o.cfg.Beta, o.pstep[i])
		var f []T
		if fl := o.owner[i]; fl != nil {
			f = fl.fW
			if o.bias[i] {
				f = fl.fB
			}
		}
		k := fisherCoef{beta: o.cfg.Beta, lr: o.lr, bc: bc, wd: o.cfg.WeightDecay, decoupled: o.cfg.Decoupled}
		if is32[T]() {
			fisherStep32(as32(p.Value.Data), as32(p.Grad.Data), as32(o.m[i].Data), as32(f), &k)
		} else {
			fisherStep64(as64(p.Value.Data), as64(p.Grad.Data), as64(o.m[i].Data), as64(f), &k)
		}
	}
	o.steps++
	return nil
}

// refresh updates one layer's factors from its capture.
func (o *AdaFisher[T]) refresh(fl *fisherLayer[T], c *nn.Capture[T]) error {
	h, s := o.hRaw[:len(fl.H)], o.sRaw[:len(fl.S)]
	if err := rawDiagonals(c, h, s); err != nil {
		return fmt.Errorf("%s: %w", o.Name(), err)
	}
	first := o.steps == 0
	if o.cfg.Mode == "paper" {
		paperUpdate(fl.hAvg, fl.H, h, o.cfg.Gamma, first)
		paperUpdate(fl.sAvg, fl.S, s, o.cfg.Gamma, first)
	} else {
		o.freshT = referenceUpdate(fl.H, h, o.cfg.Gamma, first, o.freshT)
		o.freshT = referenceUpdate(fl.S, s, o.cfg.Gamma, first, o.freshT)
	}
	if fl.full != nil {
		fl.full.update(c, first, o.cfg.Gamma)
	}
	o.buildF(fl)
	return nil
}

// referenceUpdate is the official rule: state = (0.1 g) state + (0.01 g)
// MinMax(raw), from all ones at step 0. The fresh diagonal is rounded to T
// first, as the official code holds it in the tensor's type.
func referenceUpdate[T nn.Float](state []T, raw []float64, gamma float64, first bool, scratch []T) []T {
	detectInf(raw)
	if cap(scratch) < len(raw) {
		scratch = make([]T, len(raw))
	}
	fresh := scratch[:len(raw)]
	for i, v := range raw {
		fresh[i] = T(v)
	}
	minMax(fresh, T(minMaxEps))
	if first {
		for i := range state {
			state[i] = 1
		}
	}
	a, b := T(0.1*gamma), T(0.01*gamma)
	for i := range state {
		state[i] = T(a*state[i]) + T(b*fresh[i])
	}
	return scratch
}

// paperUpdate is the rule of the paper's Algorithm 1: avg = gamma*avg +
// (1-gamma)*raw from an identity start, then the factor is MinMax(avg).
func paperUpdate[T nn.Float](avg, state []T, raw []float64, gamma float64, first bool) {
	detectInf(raw)
	if first {
		for i := range avg {
			avg[i] = 1
		}
	}
	a, b := T(gamma), T(1-gamma)
	for i := range avg {
		avg[i] = T(a*avg[i]) + T(b*T(raw[i]))
	}
	copy(state, avg)
	minMax(state, T(minMaxEps))
}

// buildF sets F = outer(S, H) + Lambda: the weight takes the columns before
// the bias column, the bias takes the last one. BatchNorm2d and LayerNorm
// have H = [weight entry, bias entry].
func (o *AdaFisher[T]) buildF(fl *fisherLayer[T]) {
	lambda := T(o.cfg.Lambda)
	switch fl.kind {
	case nn.KindEmbedding:
		// The weight is num x dim: entry (v, d) pairs H[v] with S[d].
		d := len(fl.S)
		for v, hv := range fl.H {
			row := fl.fW[v*d : (v+1)*d]
			for j, sv := range fl.S {
				row[j] = T(sv*hv) + lambda
			}
		}
	case nn.KindBatchNorm2d, nn.KindBatchNorm1d, nn.KindLayerNorm:
		for c, s := range fl.S {
			fl.fW[c] = T(s*fl.H[0]) + lambda
			if fl.fB != nil {
				fl.fB[c] = T(s*fl.H[1]) + lambda
			}
		}
	default:
		in := len(fl.fW) / len(fl.S)
		for oi, s := range fl.S {
			row := fl.fW[oi*in : (oi+1)*in]
			for i := range row {
				row[i] = T(s*fl.H[i]) + lambda
			}
			if fl.fB != nil {
				fl.fB[oi] = T(s*fl.H[in]) + lambda
			}
		}
	}
}

// Diagnostics describes the preconditioner after a factor refresh.
type Diagnostics struct {
	Layers []LayerDiagnostics `json:"layers"`
}

// LayerDiagnostics is one layer's preconditioner range: FMin and FMax over its
// weight and bias, and the largest curvature term max(S (x) H) over Lambda,
// which is below 0.1 when Lambda dominates the preconditioner.
type LayerDiagnostics struct {
	Layer               string  `json:"layer"`
	FMin                float64 `json:"f_min"`
	FMax                float64 `json:"f_max"`
	CurvatureOverLambda float64 `json:"curvature_over_lambda"`
	// EigRetries and EigFailures count, for the methods that
	// eigendecompose their factors (K-FAC), the layer's decompositions that
	// were retried and those that failed so far (see eigenSolver).
	EigRetries  int `json:"eig_retries,omitempty"`
	EigFailures int `json:"eig_failures,omitempty"`
}

// Diagnostics returns the preconditioner's range after this step's refresh,
// or nil when the last step did not refresh the factors.
func (o *AdaFisher[T]) Diagnostics() *Diagnostics { return o.diag }

func (o *AdaFisher[T]) diagnostics() *Diagnostics {
	d := &o.diagBuf
	d.Layers = d.Layers[:0]
	lambda := T(o.cfg.Lambda)
	for _, fl := range o.layers {
		// Every F entry is T(s*h) + Lambda for an entry s of S and h of H,
		// and every pair occurs; the factors are not negative and rounding
		// is monotone, so the extremes of F come from those of S and H
		// without a pass over F.
		hMin, hMax := minMaxOf(fl.H)
		sMin, sMax := minMaxOf(fl.S)
		lo := T(T(sMin)*T(hMin)) + lambda
		hi := T(T(sMax)*T(hMax)) + lambda
		d.Layers = append(d.Layers, LayerDiagnostics{Layer: fl.name, FMin: float64(lo), FMax: float64(hi), CurvatureOverLambda: hMax * sMax / o.cfg.Lambda})
	}
	return d
}

// fisherCoef holds one parameter's step scalars in float64.
type fisherCoef struct {
	beta, lr, bc, wd float64
	decoupled        bool
}

// fisherStep64 is one step on one parameter, with torch's rounding: each
// "x + a*y" is one fused multiply-add, beta*m is rounded before it is added,
// addcdiv is x + (v*m)/F with every operation rounded. f is nil for F = 1.
// AdaFisherW's decoupled decay p - lr*wd*p reads the parameter before the
// update and is applied first, so that without decay AdaFisherW takes
// exactly AdaFisher's steps.
func fisherStep64(p, g, m, f []float64, k *fisherCoef) {
	beta, omb := k.beta, 1-k.beta
	ns, wd, shrink := -(k.lr / k.bc), k.wd, -k.lr*k.wd
	coupled := wd != 0 && !k.decoupled
	decoupled := wd != 0 && k.decoupled
	for i := range p {
		gi := g[i]
		if coupled {
			gi = fma64(wd, p[i], gi)
		}
		if decoupled {
			p[i] = fma64(shrink, p[i], p[i])
		}
		mi := fma64(omb, gi, float64(m[i]*beta))
		m[i] = mi
		d := float64(ns * mi)
		if f != nil {
			d /= f[i]
		}
		p[i] += d
	}
}

// fisherStep32 is fisherStep64 in float32, the scalars rounded to float32 as
// torch's kernels read them.
func fisherStep32(p, g, m, f []float32, k *fisherCoef) {
	beta, omb := float32(k.beta), float32(1-k.beta)
	fma := func(x, y, z float32) float32 {
		r, ok := fma32q(x, y, z)
		if !ok {
			r = fma32(x, y, z)
		}
		return r
	}
	ns, wd, shrink := float32(-(k.lr / k.bc)), float32(k.wd), float32(-k.lr*k.wd)
	coupled := k.wd != 0 && !k.decoupled
	decoupled := k.wd != 0 && k.decoupled
	for i := range p {
		gi := g[i]
		if coupled {
			gi = fma(wd, p[i], gi)
		}
		if decoupled {
			p[i] = fma(shrink, p[i], p[i])
		}
		mi := fma(omb, gi, float32(m[i]*beta))
		m[i] = mi
		d := float32(ns * mi)
		if f != nil {
			d /= f[i]
		}
		p[i] += d
	}
}

// State holds "<param>.exp_avg" and "<param>.step" per parameter, the
// factors "<layer>.H_D" and "<layer>.S_D" per layer (paper mode adds the
// averages "<layer>.H_avg" and "<layer>.S_avg"; full factors add
// "<layer>.H_full" and "<layer>.S_full"), and the global "steps".
func (o *AdaFisher[T]) State() State[T] {
	st := State[T]{Tensors: map[string]*nn.Tensor[T]{}, Scalars: map[string]float64{"steps": float64(o.steps), "lr": o.lr}}
	for i, p := range o.params {
		st.Tensors[p.Name+".exp_avg"] = o.m[i].Clone()
		st.Scalars[p.Name+".step"] = float64(o.pstep[i])
	}
	for _, fl := range o.layers {
		for name, v := range fl.vectors() {
			st.Tensors[fl.name+"."+name] = &nn.Tensor[T]{Shape: []int{len(v)}, Data: append([]T(nil), v...)}
		}
		if fl.full != nil {
			st.Tensors[fl.name+".H_full"] = fl.full.h.Clone()
			st.Tensors[fl.name+".S_full"] = fl.full.s.Clone()
		}
	}
	return st
}

func (fl *fisherLayer[T]) vectors() map[string][]T {
	v := map[string][]T{"H_D": fl.H, "S_D": fl.S}
	if fl.hAvg != nil {
		v["H_avg"], v["S_avg"] = fl.hAvg, fl.sAvg
	}
	return v
}

// LoadState restores a state saved by State from an optimizer built the same
// way.
func (o *AdaFisher[T]) LoadState(st State[T]) error {
	get := func(name string, dst []T) error {
		t, ok := st.Tensors[name]
		if !ok {
			return fmt.Errorf("%s state: tensor %q is missing", o.Name(), name)
		}
		if len(t.Data) != len(dst) {
			return fmt.Errorf("%s state: tensor %q has %d elements, want %d", o.Name(), name, len(t.Data), len(dst))
		}
		copy(dst, t.Data)
		return nil
	}
	scalar := func(name string) (float64, error) {
		v, ok := st.Scalars[name]
		if !ok {
			return 0, fmt.Errorf("%s state: scalar %q is missing", o.Name(), name)
		}
		return v, nil
	}
	for i, p := range o.params {
		if err := get(p.Name+".exp_avg", o.m[i].Data); err != nil {
			return err
		}
		v, err := scalar(p.Name + ".step")
		if err != nil {
			return err
		}
		o.pstep[i] = int64(v)
	}
	for _, fl := range o.layers {
		vs := fl.vectors()
		names := make([]string, 0, len(vs))
		for n := range vs {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			if err := get(fl.name+"."+n, vs[n]); err != nil {
				return err
			}
		}
		if fl.full != nil {
			if err := get(fl.name+".H_full", fl.full.h.Data); err != nil {
				return err
			}
			if err := get(fl.name+".S_full", fl.full.s.Data); err != nil {
				return err
			}
		}
		o.buildF(fl)
	}
	v, err := scalar("steps")
	if err != nil {
		return err
	}
	o.steps = int64(v)
	if lr, ok := st.Scalars["lr"]; ok {
		o.lr = lr
	}
	return nil
}

// FactorLayer is one layer's factor state, for a snapshot: the diagonals
// that build F and, with full factors, the full matrices.
type FactorLayer[T nn.Float] struct {
	Layer        string
	Kind         nn.Kind
	H, S         []T
	HFull, SFull *nn.Tensor[T] // nil without full factors
}

// FactorLayers returns the factor state of every supported layer, in layer
// order. The slices alias the optimizer's state: copy them before the next
// step.
//
// The list itself is reused by the next call.
func (o *AdaFisher[T]) FactorLayers() []FactorLayer[T] {
	out := o.factors[:0]
	if out == nil {
		out = make([]FactorLayer[T], 0, len(o.layers)) // never nil: AdaFisher has factors, even for no layer
	}
	for _, fl := range o.layers {
		f := FactorLayer[T]{Layer: fl.name, Kind: fl.kind, H: fl.H, S: fl.S}
		if fl.full != nil {
			f.HFull, f.SFull = fl.full.h, fl.full.s
		}
		out = append(out, f)
	}
	o.factors = out
	return out
}
