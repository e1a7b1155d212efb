package optim

// The methods' defaults, defined here once: the command line's flag defaults
// and help text, the presets and the zero-value fill of New read them.
//
// SGD, Adam, AdamW: torch.optim's (SGD has no default learning rate there;
// 1e-3 here). AdaFisher and AdaFisherW: the official constructor's (lr 1e-3,
// beta 0.9, Lambda 1e-3, gamma 0.8, TCov 100; optimizers/AdaFisher.py), with
// TCov 1 in paper mode (Algorithm 1 refreshes the factors every step). K-FAC:
// the official repository's KFACOptimizer (optimizers/kfac.py). Shampoo: the
// paper's CNN configuration (Image_Classification/configs/ShampooCNN.yaml)
// without its weight decay, with blocks of at most 1024. AdaHessian: the
// official implementation's (optimizers/AdaHessian.py).
var defaults = map[string]Hyper{
	"sgd":        {LR: 1e-3},
	"adam":       {LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
	"adamw":      {LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
	"adafisher":  {LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, FisherMode: "reference"},
	"adafisherw": {LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, FisherMode: "reference"},
	"kfac":       {LR: 1e-3, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 10, TInv: 100},
	"shampoo": {LR: 0.3, Momentum: 0.9, Damping: 1e-12, StatDecay: -1, UpdateInterval: 1, MaxPrecondDim: 1024,
		GraftType: "none", Beta2: 0.999, Eps: 1e-8, ClipNorm: 1},
	"adahessian": {LR: 0.15, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1},
}

// paperTCov is AdaFisher's factor refresh interval in paper mode.
const paperTCov = 1

// Defaults returns the default hyperparameters of the named method.
func Defaults(name string) (Hyper, error) {
	d, ok := defaults[name]
	if !ok {
		return Hyper{}, unknown(name)
	}
	return d, nil
}

// field is one hyperparameter that a method tunes: its name (as Hyper's JSON
// tag) and whether zero is a valid setting of it.
type field struct {
	name      string
	zeroValid bool
	isZero    func(h *Hyper) bool
	copy      func(dst, src *Hyper)
}

func f64(name string, zeroValid bool, p func(h *Hyper) *float64) field {
	return field{name, zeroValid, func(h *Hyper) bool { return *p(h) == 0 }, func(dst, src *Hyper) { *p(dst) = *p(src) }}
}

func integer(name string, p func(h *Hyper) *int) field {
	return field{name, false, func(h *Hyper) bool { return *p(h) == 0 }, func(dst, src *Hyper) { *p(dst) = *p(src) }}
}

var (
	beta1   = f64("beta1", true, func(h *Hyper) *float64 { return &h.Beta1 })
	beta2   = f64("beta2", true, func(h *Hyper) *float64 { return &h.Beta2 })
	eps     = f64("eps", true, func(h *Hyper) *float64 { return &h.Eps })
	lambda  = f64("lambda", true, func(h *Hyper) *float64 { return &h.Lambda })
	gamma   = f64("gamma", true, func(h *Hyper) *float64 { return &h.Gamma })
	tcov    = integer("tcov", func(h *Hyper) *int { return &h.TCov })
	mom     = f64("momentum", true, func(h *Hyper) *float64 { return &h.Momentum })
	decay   = f64("stat_decay", true, func(h *Hyper) *float64 { return &h.StatDecay })
	klClip  = f64("kl_clip", false, func(h *Hyper) *float64 { return &h.KLClip })
	tinv    = integer("tinv", func(h *Hyper) *int { return &h.TInv })
	clip    = f64("clip_norm", true, func(h *Hyper) *float64 { return &h.ClipNorm })
	power   = f64("hessian_power", false, func(h *Hyper) *float64 { return &h.HessianPower })
	every   = integer("update_interval", func(h *Hyper) *int { return &h.UpdateInterval })
	maxDim  = integer("max_precond_dim", func(h *Hyper) *int { return &h.MaxPrecondDim })
	kfacDmp = f64("damping", true, func(h *Hyper) *float64 { return &h.Damping })
	// Shampoo's damping is its epsilon, which must be positive.
	shampooDmp = f64("damping", false, func(h *Hyper) *float64 { return &h.Damping })
)

// tuning lists, per method, the hyperparameters besides the learning rate
// that have non-zero defaults.
var tuning = map[string][]field{
	"sgd":        nil,
	"adam":       {beta1, beta2, eps},
	"adamw":      {beta1, beta2, eps},
	"adafisher":  {beta1, lambda, gamma, tcov},
	"adafisherw": {beta1, lambda, gamma, tcov},
	"kfac":       {mom, decay, kfacDmp, klClip, tcov, tinv},
	"shampoo":    {mom, shampooDmp, decay, every, maxDim, beta2, eps, clip},
	"adahessian": {beta1, beta2, eps, power},
}

// WithDefaults completes h for the named method from its defaults.
//
// When h sets none of the method's hyperparameters that have non-zero
// defaults (the learning rate, weight decay and mode switches aside), they
// all take their defaults: Hyper{} and Hyper{LR: 0.01} mean the method's
// defaults. Otherwise h is taken as given (a zero momentum is no momentum),
// except that a zero where zero is not a valid setting takes the default: the
// learning rate, TCov, TInv, KL clip, update interval, block size, Hessian
// power, Shampoo's epsilon (Damping), FisherMode and GraftType. The fill is
// idempotent, so a completed Hyper saved with a run means the same when it is
// read back.
func WithDefaults(name string, h Hyper) (Hyper, error) {
	d, err := Defaults(name)
	if err != nil {
		return h, err
	}
	if h.LR == 0 {
		h.LR = d.LR
	}
	switch name {
	case "adafisher", "adafisherw":
		if h.FisherMode == "" {
			h.FisherMode = d.FisherMode
		}
		if h.FisherMode == "paper" {
			d.TCov = paperTCov
		}
	case "shampoo":
		if h.GraftType == "" {
			h.GraftType = d.GraftType
		}
	}
	none := true
	for _, f := range tuning[name] {
		none = none && f.isZero(&h)
	}
	for _, f := range tuning[name] {
		if f.isZero(&h) && (none || !f.zeroValid) {
			f.copy(&h, &d)
		}
	}
	return h, nil
}
