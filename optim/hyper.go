package optim

import (
	"fmt"
	"strings"

	"github.com/adafisher-go/landscape/nn"
)

// Hyper holds every hyperparameter of every method; each method reads the
// ones it uses. Defaults(name) gives a method's defaults and Presets the
// paper's settings; New fills the fields left at zero where zero is not a
// valid setting (see WithDefaults).
type Hyper struct {
	LR          float64 `json:"lr"`
	Momentum    float64 `json:"momentum,omitempty"`
	Dampening   float64 `json:"dampening,omitempty"`
	Nesterov    bool    `json:"nesterov,omitempty"`
	WeightDecay float64 `json:"weight_decay"`
	Beta1       float64 `json:"beta1,omitempty"`
	Beta2       float64 `json:"beta2,omitempty"`
	Eps         float64 `json:"eps,omitempty"`
	// AdaFisher: Lambda (damping), Gamma (factor moving average), TCov
	// (factor refresh interval in steps), FisherMode ("reference" or
	// "paper"), FullFactors (keep full factor matrices for snapshots).
	Lambda      float64 `json:"lambda,omitempty"`
	Gamma       float64 `json:"gamma,omitempty"`
	TCov        int     `json:"tcov,omitempty"`
	FisherMode  string  `json:"fisher_mode,omitempty"`
	FullFactors bool    `json:"full_factors,omitempty"`
	// FisherExtend gives AdaFisher factors for Embedding and BatchNorm1d
	// (always on in paper mode).
	FisherExtend bool `json:"fisher_extend,omitempty"`
	// K-FAC: Damping, StatDecay (factor moving average), KLClip, TInv
	// (decomposition interval; TCov is the factor refresh interval).
	// Shampoo: Damping is its epsilon, StatDecay < 0 sums the statistics,
	// UpdateInterval, MaxPrecondDim, GraftType ("none", "sgd", "adam"),
	// ClipNorm (0: none). AdaHessian: HessianPower, and Seed, the run's
	// seed, from which its Rademacher probes are drawn.
	Damping        float64 `json:"damping,omitempty"`
	StatDecay      float64 `json:"stat_decay,omitempty"`
	KLClip         float64 `json:"kl_clip,omitempty"`
	TInv           int     `json:"tinv,omitempty"`
	UpdateInterval int     `json:"update_interval,omitempty"`
	MaxPrecondDim  int     `json:"max_precond_dim,omitempty"`
	GraftType      string  `json:"graft_type,omitempty"`
	ClipNorm       float64 `json:"clip_norm,omitempty"`
	HessianPower   float64 `json:"hessian_power,omitempty"`
	Seed           uint64  `json:"seed,omitempty"`
}

// Names lists the optimizers that New builds.
var Names = []string{"sgd", "adam", "adamw", "adafisher", "adafisherw", "kfac", "shampoo", "adahessian"}

// New builds the named optimizer for the model's parameters. Fields of h
// left at zero where zero is not a valid setting of the method take its
// defaults (WithDefaults), so that Hyper{} works for every method; start from
// Defaults(name) for all of a method's defaults.
func New[T nn.Float](name string, m *nn.Model[T], h Hyper) (Optimizer[T], error) {
	h, err := WithDefaults(name, h)
	if err != nil {
		return nil, err
	}
	if !(h.LR > 0) {
		return nil, fmt.Errorf("optimizer %s: learning rate %g, want a positive number", name, h.LR)
	}
	params := m.Params()
	// Each case checks err itself so that a failed constructor never comes
	// back as a non-nil interface holding a nil pointer.
	switch name {
	case "sgd":
		o, err := NewSGD(params, h)
		if err != nil {
			return nil, err
		}
		return o, nil
	case "adam", "adamw":
		o, err := NewAdam(params, h, name == "adamw")
		if err != nil {
			return nil, err
		}
		return o, nil
	case "adafisher", "adafisherw":
		o, err := NewAdaFisher(m, fisherConfig(h, name == "adafisherw"))
		if err != nil {
			return nil, err
		}
		return o, nil
	case "kfac":
		o, err := NewKFAC(m, kfacConfig(h))
		if err != nil {
			return nil, err
		}
		return o, nil
	case "shampoo":
		o, err := NewShampoo(m, shampooConfig(h))
		if err != nil {
			return nil, err
		}
		return o, nil
	case "adahessian":
		o, err := NewAdaHessian(m, adaHessianConfig(h))
		if err != nil {
			return nil, err
		}
		return o, nil
	}
	return nil, unknown(name)
}

func unknown(name string) error {
	return fmt.Errorf("unknown optimizer %q, want one of %s", name, strings.Join(Names, ", "))
}

// The methods' own configurations from a Hyper.

func fisherConfig(h Hyper, decoupled bool) FisherConfig {
	return FisherConfig{LR: h.LR, Beta: h.Beta1, Lambda: h.Lambda, Gamma: h.Gamma, TCov: h.TCov,
		WeightDecay: h.WeightDecay, Decoupled: decoupled, Mode: h.FisherMode, FullFactors: h.FullFactors,
		Extend: h.FisherExtend || h.FisherMode == "paper"}
}

func kfacConfig(h Hyper) KFACConfig {
	return KFACConfig{LR: h.LR, Momentum: h.Momentum, StatDecay: h.StatDecay, Damping: h.Damping,
		KLClip: h.KLClip, WeightDecay: h.WeightDecay, TCov: h.TCov, TInv: h.TInv}
}

func shampooConfig(h Hyper) ShampooConfig {
	return ShampooConfig{LR: h.LR, Momentum: h.Momentum, WeightDecay: h.WeightDecay, Epsilon: h.Damping,
		StatDecay: h.StatDecay, UpdateInterval: h.UpdateInterval, MaxPrecondDim: h.MaxPrecondDim, Graft: h.GraftType,
		Beta2: h.Beta2, Eps: h.Eps, ClipNorm: h.ClipNorm}
}

func adaHessianConfig(h Hyper) AdaHessianConfig {
	return AdaHessianConfig{LR: h.LR, Beta1: h.Beta1, Beta2: h.Beta2, Eps: h.Eps,
		WeightDecay: h.WeightDecay, HessianPower: h.HessianPower, Seed: h.Seed}
}
