package optim

import (
	"math"
	"slices"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

// smallCNN is a conv, BatchNorm and linear model (BatchNorm's parameters
// are plain for K-FAC and Shampoo).
func smallCNN() *nn.Model[float64] {
	m := nn.NewModel[float64]("small", []int{2, 4, 4}, 3,
		nn.NewConv2d[float64]("conv", 2, 3, 3, 1, 1, true), nn.NewBatchNorm2d[float64]("bn", 3), nn.NewActivation[float64]("relu"),
		&nn.Flatten[float64]{}, nn.NewLinear[float64]("fc", 48, 3, true))
	m.Reset(7)
	return m
}

// trainSteps runs n steps of opt on a fixed batch the way a training loop
// does: what Needs asks for, nothing more.
func trainSteps(t *testing.T, m *nn.Model[float64], opt Optimizer[float64], n int) {
	t.Helper()
	x := nn.NewTensor[float64](4, 2, 4, 4)
	for i := range x.Data {
		x.Data[i] = math.Sin(float64(i))
	}
	labels := []int{0, 1, 2, 1}
	hvp := nn.NewHVP(m)
	var dl nn.Tensor[float64]
	for step := 0; step < n; step++ {
		needs := opt.Needs()
		m.ZeroGrad()
		out, err := m.Forward(x, nn.Mode{Train: true, Capture: needs.Curvature})
		if err != nil {
			t.Fatal(err)
		}
		if loss, _ := nn.CrossEntropy(out, labels, &dl); math.IsNaN(loss) || math.IsInf(loss, 0) {
			t.Fatalf("step %d: loss %v", step, loss)
		}
		m.Backward(&dl)
		in := StepInput[float64]{Input: x, Labels: labels}
		if needs.Curvature {
			in.Captures = m.Captures()
		}
		if needs.HVP {
			in.HVP = func(v, out []*nn.Tensor[float64]) error {
				_, err := hvp.Hessian(x, labels, nn.Mode{Train: true}, v, out)
				return err
			}
		}
		if err := opt.Step(in); err != nil {
			t.Fatalf("step %d: %v", step, err)
		}
	}
}

// Every method's defaults, as the official code and the paper give them.
func TestDefaults(t *testing.T) {
	want := map[string]Hyper{
		"sgd":        {LR: 1e-3},
		"adam":       {LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
		"adamw":      {LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8},
		"adafisher":  {LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, FisherMode: "reference"},
		"adafisherw": {LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, FisherMode: "reference"},
		"kfac":       {LR: 1e-3, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 10, TInv: 100},
		"shampoo": {LR: 0.3, Momentum: 0.9, Damping: 1e-12, StatDecay: -1, UpdateInterval: 1, MaxPrecondDim: 1024,
			GraftType: "none", Beta2: 0.999, Eps: 1e-8, ClipNorm: 1},
		"adahessian": {LR: 0.15, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1},
	}
	for _, name := range Names {
		got, err := Defaults(name)
		if err != nil || got != want[name] {
			t.Errorf("Defaults(%q) = %+v, %v; want %+v", name, got, err, want[name])
		}
	}
	if len(want) != len(Names) {
		t.Errorf("%d methods, %d defaults", len(Names), len(want))
	}
	if _, err := Defaults("lbfgs"); err == nil {
		t.Error("Defaults of an unknown method did not fail")
	}
}

// A zero Hyper, or one with only a learning rate, means the method's
// defaults; a Hyper that sets some tuning is taken as given, with the
// invalid zeros filled; completing is idempotent.
func TestWithDefaults(t *testing.T) {
	paper := defaults["adafisher"]
	paper.FisherMode, paper.TCov = "paper", 1
	kfacNoMomentum := Hyper{LR: 0.03, Momentum: 0, StatDecay: 0.9}
	kfacNoMomentumDone := kfacNoMomentum
	kfacNoMomentumDone.KLClip, kfacNoMomentumDone.TCov, kfacNoMomentumDone.TInv = 1e-3, 10, 100
	shampooNoClip := Hyper{LR: 0.1, Momentum: 0.9, ClipNorm: 0}
	shampooNoClipDone := shampooNoClip
	shampooNoClipDone.Damping, shampooNoClipDone.UpdateInterval, shampooNoClipDone.MaxPrecondDim, shampooNoClipDone.GraftType = 1e-12, 1, 1024, "none"
	withLR := defaults["adam"]
	withLR.LR, withLR.WeightDecay = 0.01, 0.1
	cases := []struct {
		name string
		h    Hyper
		want Hyper
	}{
		{"adam", Hyper{}, defaults["adam"]},
		{"adam", Hyper{LR: 0.01, WeightDecay: 0.1}, withLR},
		{"adam", Hyper{LR: 0.01, Beta1: 0.5}, Hyper{LR: 0.01, Beta1: 0.5}},
		{"adafisher", Hyper{FisherMode: "paper"}, paper},
		{"adafisher", Hyper{FisherMode: "paper", TCov: 7}, Hyper{FisherMode: "paper", TCov: 7, LR: 1e-3}},
		{"kfac", Hyper{}, defaults["kfac"]},
		{"kfac", kfacNoMomentum, kfacNoMomentumDone},
		{"shampoo", shampooNoClip, shampooNoClipDone},
		{"adahessian", Hyper{LR: 0.1, Beta1: 0.8}, Hyper{LR: 0.1, Beta1: 0.8, HessianPower: 1}},
		{"sgd", Hyper{Momentum: 0.9}, Hyper{LR: 1e-3, Momentum: 0.9}},
	}
	for _, c := range cases {
		got, err := WithDefaults(c.name, c.h)
		if err != nil || got != c.want {
			t.Errorf("WithDefaults(%q, %+v) =\n%+v, %v; want\n%+v", c.name, c.h, got, err, c.want)
		}
		again, _ := WithDefaults(c.name, got)
		if again != got {
			t.Errorf("WithDefaults(%q) is not idempotent: %+v then %+v", c.name, got, again)
		}
	}
}

// The zero-value configuration works for every method: it builds and
// trains (K-FAC used to fail with TCov 0).
func TestZeroHyperTrains(t *testing.T) {
	for _, name := range Names {
		t.Run(name, func(t *testing.T) {
			m := smallCNN()
			opt, err := New(name, m, Hyper{})
			if err != nil {
				t.Fatal(err)
			}
			d, _ := Defaults(name)
			if opt.LR() != d.LR {
				t.Errorf("learning rate %g, want the default %g", opt.LR(), d.LR)
			}
			trainSteps(t, m, opt, 3)
		})
	}
}

// Every preset is complete (WithDefaults changes nothing), builds and
// trains; each group lists the same six labels in the same order; names are
// unique.
func TestPresets(t *testing.T) {
	labels := []string{"adafisher", "kfac", "adam", "adahessian", "shampoo", "sgd"}
	seen := map[string]bool{}
	for _, group := range []string{"figure1", "cifar", "lm"} {
		var got []string
		for _, p := range PresetGroup(group) {
			got = append(got, p.Label())
		}
		if !slices.Equal(got, labels) {
			t.Errorf("group %s: labels %v, want %v", group, got, labels)
		}
	}
	for _, p := range Presets {
		if seen[p.Name] {
			t.Errorf("preset %s twice", p.Name)
		}
		seen[p.Name] = true
		if done, err := WithDefaults(p.Optimizer, p.Hyper); err != nil || done != p.Hyper {
			t.Errorf("preset %s is not complete: %+v, %v", p.Name, done, err)
		}
		m := smallCNN()
		opt, err := New(p.Optimizer, m, p.Hyper)
		if err != nil {
			t.Fatalf("preset %s: %v", p.Name, err)
		}
		trainSteps(t, m, opt, 2)
		if q, err := PresetNamed(p.Name); err != nil || q != p {
			t.Errorf("PresetNamed(%q) = %+v, %v", p.Name, q, err)
		}
	}
	if _, err := PresetNamed("figure1/lbfgs"); err == nil {
		t.Error("an unknown preset did not fail")
	}
	// The paper's Table 7 learning rates (CIFAR-10 configurations).
	for name, lr := range map[string]float64{"cifar/adafisher": 1e-3, "cifar/adam": 1e-3, "cifar/adahessian": 0.15, "cifar/shampoo": 0.3} {
		if p, _ := PresetNamed(name); p.Hyper.LR != lr || p.Hyper.WeightDecay != 5e-4 {
			t.Errorf("%s: lr %g, wd %g; want %g, 5e-4", name, p.Hyper.LR, p.Hyper.WeightDecay, lr)
		}
	}
}

// Report: the plain parameters, factors only for AdaFisher, diagnostics
// after a refresh only.
func TestReport(t *testing.T) {
	bn := []string{"bn.weight", "bn.bias"}
	cases := []struct {
		name    string
		plain   []string
		factors int
	}{
		{"sgd", nil, 0}, {"adam", nil, 0}, {"adahessian", nil, 0},
		{"adafisher", nil, 3}, // conv, bn and fc all have factors
		{"kfac", bn, 0}, {"shampoo", bn, 0},
	}
	for _, c := range cases {
		m := smallCNN()
		h, _ := Defaults(c.name)
		h.TCov, h.TInv = 2, 2
		if c.name == "sgd" || c.name == "adam" || c.name == "adahessian" || c.name == "shampoo" {
			h.TCov, h.TInv = 0, 0
		}
		opt, err := New(c.name, m, h)
		if err != nil {
			t.Fatal(err)
		}
		r := opt.Report()
		if !slices.Equal(r.Plain, c.plain) || len(r.Factors) != c.factors || (c.factors == 0) != (r.Factors == nil) {
			t.Errorf("%s: plain %v, %d factor layers; want %v, %d", c.name, r.Plain, len(r.Factors), c.plain, c.factors)
		}
		refreshes := c.name == "adafisher" || c.name == "kfac"
		for step := 0; step < 3; step++ {
			trainSteps(t, m, opt, 1)
			if got := opt.Report().Diagnostics != nil; got != (refreshes && step%2 == 0) {
				t.Errorf("%s step %d: diagnostics %v", c.name, step, got)
			}
		}
	}
}
