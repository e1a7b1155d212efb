package train

import (
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// Step runs one optimizer step on a batch: forward (capturing curvature when
// the optimizer asks for it), softmax cross-entropy with mean reduction,
// backward, update. It returns the batch's loss before the update and the
// number of correct predictions. dloss is scratch space reused across steps.
func Step[T nn.Float](m *nn.Model[T], opt optim.Optimizer[T], in *nn.Tensor[T], labels []int, dloss *nn.Tensor[T]) (loss float64, correct int, err error) {
	capture := opt.WantsCurvature()
	m.ZeroGrad()
	out, err := m.Forward(in, nn.Mode{Train: true, Capture: capture})
	if err != nil {
		return 0, 0, err
	}
	loss, correct = nn.CrossEntropy(out, labels, dloss)
	if loss != loss || loss > maxFloat || loss < -maxFloat {
		return loss, correct, nil // the caller reports a non-finite loss
	}
	m.Backward(dloss)
	var caps []*nn.Capture[T]
	if capture {
		caps = m.Captures()
	}
	return loss, correct, opt.Step(caps)
}

const maxFloat = 1.7976931348623157e308
