package engine_test

import (
	"fmt"
	"testing"

	"github.com/adafisher-go/landscape/optim"
)

func init() {
	// Shampoo: blocks of 8 (the MLP's 16 x 12 weight is four blocks, its
	// biases diagonal statistics), every grafting, clipping on and off, sums
	// and moving averages, roots refreshed every step or every 2 or 3
	// steps (the engine starts at step 2).
	curvHypers["shampoo"] = optim.Hyper{LR: 0.05, Momentum: 0.9, Damping: 1e-4, StatDecay: -1, UpdateInterval: 2,
		MaxPrecondDim: 8, GraftType: "sgd", ClipNorm: 1, WeightDecay: 1e-3}
	curvHypers["shampoo-adam"] = optim.Hyper{LR: 0.01, Momentum: 0.5, Damping: 1e-6, StatDecay: 0.9, UpdateInterval: 3,
		MaxPrecondDim: 1024, GraftType: "adam", Beta2: 0.999, Eps: 1e-8}
	curvHypers["shampoo-none"] = optim.Hyper{LR: 0.02, Momentum: 0.9, Damping: 1e-3, StatDecay: -1, UpdateInterval: 1,
		MaxPrecondDim: 1024, GraftType: "none", ClipNorm: 0.5}
}

// TestShampooMatchesStepper trains the MLP, the CNN, a ResNet-8 and a GPT
// with Shampoo on the host and on the engine, as TestKFACMatchesStepper.
func TestShampooMatchesStepper(t *testing.T) {
	type tc struct{ arch, act, opt string }
	var cases []tc
	for _, k := range []string{"shampoo", "shampoo-adam", "shampoo-none"} {
		cases = append(cases, tc{"mlp", "relu", k})
	}
	// Not the CNN with Adam grafting: the bias of a convolution followed by
	// BatchNorm has a gradient of rounding noise, which Adam's direction
	// normalises to steps of lr; the ResNet's convolutions have no bias.
	cases = append(cases, tc{"cnn", "", "shampoo"}, tc{"cnn", "", "shampoo-none"})
	cases = append(cases, tc{"resnet", "", "shampoo-adam"}, tc{"gpt", "", "shampoo"}, tc{"gpt-tied", "", "shampoo-none"})
	for _, dev := range devices(t) {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/float64/%s/%s/%s", devName(dev), c.arch, c.act, c.opt), func(t *testing.T) {
				matchStepper[float64](t, dev, c.arch, c.act, c.opt, 1e-12)
			})
			t.Run(fmt.Sprintf("%s/float32/%s/%s/%s", devName(dev), c.arch, c.act, c.opt), func(t *testing.T) {
				matchStepper[float32](t, dev, c.arch, c.act, c.opt, 1e-5)
			})
		}
	}
}
