package optim

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/nn"
)

// Shampoo is the preconditioner of Gupta, Koren and Singer (ICML 2018) as the
// AdaFisher paper ran it (ASDL's ShampooGradientMaker, then gradient-norm
// clipping, then momentum SGD with weight decay; reference section 8.1):
//
//	a parameter with two or more dimensions is a matrix G (rows the first
//	dimension, so a conv kernel is out x in*kh*kw); with a dimension above
//	MaxPrecondDim it is cut into blocks of at most MaxPrecondDim along each
//	dimension, each block with its own statistics. Per block:
//	    L_0 = eps*I, R_0 = eps*I
//	    every UpdateInterval steps (0-based step % interval == 0):
//	        L += G G^T, R += G^T G    (StatDecay d in [0,1): L = d*L + (1-d)*G G^T)
//	        L^(-1/4), R^(-1/4) by a symmetric eigendecomposition, the
//	        eigenvalues floored at eps
//	    every step: D = L^(-1/4) G R^(-1/4)
//	a vector (a bias) has a diagonal statistic: s = eps + sum g^2 (likewise
//	refreshed), D = g / sqrt(s)
//	parameters of BatchNorm1d, BatchNorm2d, GroupNorm and LayerNorm layers
//	    are not preconditioned: D = g (ASDL's ignore_modules in the paper's
//	    configs)
//	grafting (optional), per parameter: D = D * |S| / |D| with S the SGD
//	    direction g ("sgd") or Adam's g / (sqrt(v/(1-beta2^t)) + eps) with
//	    v = beta2*v + (1-beta2)*g^2 ("adam"); a parameter that is not
//	    preconditioned takes S itself
//	clipping: when ClipNorm > 0 and the norm of all D together exceeds it,
//	    D *= ClipNorm / (norm + 1e-6)   (torch.nn.utils.clip_grad_norm_)
//	momentum SGD: d = D + wd*p; buf = momentum*buf + d; p = p - lr*buf
//
// Statistics and roots are kept in the run's element type; the
// eigendecompositions run in float64 (see eigenSolver).
type Shampoo[T nn.Float] struct {
	cfg    ShampooConfig
	lr     float64
	params []*shampooParam[T]
	bufs   []*nn.Tensor[T]
	steps  int64
	eig    eigenSolver
	spec   stateSpec
	plain  []string // the parameters that are not preconditioned

	w, q, tmp []T // scratch
}

// ShampooConfig holds Shampoo's settings.
type ShampooConfig struct {
	LR             float64
	Momentum       float64
	WeightDecay    float64
	Epsilon        float64 // statistics start at Epsilon*I; eigenvalue floor
	StatDecay      float64 // < 0: sums (the paper); in [0, 1): moving averages
	UpdateInterval int
	MaxPrecondDim  int
	Graft          string  // "none", "sgd" or "adam"
	Beta2, Eps     float64 // Adam grafting
	ClipNorm       float64 // 0: no clipping
}

// GraftTypes lists the grafting choices.
var GraftTypes = []string{"none", "sgd", "adam"}

type shampooParam[T nn.Float] struct {
	p          *nn.Param[T]
	plain      bool
	rows, cols int // the matrix view; cols 0 for a vector
	blocks     []*shampooBlock[T]
	diag, root []T // vectors: the statistic and s^(-1/2)
	dir        []T
	graftV     []T // Adam grafting: the second moment
}

type shampooBlock[T nn.Float] struct {
	r0, r1, c0, c1 int
	l, r           []T // statistics
	lRoot, rRoot   []T // their inverse fourth roots
	g, t           []T // scratch: the block of the gradient, and a product
}

// NewShampoo builds Shampoo for a model: the parameters of normalisation
// layers (BatchNorm1d, BatchNorm2d, GroupNorm, LayerNorm) take their plain
// gradient.
func NewShampoo[T nn.Float](m *nn.Model[T], cfg ShampooConfig) (*Shampoo[T], error) {
	plain := map[string]bool{}
	for _, l := range m.ParamLayers() {
		switch l.Kind() {
		case nn.KindBatchNorm2d, nn.KindBatchNorm1d, nn.KindGroupNorm, nn.KindLayerNorm:
			for _, p := range l.Params() {
				plain[p.Name] = true
			}
		}
	}
	return NewShampooParams(m.Params(), plain, cfg)
}

