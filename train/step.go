package train

import (
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// Step runs one optimizer step on a batch: forward (capturing curvature when
// the optimizer asks for it, or when capture is forced), softmax
// cross-entropy with mean reduction, backward, update. It returns the batch's
// loss before the update, the number of correct predictions, and what the
// layers captured (nil without capture; valid until the next forward pass).
// dloss is scratch space reused across steps. A non-finite loss returns
// before the backward pass and the update.
func Step[T nn.Float](m *nn.Model[T], opt optim.Optimizer[T], in *nn.Tensor[T], labels []int, dloss *nn.Tensor[T], forceCapture bool) (loss float64, correct int, caps []*nn.Capture[T], err error) {
	capture := opt.WantsCurvature() || forceCapture
	m.ZeroGrad()
	out, err := m.Forward(in, nn.Mode{Train: true, Capture: capture})
	if err != nil {
		return 0, 0, nil, err
	}
	loss, correct = nn.CrossEntropy(out, labels, dloss)
	if loss != loss || loss > maxFloat || loss < -maxFloat {
		return loss, correct, nil, nil
	}
	m.Backward(dloss)
	if capture {
		caps = m.Captures()
	}
	if h, ok := opt.(optim.HessianUser[T]); ok && h.NeedsHVP() {
		h.SetBatch(in, labels)
	}
	if opt.WantsCurvature() {
		err = opt.Step(caps)
	} else {
		err = opt.Step(nil)
	}
	return loss, correct, caps, err
}

const maxFloat = 1.7976931348623157e308
