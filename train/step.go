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

	// KeepNonFinite makes Step go through with the backward pass and the
	// update whatever the loss and the gradients hold (Config.OnNaN
	// "continue"). Without it Step checks them and the updated weights,
	// and stops short of what would spread a NaN or an infinity.
	KeepNonFinite bool
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
	// Without KeepNonFinite: NonFiniteGrad names the first parameter, in
	// the model's order, whose gradient is not finite (the update was not
	// made); NonFiniteWeight the first whose value is not finite, before
	// the step when the loss is not finite (no backward pass was made),
	// after the update otherwise.
	NonFiniteGrad, NonFiniteWeight string
}

// Finite reports whether the step's loss, gradients and updated weights
// were all finite (as far as Step checked them).
func (r *StepResult[T]) Finite() bool {
	return isFinite(r.Loss) && r.NonFiniteGrad == "" && r.NonFiniteWeight == ""
}

func isFinite(v float64) bool { return v-v == 0 }

// firstNonFinite returns the name of the first parameter whose value (or
// gradient, with grad) holds a NaN or an infinity, "" if none does.
func firstNonFinite[T nn.Float](params []*nn.Param[T], grad bool) string {
	for _, p := range params {
		t := p.Value
		if grad {
			t = p.Grad
		}
		if t == nil {
			continue
		}
		for _, v := range t.Data {
			if v-v != 0 {
				return p.Name
			}
		}
	}
	return ""
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
// update. Unless KeepNonFinite is set, a non-finite loss returns before the
// backward pass, and a non-finite gradient before the update (see
// StepResult).
func (s *Stepper[T]) Step(in *nn.Tensor[T], labels []int, forceCapture bool) (StepResult[T], error) {
	needs := s.opt.Needs()
	capture := needs.Curvature || forceCapture
	// A forced capture (a factor snapshot) keeps the rows: it reads them.
	diagonal := needs.Curvature && needs.Diagonal && !forceCapture
	s.model.ZeroGrad()
	out, err := s.model.Forward(in, nn.Mode{Train: true, Capture: capture, Diagonal: diagonal})
	if err != nil {
		return StepResult[T]{}, err
	}
	var r StepResult[T]
	r.Loss, r.Correct = nn.CrossEntropy(out, labels, &s.dloss)
	if !s.KeepNonFinite && !isFinite(r.Loss) {
		r.NonFiniteWeight = firstNonFinite(s.model.Params(), false)
		return r, nil
	}
	s.model.Backward(&s.dloss)
	if !s.KeepNonFinite {
		if r.NonFiniteGrad = firstNonFinite(s.model.Params(), true); r.NonFiniteGrad != "" {
			return r, nil
		}
	}
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
	if err == nil && !s.KeepNonFinite {
		r.NonFiniteWeight = firstNonFinite(s.model.Params(), false)
	}
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
