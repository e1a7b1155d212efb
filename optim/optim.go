// Package optim holds the Optimizer interface and one file per method: SGD,
// Adam and AdamW (exactly as torch.optim), AdaFisher and AdaFisherW (Gomes et
// al., ICLR 2025), K-FAC, Shampoo and AdaHessian as the official AdaFisher
// repository runs them.
//
// A method declares before each step what the step needs (Needs: captured
// curvature, Hessian-vector products); the training loop provides exactly
// that in the StepInput. Defaults(name) gives a method's default settings and
// Presets the paper's named settings (Figure 1, the CIFAR-10 and language
// model tables), defined here once for the command line, the experiments and
// the notebooks.
package optim

import "github.com/adafisher-go/landscape/nn"

// Optimizer updates a model's parameters from their gradients.
//
// Before each step the training loop reads Needs. With Needs.Curvature the
// forward pass runs with nn.Mode.Capture and StepInput.Captures holds what
// each layer captured (by layer name and kind, never by position); with
// Needs.HVP, StepInput.HVP computes Hessian-vector products of the step's
// batch loss. Other steps cost nothing extra. A new method is one file with
// a type that has these methods, plus its case in New and its defaults (the
// defaults table in defaults.go); the training loop does not change.
type Optimizer[T nn.Float] interface {
	// Name is the method's name as New spells it.
	Name() string
	// Needs says what the coming Step reads besides the gradients.
	Needs() Needs
	// Step updates the parameters from their gradients and what Needs
	// asked for.
	Step(in StepInput[T]) error
	// LR and SetLR read and set the learning rate (schedules call SetLR).
	LR() float64
	SetLR(lr float64)
	// State returns the optimizer's state for a checkpoint; LoadState
	// restores it into an optimizer built with the same parameters.
	State() State[T]
	LoadState(s State[T]) error
	// Report describes the optimizer beyond its update, for run files and
	// logs; methods without anything to report return the zero Report.
	Report() Report[T]
}

// Needs is what a step asks of the training loop before its forward pass.
type Needs struct {
	// Curvature: run the forward pass with capture and pass each layer's
	// input and output gradient (StepInput.Captures).
	Curvature bool
	// Diagonal, with Curvature: the step reads only the diagonals of the
	// captured factors, so the pass may capture with nn.Mode.Diagonal
	// (column sums instead of rows, no whole-batch patch matrices).
	Diagonal bool
	// HVP: Step calls StepInput.HVP, Hessian-vector products of the batch
	// loss.
	HVP bool
}

// StepInput is what one step hands the optimizer, after the forward and
// backward pass that left the gradients in the parameters.
type StepInput[T nn.Float] struct {
	// Input and Labels are the step's batch.
	Input  *nn.Tensor[T]
	Labels []int
	// Captures holds what each layer captured in the step's forward and
	// backward pass when Needs.Curvature said so, nil otherwise. It is
	// valid until the next forward pass.
	Captures []*nn.Capture[T]
	// HVP sets out = H v, the Hessian of the step's batch loss times v (one
	// tensor per parameter, in the model's Params order), when Needs.HVP
	// said so; nil otherwise. The training loop computes it only when
	// called (nn.HVP: a pass of its own that leaves the gradients and the
	// BatchNorm statistics as they were).
	HVP func(v, out []*nn.Tensor[T]) error
}

// Report is what an optimizer says about itself besides its update.
type Report[T nn.Float] struct {
	// Plain lists the parameters that no layer the method preconditions
	// owns: they take the method's update without a preconditioner
	// (AdaFisher: F = 1; K-FAC: the momentum step of their gradient;
	// Shampoo: their plain gradient).
	Plain []string
	// Factors is the Kronecker factor state of every layer (AdaFisher), in
	// layer order, for a factor snapshot; nil for methods without. The
	// slices alias the optimizer's state: copy them before the next step.
	Factors []FactorLayer[T]
	// Diagnostics describes the preconditioner after a step that refreshed
	// it (AdaFisher: the factors; K-FAC: their eigendecompositions); nil
	// after other steps and for methods without.
	Diagnostics *Diagnostics
	// EigRetries and EigFailures count the eigendecompositions (K-FAC,
	// Shampoo) retried in float64 and those whose retry failed too (the
	// previous decomposition was kept), over the run so far.
	EigRetries, EigFailures int
}

// State is an optimizer's saved state: named tensors (such as
// "fc1.weight.exp_avg") and named scalars (such as "step").
type State[T nn.Float] struct {
	Tensors map[string]*nn.Tensor[T]
	Scalars map[string]float64
}

// FactorSource lists Kronecker factor layers: AdaFisher has them, and a
// factor snapshot reads them (Report.Factors holds the same list).
type FactorSource[T nn.Float] interface {
	FactorLayers() []FactorLayer[T]
}
