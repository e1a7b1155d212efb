package models

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/nn/nntest"
)

// fdStep is the central-difference step of the whole-model gradient checks.
const fdStep = 1e-5

func layerNames(m *nn.Model[float64]) []string {
	var out []string
	for _, l := range m.ParamLayers() {
		out = append(out, l.Name()+":"+string(l.Kind()))
	}
	return out
}

func TestResNetNamesAndShapes(t *testing.T) {
	m, err := Build[float64](Config{Arch: "resnet", Depth: 8, InputShape: []int{3, 32, 32}, Classes: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"conv1:Conv2d", "bn1:BatchNorm2d",
		"layer1.0.conv1:Conv2d", "layer1.0.bn1:BatchNorm2d", "layer1.0.conv2:Conv2d", "layer1.0.bn2:BatchNorm2d",
		"layer2.0.conv1:Conv2d", "layer2.0.bn1:BatchNorm2d", "layer2.0.conv2:Conv2d", "layer2.0.bn2:BatchNorm2d",
		"layer2.0.shortcut.0:Conv2d", "layer2.0.shortcut.1:BatchNorm2d",
		"layer3.0.conv1:Conv2d", "layer3.0.bn1:BatchNorm2d", "layer3.0.conv2:Conv2d", "layer3.0.bn2:BatchNorm2d",
		"layer3.0.shortcut.0:Conv2d", "layer3.0.shortcut.1:BatchNorm2d", "fc:Linear"}
	if got := layerNames(m); !slices.Equal(got, want) {
		t.Errorf("layers\n%v\nwant\n%v", got, want)
	}
	for _, l := range m.ParamLayers() {
		if l.Kind() == nn.KindConv2d && len(l.Params()) != 1 {
			t.Errorf("convolution %s has a bias", l.Name())
		}
	}
	if w := m.Param("layer3.0.shortcut.0.weight"); w == nil || !nn.SameShape(w.Value.Shape, []int{64, 32, 1, 1}) {
		t.Errorf("layer3.0.shortcut.0.weight: %v", w)
	}
	// The ResNet-20 of He et al. has 0.27M parameters (with option A
	// shortcuts; the 1x1 convolutions and their BN add 2.6k).
	r20, _ := Build[float64](Config{Arch: "resnet", InputShape: []int{3, 32, 32}, Classes: 10})
	if n := r20.NumParams(); n < 270000 || n > 275000 {
		t.Errorf("resnet-20 has %d parameters, want about 272k", n)
	}
	x := nntest.RandTensor(nntest.NewRNG(1), 2, 3, 32, 32)
	y, err := m.Forward(x, nn.Mode{Train: true})
	if err != nil || !nn.SameShape(y.Shape, []int{2, 10}) {
		t.Fatalf("output %v, %v", y, err)
	}
	for _, bad := range []Config{{Depth: 10}, {Depth: 4}, {Width: -1}} {
		bad.Arch, bad.InputShape, bad.Classes = "resnet", []int{3, 8, 8}, 2
		if _, err := Build[float64](bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

func TestGPTNamesAndShapes(t *testing.T) {
	for _, tied := range []bool{false, true} {
		m, err := Build[float64](Config{Arch: "gpt", Layers: 2, Heads: 2, Dim: 8, InputShape: []int{6}, Context: 10, Classes: 11, Tied: tied, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"tok_emb:Embedding", "pos_emb:Embedding"}
		for i := 0; i < 2; i++ {
			p := fmt.Sprintf("blocks.%d.", i)
			want = append(want, p+"ln1:LayerNorm", p+"attn.qkv:Linear", p+"attn.proj:Linear", p+"ln2:LayerNorm", p+"mlp.fc1:Linear", p+"mlp.fc2:Linear")
		}
		want = append(want, "ln_f:LayerNorm")
		if !tied {
			want = append(want, "head:Linear")
		}
		if got := layerNames(m); !slices.Equal(got, want) {
			t.Errorf("tied %v: layers\n%v\nwant\n%v", tied, got, want)
		}
		if w := m.Param("pos_emb.weight"); w == nil || !nn.SameShape(w.Value.Shape, []int{10, 8}) {
			t.Errorf("pos_emb.weight %v", w)
		}
		x := nntest.IDs(2, 11, 3, 6)
		y, err := m.Forward(x, nn.Mode{Train: true})
		if err != nil || !nn.SameShape(y.Shape, []int{3, 6, 11}) {
			t.Fatalf("output %v, %v", y, err)
		}
		// Initial logits are small (minGPT's initialisation): the loss
		// starts near ln(V).
		labels := make([]int, 18)
		for i := range labels {
			labels[i] = i % 11
		}
		if l, _ := nn.CrossEntropy(y, labels, nil); math.Abs(l-math.Log(11)) > 0.1 {
			t.Errorf("tied %v: initial loss %.4f, want about ln 11 = %.4f", tied, l, math.Log(11))
		}
	}
	if _, err := Build[float64](Config{Arch: "gpt", Dim: 10, Heads: 3, InputShape: []int{4}, Classes: 5}); err == nil {
		t.Error("dimension not divisible by heads: no error")
	}
	if _, err := Build[float64](Config{Arch: "gpt", InputShape: []int{8}, Context: 4, Classes: 5}); err == nil {
		t.Error("context shorter than the samples: no error")
	}
}

// tinyGPT is a one-block GPT small enough for whole-model checks.
func tinyGPT(tied bool, dropout float64) *nn.Model[float64] {
	m, err := Build[float64](Config{Arch: "gpt", Layers: 1, Heads: 2, Dim: 4, InputShape: []int{3}, Classes: 5, Tied: tied, Dropout: dropout, Seed: 3})
	if err != nil {
		panic(err)
	}
	// Larger weights than minGPT's 0.02 so that every term is exercised.
	rng := nntest.NewRNG(4)
	for _, p := range m.Params() {
		for i := range p.Value.Data {
			p.Value.Data[i] += 0.3 * rng.NormFloat64()
		}
	}
	m.SetStep(2)
	return m
}

// TestGradCheckBlockModels checks whole resnet and gpt models against
// finite differences of the cross-entropy (over every position for gpt).
func TestGradCheckBlockModels(t *testing.T) {
	resnet := func(train bool) *nn.Model[float64] {
		m, _ := Build[float64](Config{Arch: "resnet", Depth: 8, Width: 2, InputShape: []int{2, 5, 5}, Classes: 3, Seed: 5})
		nntest.RandomizeBatchNorm(m, 6)
		return m
	}
	cases := []struct {
		name  string
		m     *nn.Model[float64]
		train bool
	}{
		{"resnet8/train", resnet(true), true},
		{"resnet8/eval", resnet(false), false},
		{"gpt/untied", tinyGPT(false, 0), true},
		{"gpt/tied/dropout", tinyGPT(true, 0.2), true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.m
			var x *nn.Tensor[float64]
			var labels []int
			if m.Arch == "gpt" {
				x, labels = nntest.TokenBatch(m, 2, uint64(20+i))
			} else {
				x, labels = nntest.Batch(m, 3, uint64(20+i))
			}
			mode := nn.Mode{Train: c.train}
			loss := func() float64 {
				y, err := m.Forward(x, mode)
				if err != nil {
					t.Fatal(err)
				}
				l, _ := nn.CrossEntropy(y, labels, nil)
				return l
			}
			m.ZeroGrad()
			y, err := m.Forward(x, mode)
			if err != nil {
				t.Fatal(err)
			}
			var dy nn.Tensor[float64]
			nn.CrossEntropy(y, labels, &dy)
			m.Backward(&dy)
			bad := 0
			for _, p := range m.Params() {
				g := append([]float64(nil), p.Grad.Data...)
				for j := range p.Value.Data {
					old := p.Value.Data[j]
					p.Value.Data[j] = old + fdStep
					lp := loss()
					p.Value.Data[j] = old - fdStep
					lm := loss()
					p.Value.Data[j] = old
					if num := (lp - lm) / (2 * fdStep); !nntest.CloseRel(g[j], num, 1e-5, 1e-8) {
						if bad++; bad <= 5 {
							t.Errorf("%s[%d]: backward %.10g, finite differences %.10g", p.Name, j, g[j], num)
						}
					}
				}
			}
		})
	}
}

// TestHVPResNetExact checks that the R-operator runs through residual
// blocks without finite differences, against the finite-difference Hessian.
func TestHVPResNetExact(t *testing.T) {
	m, _ := Build[float64](Config{Arch: "resnet", Depth: 8, Width: 1, InputShape: []int{1, 4, 4}, Classes: 2, Seed: 7})
	nntest.RandomizeBatchNorm(m, 8)
	e := nn.NewHVP(m)
	if fd := e.FiniteDifferences(); len(fd) != 0 {
		t.Fatalf("layers %v fall back to finite differences", fd)
	}
	var cols []int
	for j := 0; j < m.NumParams(); j += 3 {
		cols = append(cols, j)
	}
	mode := nn.Mode{Train: true}
	x, labels, want := nntest.KinkFreeHessianColumns(t, m, 3, 70, mode, cols, 1e-3)
	got := nntest.ProductColumns(t, func(v, out []*nn.Tensor[float64]) error {
		_, err := e.Hessian(x, labels, mode, v, out)
		return err
	}, m, cols)
	nntest.CompareColumns(t, "resnet H v", got, want, cols, 1e-8)
}

// TestHVPGPT checks the finite-difference fallback through the GPT's
// embeddings, LayerNorm, attention and tied head.
func TestHVPGPT(t *testing.T) {
	for _, tied := range []bool{false, true} {
		m := tinyGPT(tied, 0.2)
		e := nn.NewHVP(m)
		if len(e.FiniteDifferences()) == 0 {
			t.Fatal("no finite-difference layers in the gpt")
		}
		x, labels := nntest.TokenBatch(m, 2, 30)
		mode := nn.Mode{Train: true}
		var cols []int
		for j := 0; j < m.NumParams(); j += 7 {
			cols = append(cols, j)
		}
		want := nntest.HessianColumns(t, m, x, labels, mode, cols, 1e-3)
		got := nntest.ProductColumns(t, func(v, out []*nn.Tensor[float64]) error {
			_, err := e.Hessian(x, labels, mode, v, out)
			return err
		}, m, cols)
		nntest.CompareColumns(t, fmt.Sprintf("gpt H v (tied %v)", tied), got, want, cols, 1e-6)
	}
}