// NewShampooParams builds Shampoo for a list of parameters; those named in
// plain are not preconditioned.
func NewShampooParams[T nn.Float](params []*nn.Param[T], plain map[string]bool, cfg ShampooConfig) (*Shampoo[T], error) {
	switch {
	case !validHyper(cfg.LR):
		return nil, fmt.Errorf("shampoo: invalid learning rate %g", cfg.LR)
	case !validHyper(cfg.Momentum):
		return nil, fmt.Errorf("shampoo: invalid momentum %g", cfg.Momentum)
	case !validHyper(cfg.WeightDecay):
		return nil, fmt.Errorf("shampoo: invalid weight decay %g", cfg.WeightDecay)
	case !(cfg.Epsilon > 0) || math.IsInf(cfg.Epsilon, 1):
		return nil, fmt.Errorf("shampoo: invalid epsilon (Hyper.Damping) %g, want a positive number", cfg.Epsilon)
	case !(cfg.StatDecay < 1) || math.IsNaN(cfg.StatDecay):
		return nil, fmt.Errorf("shampoo: invalid stat decay %g, want a negative number (sums) or [0, 1)", cfg.StatDecay)
	case cfg.UpdateInterval < 1:
		return nil, fmt.Errorf("shampoo: invalid update interval %d, want a positive number of steps", cfg.UpdateInterval)
	case cfg.MaxPrecondDim < 1:
		return nil, fmt.Errorf("shampoo: invalid max preconditioner dimension %d", cfg.MaxPrecondDim)
	case cfg.Graft != "none" && cfg.Graft != "sgd" && cfg.Graft != "adam":
		return nil, fmt.Errorf("shampoo: unknown graft type %q, want none, sgd or adam", cfg.Graft)
	case cfg.Graft == "adam" && !(cfg.Beta2 >= 0 && cfg.Beta2 < 1 && validHyper(cfg.Eps)):
		return nil, fmt.Errorf("shampoo: Adam grafting needs beta2 in [0, 1) and eps >= 0, not %g and %g", cfg.Beta2, cfg.Eps)
	case !validHyper(cfg.ClipNorm):
		return nil, fmt.Errorf("shampoo: invalid clip norm %g", cfg.ClipNorm)
	}
	if err := checkParams("shampoo", params); err != nil {
		return nil, err
	}
	o := &Shampoo[T]{cfg: cfg, lr: cfg.LR}
	maxN := 0
	for _, p := range params {
		sp := &shampooParam[T]{p: p, plain: plain[p.Name], dir: make([]T, p.Value.Numel())}
		if sp.plain {
			o.plain = append(o.plain, p.Name)
		}
		n := p.Value.Numel()
		o.bufs = append(o.bufs, nn.NewTensor[T](p.Value.Shape...))
		o.spec.tensors = append(o.spec.tensors, tensorSpec{p.Name + ".momentum_buffer", p.Value.Shape})
		if cfg.Graft == "adam" {
			sp.graftV = make([]T, n)
			o.spec.tensors = append(o.spec.tensors, tensorSpec{p.Name + ".graft_exp_avg_sq", []int{n}})
		}
		switch {
		case sp.plain:
		case len(p.Value.Shape) < 2:
			sp.rows = n
			sp.diag, sp.root = make([]T, n), make([]T, n)
			for i := range sp.diag {
				sp.diag[i] = T(cfg.Epsilon)
				sp.root[i] = 1
			}
			o.spec.tensors = append(o.spec.tensors, tensorSpec{p.Name + ".diag", []int{n}}, tensorSpec{p.Name + ".diag_root", []int{n}})
		default:
			sp.rows = p.Value.Shape[0]
			sp.cols = n / sp.rows
			for _, r := range splits(sp.rows, cfg.MaxPrecondDim) {
				for _, c := range splits(sp.cols, cfg.MaxPrecondDim) {
					b := &shampooBlock[T]{r0: r[0], r1: r[1], c0: c[0], c1: c[1]}
					nr, nc := b.r1-b.r0, b.c1-b.c0
					b.l, b.lRoot = scaledEye[T](nr, cfg.Epsilon), eye[T](nr)
					b.r, b.rRoot = scaledEye[T](nc, cfg.Epsilon), eye[T](nc)
					b.g, b.t = make([]T, nr*nc), make([]T, nr*nc)
					k := len(sp.blocks)
					o.spec.tensors = append(o.spec.tensors,
						tensorSpec{blockKey(p.Name, "L", k), []int{nr, nr}}, tensorSpec{blockKey(p.Name, "R", k), []int{nc, nc}},
						tensorSpec{blockKey(p.Name, "L_root", k), []int{nr, nr}}, tensorSpec{blockKey(p.Name, "R_root", k), []int{nc, nc}})
					sp.blocks = append(sp.blocks, b)
					maxN = max(maxN, nr, nc)
				}
			}
		}
		o.params = append(o.params, sp)
	}
	o.w, o.q, o.tmp = make([]T, maxN), make([]T, maxN*maxN), make([]T, maxN*maxN)
	o.spec.scalars = []string{"steps", "eig_retries", "eig_failures"}
	o.spec.optional = []string{"lr"}
	return o, nil
}

