// Package optim holds the Optimizer interface and one file per method: SGD,
// Adam and AdamW (exactly as torch.optim), and the second-order methods that
// read the curvature a model captured, layer by layer.
package optim

import (
	"fmt"
	"strings"

	"github.com/adafisher-go/landscape/nn"
)

// Optimizer updates a model's parameters from their gradients.
//
// The training loop asks WantsCurvature before each forward pass; when it says
// yes, the pass runs with nn.Mode.Capture set and Step receives what each layer
// captured (by layer name and kind, never by position). Other steps pass nil
// and cost nothing extra.
type Optimizer[T nn.Float] interface {
	// Name is the method's name as the command line spells it.
	Name() string
	// WantsCurvature reports whether the coming Step reads captured curvature.
	WantsCurvature() bool
	// Step updates the parameters. caps is nil unless WantsCurvature said yes.
	Step(caps []*nn.Capture[T]) error
	// LR and SetLR read and set the learning rate (schedules call SetLR).
	LR() float64
	SetLR(lr float64)
	// State returns the optimizer's state for a checkpoint; LoadState
	// restores it into an optimizer built with the same parameters.
	State() State[T]
	LoadState(s State[T]) error
}

// State is an optimizer's saved state: named tensors (such as
// "fc1.weight.exp_avg") and named scalars (such as "step").
type State[T nn.Float] struct {
	Tensors map[string]*nn.Tensor[T]
	Scalars map[string]float64
}

// Hyper holds every hyperparameter that the command line can set; each method
// reads the ones it uses.
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

// New builds the named optimizer for the model's parameters.
func New[T nn.Float](name string, m *nn.Model[T], h Hyper) (Optimizer[T], error) {
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
		o, err := NewAdaFisher(m, FisherConfig{LR: h.LR, Beta: h.Beta1, Lambda: h.Lambda, Gamma: h.Gamma, TCov: h.TCov,
			WeightDecay: h.WeightDecay, Decoupled: name == "adafisherw", Mode: h.FisherMode, FullFactors: h.FullFactors,
			Extend: h.FisherExtend || h.FisherMode == "paper"})
		if err != nil {
			return nil, err
		}
		return o, nil
	case "kfac":
		o, err := NewKFAC(m, KFACConfig{LR: h.LR, Momentum: h.Momentum, StatDecay: h.StatDecay, Damping: h.Damping,
			KLClip: h.KLClip, WeightDecay: h.WeightDecay, TCov: h.TCov, TInv: h.TInv})
		if err != nil {
			return nil, err
		}
		return o, nil
	case "shampoo":
		graft := h.GraftType
		if graft == "" {
			graft = "none"
		}
		o, err := NewShampoo(m, ShampooConfig{LR: h.LR, Momentum: h.Momentum, WeightDecay: h.WeightDecay, Epsilon: h.Damping,
			StatDecay: h.StatDecay, UpdateInterval: h.UpdateInterval, MaxPrecondDim: h.MaxPrecondDim, Graft: graft,
			Beta2: h.Beta2, Eps: h.Eps, ClipNorm: h.ClipNorm})
		if err != nil {
			return nil, err
		}
		return o, nil
	case "adahessian":
		o, err := NewAdaHessian(m, AdaHessianConfig{LR: h.LR, Beta1: h.Beta1, Beta2: h.Beta2, Eps: h.Eps,
			WeightDecay: h.WeightDecay, HessianPower: h.HessianPower, Seed: h.Seed})
		if err != nil {
			return nil, err
		}
		return o, nil
	}
	return nil, fmt.Errorf("unknown optimizer %q, want one of %s", name, strings.Join(Names, ", "))
}

// FactorSource is an optimizer with Kronecker factors that can be
// snapshotted (AdaFisher).
type FactorSource[T nn.Float] interface {
	FactorLayers() []FactorLayer[T]
}

// Diagnoser is an optimizer that describes its preconditioner after the steps
// that refresh it; Diagnostics is nil after other steps.
type Diagnoser interface {
	Diagnostics() *Diagnostics
}

// UnsupportedLister is an optimizer that treats some parameters plainly
// because no layer it supports owns them.
type UnsupportedLister interface {
	Unsupported() []string
}

// HessianUser is an optimizer whose Step needs Hessian-vector products of
// the loss on the step's batch (AdaHessian). When NeedsHVP says so, the
// training step hands it the batch by SetBatch before Step, after the
// forward and backward pass that produced the gradients; the optimizer then
// computes the products itself (nn.HVP: a pass of its own that leaves the
// gradients and BatchNorm statistics as they were).
type HessianUser[T nn.Float] interface {
	NeedsHVP() bool
	SetBatch(in *nn.Tensor[T], labels []int)
}

// EigenCounter is an optimizer that eigendecomposes its factors (K-FAC,
// Shampoo): it counts the decompositions that failed and were retried in
// float64, and those whose retry failed too (the previous one was kept).
type EigenCounter interface {
	EigenCounts() (retries, failures int)
}
