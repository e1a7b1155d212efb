package train

import "math"

// Schedule gives the learning rate as a function of progress.
type Schedule struct {
	Kind string  `json:"kind"`    // "constant", "cosine" or "step"
	Unit string  `json:"unit"`    // "epoch" (the rate changes once per epoch, as a PyTorch loop that steps its scheduler after each epoch) or "step"
	Base float64 `json:"base_lr"` // the initial learning rate
	// TMax is the length of the cosine half-period in units; MinLR its floor
	// (CosineAnnealingLR's T_max and eta_min).
	TMax  int     `json:"t_max,omitempty"`
	MinLR float64 `json:"min_lr,omitempty"`
	// StepSize and Gamma: StepLR multiplies the rate by Gamma every StepSize units.
	StepSize int     `json:"step_size,omitempty"`
	Gamma    float64 `json:"gamma,omitempty"`
}

// Schedules lists the schedule kinds.
var Schedules = []string{"constant", "cosine", "step"}

func (s Schedule) validate() error {
	switch s.Unit {
	case "epoch", "step":
	default:
		return settingErrorf("{schedule.unit} %q, want epoch or step", s.Unit)
	}
	switch s.Kind {
	case "constant":
	case "cosine":
		if s.TMax < 1 {
			return settingErrorf("{schedule.kind} cosine needs its period: give {epochs} or {steps}, or {schedule.t_max}")
		}
	case "step":
		if s.StepSize < 1 {
			return settingErrorf("{schedule.step_size} %d, want a positive number of %ss", s.StepSize, s.Unit)
		}
		if !(s.Gamma > 0) {
			return settingErrorf("{schedule.gamma} %g, want a positive factor", s.Gamma)
		}
	default:
		return settingErrorf("unknown {schedule.kind} %q, want constant, cosine or step", s.Kind)
	}
	return nil
}

// At returns the learning rate for the step with the given 0-based index,
// in an epoch of stepsPerEpoch steps.
func (s Schedule) At(step, stepsPerEpoch int) float64 {
	t := step
	if s.Unit == "epoch" {
		t = step / max(stepsPerEpoch, 1)
	}
	switch s.Kind {
	case "cosine":
		t = min(t, s.TMax)
		return s.MinLR + (s.Base-s.MinLR)*(1+math.Cos(math.Pi*float64(t)/float64(s.TMax)))/2
	case "step":
		return s.Base * math.Pow(s.Gamma, float64(t/s.StepSize))
	}
	return s.Base
}
