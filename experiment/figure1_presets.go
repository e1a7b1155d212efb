package experiment

import "github.com/adafisher-go/landscape/optim"

// Figure1Optimizer is one optimizer of the paper's Figure 1 notebook: its
// label and colour there, the toolkit's optimizer name and its settings.
type Figure1Optimizer struct {
	Label     string      `json:"label"`
	Optimizer string      `json:"optimizer"`
	Color     string      `json:"color"`
	Hyper     optim.Hyper `json:"hyper"`
}

// Figure1Optimizers returns the optimizers of Figure 1 in the notebook's
// order, plus SGD, which the notebook lacks, with the notebook's labels and
// colours. Their settings are optim's "figure1" presets (the official
// notebook's optimizer cell).
func Figure1Optimizers() []Figure1Optimizer {
	style := map[string][2]string{
		"adafisher": {"AdaFisher", "#000000"}, "kfac": {"KFAC", "#800080"}, "adam": {"Adam", "#00bfbf"},
		"adahessian": {"AdaHessian", "#008000"}, "shampoo": {"Shampoo", "#0000ff"}, "sgd": {"SGD", "#ff7f0e"},
	}
	var out []Figure1Optimizer
	for _, p := range optim.PresetGroup("figure1") {
		st := style[p.Label()]
		out = append(out, Figure1Optimizer{Label: st[0], Optimizer: p.Optimizer, Color: st[1], Hyper: p.Hyper})
	}
	return out
}
