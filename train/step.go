package train

import (
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// Stepper runs training steps of one model with one optimizer. Before each
// forward pass it reads the optimizer's Needs and provides exactly that: the
// layers' captures (optim.Needs.Curvature) and Hessian-vector products of the
// step's batch loss, computed only when the optimizer calls them
// (optim.Needs.HVP). It keeps its scratch space between steps.
type Stepper[T nn.Float] struct {
	model *nn.Model[T]
	opt   optim.Optimizer[T]
	dloss nn.Tensor[T]
	// The Hessian-vector products: hvp is built on first use; in and
	// labels are the batch of the step in progress.
	hvp    *nn.HVP[T]
	in     *nn.Tensor[T]
	labels []int
	hvpFn  func(v, out []*nn.Tensor[T]) error
}

// StepResult is what one step reports.
type StepResult[T nn.Float] struct {
	// Loss is the batch's loss before the update and Correct its number of
	// correct predictions.
	Loss    float64
	Correct int
	// Captures holds what the layers captured when the step captured
	// curvature, nil otherwise; valid until the next forward pass.
	Captures []*nn.Capture[T]
}

// NewStepper returns a Stepper of the model and its optimizer.
func NewStepper[T nn.Float](m *nn.Model[T], opt optim.Optimizer[T]) *Stepper[T] {
	s := &Stepper[T]{model: m, opt: opt}
	s.hvpFn = s.hessian
	return s
}

// Step runs one optimizer step on a batch: forward (capturing curvature when
// the optimizer needs it, or when forceCapture asks for it, as a factor
// snapshot does), softmax cross-entropy with mean reduction, backward,
// update. A non-finite loss returns before the backward pass and the update.
func (s *Stepper[T]) Step(in *nn.Tensor[T], labels []int, forceCapture bool) (StepResult[T], error) {
	needs := s.opt.Needs()
	capture := needs.Curvature || forceCapture
	s.model.ZeroGrad()
	out, err := s.model.Forward(in, nn.Mode{Train: true, Capture: capture})
	if err != nil {
		return StepResult[T]{}, err
	}
	var r StepResult[T]
	r.Loss, r.Correct = nn.CrossEntropy(out, labels, &s.dloss)
	if r.Loss != r.Loss || r.Loss > maxFloat || r.Loss < -maxFloat {
		return r, nil
	}
	s.model.Backward(&s.dloss)
	if capture {
		r.Captures = s.model.Captures()
	}
	si := optim.StepInput[T]{Input: in, Labels: labels}
	if needs.Curvature {
		si.Captures = r.Captures
	}
	if needs.HVP {
		s.in, s.labels = in, labels
		si.HVP = s.hvpFn
	}
	err = s.opt.Step(si)
	s.in, s.labels = nil, nil
	return r, err
}

// hessian sets out = H v on the batch of the step in progress, in training
// mode as the step's own pass.
func (s *Stepper[T]) hessian(v, out []*nn.Tensor[T]) error {
	if s.hvp == nil {
		s.hvp = nn.NewHVP(s.model)
	}
	_, err := s.hvp.Hessian(s.in, s.labels, nn.Mode{Train: true}, v, out)
	return err
}

const maxFloat = 1.7976931348623157e308
