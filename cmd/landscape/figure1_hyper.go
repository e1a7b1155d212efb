package main

import "github.com/adafisher-go/landscape/optim"

// The notebook's settings (reference sections 8.1 and 12.3) for the
// baselines of issue 7.

// kfacFigure1Hyper is KFACOptimizer(lr=1e-3) with the repository defaults.
func kfacFigure1Hyper() optim.Hyper {
	return optim.Hyper{LR: 1e-3, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 10, TInv: 100}
}

// adahessianFigure1Hyper is Adahessian(lr=0.01) with its defaults.
func adahessianFigure1Hyper() optim.Hyper {
	return optim.Hyper{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1}
}

// shampooFigure1Hyper is ASDL's Shampoo with damping 1e-12, statistics
// summed (ema_decay -1) and refreshed every 100 steps, then gradient
// clipping at norm 1 and SGD(lr 1e-3, momentum 0.9).
func shampooFigure1Hyper() optim.Hyper {
	return optim.Hyper{LR: 1e-3, Momentum: 0.9, Damping: 1e-12, StatDecay: -1, UpdateInterval: 100, ClipNorm: 1, GraftType: "none", MaxPrecondDim: 8192}
}