// splits cuts [0, n) into pieces of at most k, the remainder last.
func splits(n, k int) [][2]int {
	var out [][2]int
	for lo := 0; lo < n; lo += k {
		out = append(out, [2]int{lo, min(lo+k, n)})
	}
	return out
}

func scaledEye[T nn.Float](n int, s float64) []T {
	m := make([]T, n*n)
	for i := 0; i < n; i++ {
		m[i*n+i] = T(s)
	}
	return m
}

func blockKey(param, what string, k int) string { return fmt.Sprintf("%s.%s.%d", param, what, k) }

// Name is "shampoo".
func (o *Shampoo[T]) Name() string { return "shampoo" }

// Needs is nothing: Shampoo's statistics come from the gradients.
func (o *Shampoo[T]) Needs() Needs { return Needs{} }

func (o *Shampoo[T]) LR() float64      { return o.lr }
func (o *Shampoo[T]) SetLR(lr float64) { o.lr = lr }

// Report lists the parameters that are not preconditioned and the
// eigendecompositions retried and failed so far.
func (o *Shampoo[T]) Report() Report[T] {
	return Report[T]{Plain: o.plain, EigRetries: o.eig.Retries, EigFailures: o.eig.Failures}
}

// Step preconditions every gradient, grafts, clips and takes the momentum
// step.
func (o *Shampoo[T]) Step(StepInput[T]) error {
	for i, sp := range o.params {
		if err := checkStepSizes("shampoo", sp.p, len(o.bufs[i].Data)); err != nil {
			return err
		}
	}
	update := o.steps%int64(o.cfg.UpdateInterval) == 0
	var total float64
	for _, sp := range o.params {
		g := sp.p.Grad.Data
		switch {
		case sp.plain:
			copy(sp.dir, g)
		case sp.cols == 0:
			if update {
				o.accumulate(sp.diag, g, 1)
				for i, s := range sp.diag {
					sp.root[i] = T(1 / math.Sqrt(max(float64(s), o.cfg.Epsilon)))
				}
			}
			for i, v := range g {
				sp.dir[i] = v * sp.root[i]
			}
		default:
			for _, b := range sp.blocks {
				o.preconditionBlock(sp, b, update)
			}
		}
		if o.cfg.Graft != "none" {
			o.graft(sp)
		}
		for _, v := range sp.dir {
			total += float64(v) * float64(v)
		}
	}
	if c := o.cfg.ClipNorm; c > 0 {
		norm := math.Sqrt(total)
		if coef := c / (norm + 1e-6); coef < 1 {
			tc := T(coef)
			for _, sp := range o.params {
				for i := range sp.dir {
					sp.dir[i] *= tc
				}
			}
		}
	}
	for i, sp := range o.params {
		momentumStep(sp.p.Value.Data, sp.dir, o.bufs[i].Data, o.lr, o.cfg.Momentum, o.cfg.WeightDecay)
	}
	o.steps++
	return nil
}

