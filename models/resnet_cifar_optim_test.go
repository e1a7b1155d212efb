package models

import (
	"slices"
	"testing"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/nn/nntest"
	"github.com/adafisher-go/landscape/optim"
)

// TestResNet18Factors takes a capture step of AdaFisher and K-FAC on a
// narrow resnet18 and checks which layers they keep factors for: AdaFisher
// all 41 (convolutions, batch norms, linear) in layer order, so that the
// official analysis code's index 36 is layer4.1.conv1 and 40 is linear;
// K-FAC its 21 convolutions and linear layer, with the batch norms'
// parameters on plain steps.
func TestResNet18Factors(t *testing.T) {
	m, err := Build[float32](Config{Arch: "resnet18", Width: 2, InputShape: []int{3, 32, 32}, Classes: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var layers []string
	for _, l := range m.ParamLayers() {
		layers = append(layers, l.Name())
	}
	x64, labels := nntest.Batch(&nn.Model[float64]{InputShape: m.InputShape, Classes: m.Classes}, 4, 1)
	x := nn.NewTensor[float32](x64.Shape...)
	for i, v := range x64.Data {
		x.Data[i] = float32(v)
	}
	step := func(opt optim.Optimizer[float32]) {
		t.Helper()
		m.ZeroGrad()
		y, err := m.Forward(x, nn.Mode{Train: true, Capture: true})
		if err != nil {
			t.Fatal(err)
		}
		var dy nn.Tensor[float32]
		nn.CrossEntropy(y, labels, &dy)
		m.Backward(&dy)
		if err := opt.Step(optim.StepInput[float32]{Input: x, Labels: labels, Captures: m.Captures()}); err != nil {
			t.Fatal(err)
		}
	}

	opt, err := optim.New("adafisher", m, optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 1, FisherMode: "reference"})
	if err != nil {
		t.Fatal(err)
	}
	step(opt)
	af := opt.(*optim.AdaFisher[float32])
	if u := af.Report().Plain; len(u) != 0 {
		t.Errorf("AdaFisher updates %v with F = 1", u)
	}
	var got []string
	for _, f := range af.FactorLayers() {
		got = append(got, f.Layer)
		if len(f.H) == 0 || len(f.S) == 0 {
			t.Errorf("%s: empty factors", f.Layer)
		}
	}
	if !slices.Equal(got, layers) || len(got) != 41 {
		t.Fatalf("AdaFisher factors for %d layers %v, want the 41 %v", len(got), got, layers)
	}
	if got[36] != "layer4.1.conv1" || got[40] != "linear" {
		t.Errorf("factor layers 36 and 40 are %s and %s", got[36], got[40])
	}

	opt, err = optim.New("kfac", m, optim.Hyper{LR: 1e-3, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 1, TInv: 1})
	if err != nil {
		t.Fatal(err)
	}
	step(opt)
	plain := opt.Report().Plain
	if len(plain) != 40 {
		t.Errorf("K-FAC: %d parameters on plain steps, want the 40 of the batch norms: %v", len(plain), plain)
	}
	var bnParams []string
	for _, l := range m.ParamLayers() {
		if l.Kind() == nn.KindBatchNorm2d {
			for _, p := range l.Params() {
				bnParams = append(bnParams, p.Name)
			}
		}
	}
	if !slices.Equal(plain, bnParams) {
		t.Errorf("K-FAC's plain parameters %v, want the batch norms' %v", plain, bnParams)
	}
}
