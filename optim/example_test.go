package optim_test

import (
	"fmt"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// A method's defaults, and what a Hyper with only a learning rate becomes.
func ExampleDefaults() {
	d, _ := optim.Defaults("kfac")
	fmt.Printf("kfac: lr %g, momentum %g, damping %g, TCov %d, TInv %d\n", d.LR, d.Momentum, d.Damping, d.TCov, d.TInv)
	h, _ := optim.WithDefaults("kfac", optim.Hyper{LR: 0.03})
	fmt.Printf("{LR: 0.03}: lr %g, momentum %g, TCov %d\n", h.LR, h.Momentum, h.TCov)
	// Setting some tuning takes it as given: zero momentum is no momentum.
	h, _ = optim.WithDefaults("kfac", optim.Hyper{LR: 0.03, StatDecay: 0.9})
	fmt.Printf("{LR: 0.03, StatDecay: 0.9}: momentum %g, TCov %d\n", h.Momentum, h.TCov)
	// Output:
	// kfac: lr 0.001, momentum 0.9, damping 0.001, TCov 10, TInv 100
	// {LR: 0.03}: lr 0.03, momentum 0.9, TCov 10
	// {LR: 0.03, StatDecay: 0.9}: momentum 0, TCov 10
}

// The paper's settings by name; a group lists one setting per optimizer.
func ExamplePresetNamed() {
	p, _ := optim.PresetNamed("figure1/shampoo")
	fmt.Println(p.Optimizer, p.Hyper.LR, p.Hyper.UpdateInterval)
	for _, p := range optim.PresetGroup("cifar") {
		fmt.Printf("%s: %s lr %g\n", p.Label(), p.Optimizer, p.Hyper.LR)
	}
	// Output:
	// shampoo 0.001 100
	// adafisher: adafisher lr 0.001
	// kfac: kfac lr 0.03
	// adam: adam lr 0.001
	// adahessian: adahessian lr 0.15
	// shampoo: shampoo lr 0.3
	// sgd: sgd lr 0.1
}

// A training step as the loop runs it: read Needs before the forward pass,
// capture curvature when asked, hand the step what it needs.
func ExampleOptimizer() {
	m := nn.NewModel[float64]("tiny", []int{3}, 2, nn.NewLinear[float64]("fc", 3, 2, true))
	m.Reset(1)
	opt, _ := optim.New("adafisher", m, optim.Hyper{TCov: 2})
	x := nn.NewTensor[float64](2, 3)
	copy(x.Data, []float64{1, 0, -1, 0.5, 2, 0})
	labels := []int{0, 1}
	var dl nn.Tensor[float64]
	for step := range 4 {
		needs := opt.Needs()
		m.ZeroGrad()
		out, _ := m.Forward(x, nn.Mode{Train: true, Capture: needs.Curvature})
		nn.CrossEntropy(out, labels, &dl)
		m.Backward(&dl)
		in := optim.StepInput[float64]{Input: x, Labels: labels}
		if needs.Curvature {
			in.Captures = m.Captures()
		}
		if err := opt.Step(in); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("step %d: curvature %v, diagnostics %v\n", step, needs.Curvature, opt.Report().Diagnostics != nil)
	}
	// Output:
	// step 0: curvature true, diagnostics true
	// step 1: curvature false, diagnostics false
	// step 2: curvature true, diagnostics true
	// step 3: curvature false, diagnostics false
}