// accumulate adds fresh into a statistic: a sum, or a moving average when
// StatDecay is in [0, 1). For a vector, fresh is g and the statistic takes
// g^2 (square 1).
func (o *Shampoo[T]) accumulate(stat, fresh []T, square int) {
	d := o.cfg.StatDecay
	for i, v := range fresh {
		if square == 1 {
			v *= v
		}
		if d < 0 {
			stat[i] += v
		} else {
			stat[i] = T(T(d)*stat[i]) + T(T(1-d)*v)
		}
	}
}

// preconditionBlock refreshes the block's statistics and roots when update is
// set, and writes L^(-1/4) G R^(-1/4) into the parameter's direction.
func (o *Shampoo[T]) preconditionBlock(sp *shampooParam[T], b *shampooBlock[T], update bool) {
	nr, nc := b.r1-b.r0, b.c1-b.c0
	g := sp.p.Grad.Data
	for i := 0; i < nr; i++ {
		copy(b.g[i*nc:(i+1)*nc], g[(b.r0+i)*sp.cols+b.c0:(b.r0+i)*sp.cols+b.c1])
	}
	if update {
		fresh := o.tmp[:nr*nr]
		nn.Gemm(false, true, nr, nr, nc, 1, b.g, nc, b.g, nc, 0, fresh, nr)
		o.accumulate(b.l, fresh, 0)
		fresh = o.tmp[:nc*nc]
		nn.Gemm(true, false, nc, nc, nr, 1, b.g, nc, b.g, nc, 0, fresh, nc)
		o.accumulate(b.r, fresh, 0)
		o.inverseRoot(b.l, nr, b.lRoot)
		o.inverseRoot(b.r, nc, b.rRoot)
	}
	nn.Gemm(false, false, nr, nc, nr, 1, b.lRoot, nr, b.g, nc, 0, b.t, nc)
	nn.Gemm(false, false, nr, nc, nc, 1, b.t, nc, b.rRoot, nc, 0, b.g, nc)
	for i := 0; i < nr; i++ {
		copy(sp.dir[(b.r0+i)*sp.cols+b.c0:(b.r0+i)*sp.cols+b.c1], b.g[i*nc:(i+1)*nc])
	}
}

// inverseRoot sets root = S^(-1/4) = Q diag(max(w, eps)^(-1/4)) Q^T; a
// failed decomposition keeps the previous root.
func (o *Shampoo[T]) inverseRoot(s []T, n int, root []T) {
	invFourthRootEig(&o.eig, s, n, o.cfg.Epsilon, root, o.w[:n], o.q[:n*n], o.tmp[:n*n])
}

// invFourthRootEig sets root = Q diag(max(w, eps)^(-1/4)) Q^T for the
// eigendecomposition s = Q diag(w) Q^T of an n x n statistic, using w (n),
// q and qs (n x n) as scratch; a failed decomposition leaves root alone.
func invFourthRootEig[T nn.Float](e *eigenSolver, s []T, n int, eps float64, root, w, q, qs []T) {
	if !eigenDecompose(e, s, n, w, q) {
		return
	}
	for k, v := range w {
		f := T(math.Pow(max(float64(v), eps), -0.25))
		for i := 0; i < n; i++ {
			qs[i*n+k] = q[i*n+k] * f
		}
	}
	nn.Gemm(false, true, n, n, n, 1, qs, n, q, n, 0, root, n)
}

