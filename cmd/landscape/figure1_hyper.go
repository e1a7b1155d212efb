package main

import "github.com/adafisher-go/landscape/optim"

// The notebook's settings for the optimizers that come from issue 7.
func kfacFigure1Hyper() optim.Hyper       { return optim.Hyper{LR: 1e-3} }
func adahessianFigure1Hyper() optim.Hyper { return optim.Hyper{LR: 0.01} }
func shampooFigure1Hyper() optim.Hyper    { return optim.Hyper{LR: 1e-3, Momentum: 0.9} }
