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
// order, plus SGD, which the notebook lacks. Their settings are the official
// notebook's (the AdaFisher repository's Figure 1 notebook, its optimizer
// cell): AdaFisher, Adam and K-FAC at lr 1e-3 with their repository
// defaults, AdaHessian at lr 0.01, and Shampoo as ASDL builds it with
// damping 1e-12, statistics summed (ema_decay -1) and refreshed every 100
// steps, then gradient clipping at norm 1 and SGD(lr 1e-3, momentum 0.9).
//
// This table is the one place these settings live; it is meant to become
// optim's named presets.
func Figure1Optimizers() []Figure1Optimizer {
	return []Figure1Optimizer{
		{"AdaFisher", "adafisher", "#000000", optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, FisherMode: "reference"}},
		{"KFAC", "kfac", "#800080", optim.Hyper{LR: 1e-3, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 10, TInv: 100}},
		{"Adam", "adam", "#00bfbf", optim.Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}},
		{"AdaHessian", "adahessian", "#008000", optim.Hyper{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1}},
		{"Shampoo", "shampoo", "#0000ff", optim.Hyper{LR: 1e-3, Momentum: 0.9, Damping: 1e-12, StatDecay: -1, UpdateInterval: 100, ClipNorm: 1, GraftType: "none", MaxPrecondDim: 8192}},
		{"SGD", "sgd", "#ff7f0e", optim.Hyper{LR: 1e-3, Momentum: 0.9}},
	}
}