// graft rescales the parameter's direction to the norm of the SGD or Adam
// direction (a parameter that is not preconditioned takes that direction).
func (o *Shampoo[T]) graft(sp *shampooParam[T]) {
	g := sp.p.Grad.Data
	var gn float64
	if o.cfg.Graft == "adam" {
		b2 := o.cfg.Beta2
		bc2 := 1 - powInt(b2, o.steps+1)
		sbc := math.Sqrt(bc2)
		for i, v := range g {
			sp.graftV[i] = T(T(b2)*sp.graftV[i]) + T(T(1-b2)*v*v)
		}
		if sp.plain {
			for i, v := range g {
				sp.dir[i] = T(float64(v) / (math.Sqrt(float64(sp.graftV[i]))/sbc + o.cfg.Eps))
			}
			return
		}
		for i, v := range g {
			a := float64(v) / (math.Sqrt(float64(sp.graftV[i]))/sbc + o.cfg.Eps)
			gn += a * a
		}
	} else {
		if sp.plain {
			return
		}
		for _, v := range g {
			gn += float64(v) * float64(v)
		}
	}
	var dn float64
	for _, v := range sp.dir {
		dn += float64(v) * float64(v)
	}
	scale := 0.0
	if dn > 0 {
		scale = math.Sqrt(gn / dn)
	}
	for i := range sp.dir {
		sp.dir[i] = T(float64(sp.dir[i]) * scale)
	}
}

// State holds "<param>.momentum_buffer"; for a matrix "<param>.L.<k>",
// "<param>.R.<k>", "<param>.L_root.<k>" and "<param>.R_root.<k>" per block k
// (row-major over the blocks); for a vector "<param>.diag" and
// "<param>.diag_root"; with Adam grafting "<param>.graft_exp_avg_sq"; and
// the scalars "steps", "lr", "eig_retries" and "eig_failures".
func (o *Shampoo[T]) State() State[T] {
	st := State[T]{Tensors: map[string]*nn.Tensor[T]{}, Scalars: map[string]float64{
		"steps": float64(o.steps), "lr": o.lr, "eig_retries": float64(o.eig.Retries), "eig_failures": float64(o.eig.Failures)}}
	for name, t := range o.tensors() {
		st.Tensors[name] = t.Clone()
	}
	return st
}

// tensors views the state as named tensors (aliasing it).
func (o *Shampoo[T]) tensors() map[string]*nn.Tensor[T] {
	out := map[string]*nn.Tensor[T]{}
	sq := func(d []T, n int) *nn.Tensor[T] { return &nn.Tensor[T]{Shape: []int{n, n}, Data: d} }
	vec := func(d []T) *nn.Tensor[T] { return &nn.Tensor[T]{Shape: []int{len(d)}, Data: d} }
	for i, sp := range o.params {
		name := sp.p.Name
		out[name+".momentum_buffer"] = o.bufs[i]
		if sp.graftV != nil {
			out[name+".graft_exp_avg_sq"] = vec(sp.graftV)
		}
		if sp.diag != nil {
			out[name+".diag"], out[name+".diag_root"] = vec(sp.diag), vec(sp.root)
		}
		for k, b := range sp.blocks {
			nr, nc := b.r1-b.r0, b.c1-b.c0
			out[blockKey(name, "L", k)], out[blockKey(name, "L_root", k)] = sq(b.l, nr), sq(b.lRoot, nr)
			out[blockKey(name, "R", k)], out[blockKey(name, "R_root", k)] = sq(b.r, nc), sq(b.rRoot, nc)
		}
	}
	return out
}

// LoadState restores a state saved by State from a Shampoo built the same
// way; it checks everything before changing anything.
func (o *Shampoo[T]) LoadState(st State[T]) error {
	if err := checkState("shampoo", &o.spec, st); err != nil {
		return err
	}
	for name, t := range o.tensors() {
		copy(t.Data, st.Tensors[name].Data)
	}
	o.steps = int64(st.Scalars["steps"])
	o.eig.Retries, o.eig.Failures = int(st.Scalars["eig_retries"]), int(st.Scalars["eig_failures"])
	if lr, ok := st.Scalars["lr"]; ok {
		o.lr = lr
	}
	return nil
}
