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
}

// Names lists the optimizers that New builds.
var Names = []string{"sgd", "adam", "adamw", "adafisher", "adafisherw"}

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
			WeightDecay: h.WeightDecay, Decoupled: name == "adafisherw", Mode: h.FisherMode, FullFactors: h.FullFactors})
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
