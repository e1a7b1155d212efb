package train

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/nn"
)

// metricFloat is a number of a metrics record; JSON has no NaN or
// infinity, so one that is not finite (Config.OnNaN "continue") is written
// as null.
type metricFloat float64

func (v metricFloat) MarshalJSON() ([]byte, error) {
	if !isFinite(float64(v)) {
		return []byte("null"), nil
	}
	return json.Marshal(float64(v))
}

// nonFiniteText names a value that is not finite ("NaN", "+Inf", "-Inf"),
// "" for a finite one.
func nonFiniteText(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return ""
}

// nonFinite is the error that stops a run (Config.OnNaN "stop") at a step
// whose loss, gradients or updated weights are not finite. Nothing of that
// step has been written: the metrics end at the step before, and the last
// checkpoint is the last good state.
func (s *session[T]) nonFinite(epoch int, r *StepResult[T]) error {
	what := fmt.Sprintf("the loss is %v", r.Loss)
	switch {
	case !isFinite(r.Loss) && r.NonFiniteWeight != "":
		what += fmt.Sprintf(" and the weights of %s are already not finite", r.NonFiniteWeight)
	case r.NonFiniteGrad != "":
		what = fmt.Sprintf("the gradient of %s (the first layer with one) is not finite, at loss %v", r.NonFiniteGrad, r.Loss)
	case r.NonFiniteWeight != "":
		what = fmt.Sprintf("the update made the weights of %s (the first layer with such weights) not finite, at loss %v", r.NonFiniteWeight, r.Loss)
	}
	return fmt.Errorf("step %d (epoch %d): %w: %s; training stopped. %s keeps the checkpoint of step %d, the last good state, and the metrics up to step %d",
		s.step+1, epoch+1, ErrNonFinite, what, s.dir.Path, s.ckptStep, s.step)
}

// checkFinite returns the name of the first tensor of a checkpoint that
// holds a NaN or an infinity ("" if none does), so that a poisoned
// optimizer state never replaces the last good checkpoint.
func checkFinite[T nn.Float](names []string, ts map[string]*nn.Tensor[T]) string {
	for _, name := range names {
		for _, v := range ts[name].Data {
			if v-v != 0 {
				return name
			}
		}
	}
	return ""
}
