package models

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/nn/nntest"
)

// TestResNetCIFARStateMatchesPyTorch compares the state of resnet18 and
// resnet34 with the state_dict of the PyTorch modules that
// scripts/resnet_cifar.py defines: the same names, in the same order, with
// the same shapes, and the same parameter count (ResNet-18: 11,173,962).
func TestResNetCIFARStateMatchesPyTorch(t *testing.T) {
	b, err := os.ReadFile("testdata/resnet_cifar_state.json")
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string]struct {
		Params int                  `json:"params"`
		State  [][2]json.RawMessage `json:"state"`
	}
	if err := json.Unmarshal(b, &golden); err != nil {
		t.Fatal(err)
	}
	for _, arch := range []string{"resnet18", "resnet34"} {
		g, ok := golden[arch]
		if !ok {
			t.Fatalf("testdata has no %s", arch)
		}
		m, err := Build[float32](Config{Arch: arch, InputShape: []int{3, 32, 32}, Classes: 10, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if n := m.NumParams(); n != g.Params {
			t.Errorf("%s: %d parameters, want %d", arch, n, g.Params)
		}
		state := m.State()
		if len(state) != len(g.State) {
			t.Fatalf("%s: %d state entries, want %d", arch, len(state), len(g.State))
		}
		for i, e := range g.State {
			var name string
			var shape []int
			if json.Unmarshal(e[0], &name) != nil || json.Unmarshal(e[1], &shape) != nil {
				t.Fatalf("testdata entry %d of %s is not [name, shape]", i, arch)
			}
			s := state[i]
			if s.Name != name {
				t.Fatalf("%s: entry %d is %s, want %s", arch, i, s.Name, name)
			}
			if len(shape) == 0 {
				if s.Count == nil || s.Value != nil {
					t.Errorf("%s: %s is not an integer counter", arch, name)
				}
				continue
			}
			if s.Value == nil || !nn.SameShape(s.Value.Shape, shape) {
				t.Errorf("%s: %s has shape %v, want %v", arch, name, s.Value, shape)
			}
		}
	}
}

// TestResNet18CurvatureLayers checks the 41 layers with parameters that
// AdaFisher and K-FAC keep factors for, and the indices that the official
// analysis code refers to: 36 is layer4.1.conv1 and 40 is linear. The
// width does not change them.
func TestResNet18CurvatureLayers(t *testing.T) {
	m, err := Build[float32](Config{Arch: "resnet18", Width: 2, InputShape: []int{3, 32, 32}, Classes: 10, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	layers := m.ParamLayers()
	if len(layers) != 41 {
		t.Fatalf("%d layers with parameters, want 41", len(layers))
	}
	convs, bns := 0, 0
	for _, l := range layers {
		switch l.Kind() {
		case nn.KindConv2d:
			convs++
		case nn.KindBatchNorm2d:
			bns++
		}
	}
	if convs != 20 || bns != 20 {
		t.Errorf("%d convolutions and %d batch norms, want 20 and 20", convs, bns)
	}
	for i, want := range map[int]string{0: "conv1", 14: "layer2.0.shortcut.0", 36: "layer4.1.conv1", 40: "linear"} {
		if got := layers[i].Name(); got != want {
			t.Errorf("layer %d is %s, want %s", i, got, want)
		}
	}
}

// TestResNetCIFARForward runs narrow resnet18 and resnet34 (Width 2) on
// 32x32 and odd-sized inputs and checks the shapes and the errors.
func TestResNetCIFARForward(t *testing.T) {
	for _, c := range []struct {
		arch  string
		input []int
	}{{"resnet18", []int{3, 32, 32}}, {"resnet34", []int{3, 32, 32}}, {"resnet18", []int{1, 7, 9}}} {
		m, err := Build[float64](Config{Arch: c.arch, Width: 2, InputShape: c.input, Classes: 5, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		if w := m.Param("linear.weight"); w == nil || !nn.SameShape(w.Value.Shape, []int{5, 16}) {
			t.Errorf("%s: linear.weight %v, want [5 16]", c.arch, w)
		}
		y, err := m.Forward(nntest.RandTensor(nntest.NewRNG(3), append([]int{2}, c.input...)...), nn.Mode{Train: true})
		if err != nil || !nn.SameShape(y.Shape, []int{2, 5}) {
			t.Errorf("%s on %v: output %v, %v", c.arch, c.input, y, err)
		}
	}
	for _, bad := range []Config{{Depth: 20}, {Width: -1}, {InputShape: []int{32, 32}}} {
		bad.Arch, bad.Classes = "resnet18", 10
		if bad.InputShape == nil {
			bad.InputShape = []int{3, 32, 32}
		}
		if _, err := Build[float64](bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// TestGradCheckResNet18 checks a narrow resnet18 (Width 1, 8x8 inputs: every
// stage, both shortcut kinds) against central differences of the loss.
func TestGradCheckResNet18(t *testing.T) {
	m, err := Build[float64](Config{Arch: "resnet18", Width: 1, InputShape: []int{2, 8, 8}, Classes: 3, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	nntest.RandomizeBatchNorm(m, 5)
	for _, train := range []bool{true, false} {
		mode := nn.Mode{Train: train}
		x, labels := nntest.Batch(m, 3, 6)
		g := nntest.Gradient(t, m, nntest.Params(m), x, labels, mode)
		theta := nntest.Params(m)
		bad := 0
		for j := range theta {
			th := append([]float64(nil), theta...)
			th[j] += fdStep
			nntest.SetParams(m, th)
			lp := nntest.Loss(t, m, x, labels, mode)
			th[j] -= 2 * fdStep
			nntest.SetParams(m, th)
			lm := nntest.Loss(t, m, x, labels, mode)
			if num := (lp - lm) / (2 * fdStep); !nntest.CloseRel(g[j], num, 1e-5, 1e-8) {
				if bad++; bad <= 5 {
					t.Errorf("train %v: parameter %d: backward %.10g, finite differences %.10g", train, j, g[j], num)
				}
			}
		}
		nntest.SetParams(m, theta)
	}
}
