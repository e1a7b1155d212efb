package models

import (
	"errors"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/nn/nntest"
)

func TestCNNStateMatchesPyTorch(t *testing.T) {
	m, err := Build[float32](Config{Arch: "cnn", InputShape: []int{1, 28, 28}, Classes: 10, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	// The state_dict of the PyTorch module with the same definition.
	want := []struct {
		name      string
		shape     []int
		trainable bool
	}{
		{"conv1.weight", []int{16, 1, 3, 3}, true},
		{"conv1.bias", []int{16}, true},
		{"bn1.weight", []int{16}, true},
		{"bn1.bias", []int{16}, true},
		{"bn1.running_mean", []int{16}, false},
		{"bn1.running_var", []int{16}, false},
		{"bn1.num_batches_tracked", nil, false},
		{"conv2.weight", []int{32, 16, 3, 3}, true},
		{"conv2.bias", []int{32}, true},
		{"bn2.weight", []int{32}, true},
		{"bn2.bias", []int{32}, true},
		{"bn2.running_mean", []int{32}, false},
		{"bn2.running_var", []int{32}, false},
		{"bn2.num_batches_tracked", nil, false},
		{"fc.weight", []int{10, 1568}, true},
		{"fc.bias", []int{10}, true},
	}
	state := m.State()
	if len(state) != len(want) {
		t.Fatalf("%d state entries, want %d", len(state), len(want))
	}
	for i, w := range want {
		s := state[i]
		if s.Name != w.name || s.Trainable != w.trainable {
			t.Errorf("entry %d: %s trainable %v, want %s %v", i, s.Name, s.Trainable, w.name, w.trainable)
		}
		if w.shape == nil {
			if s.Count == nil || *s.Count != 0 || s.Value != nil {
				t.Errorf("%s: want an integer buffer at 0", s.Name)
			}
			continue
		}
		if s.Value == nil || !nn.SameShape(s.Value.Shape, w.shape) {
			t.Errorf("%s: value %v, want shape %v", s.Name, s.Value, w.shape)
		}
	}
	if n := m.NumParams(); n != 16*9+16+32+32*16*9+32+64+1568*10+10 {
		t.Errorf("%d parameters", n)
	}
	// PyTorch's initialisation bounds: 1/sqrt(fan_in).
	for _, c := range []struct {
		name  string
		bound float32
	}{{"conv1.weight", 1 / 3.0}, {"conv1.bias", 1 / 3.0}, {"conv2.weight", 1 / 12.0}, {"conv2.bias", 1 / 12.0}} {
		p := m.Param(c.name)
		var big float32
		for _, v := range p.Value.Data {
			if v > c.bound || v < -c.bound {
				t.Fatalf("%s: %g outside ±%g", c.name, v, c.bound)
			}
			big = max(big, v, -v)
		}
		if big < c.bound/2 {
			t.Errorf("%s: largest magnitude %g, expected draws spread up to %g", c.name, big, c.bound)
		}
	}
	if p := m.Param("bn2.weight"); p.Value.Data[0] != 1 {
		t.Error("bn2.weight does not start at 1")
	}
}

func TestCNNShapes(t *testing.T) {
	for _, c := range []struct {
		input []int
		fcIn  int
	}{
		{[]int{1, 28, 28}, 32 * 7 * 7},
		{[]int{3, 32, 32}, 32 * 8 * 8},
		{[]int{2, 10, 9}, 32 * 2 * 2}, // floor division at each pooling
		{[]int{1, 4, 7}, 32 * 1 * 1},
	} {
		m, err := Build[float64](Config{Arch: "cnn", InputShape: c.input, Classes: 5, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if w := m.Param("fc.weight"); !nn.SameShape(w.Value.Shape, []int{5, c.fcIn}) {
			t.Errorf("input %v: fc.weight %v, want [5 %d]", c.input, w.Value.Shape, c.fcIn)
		}
		y, err := m.Forward(nntest.RandTensor(nntest.NewRNG(1), append([]int{2}, c.input...)...), nn.Mode{Train: true})
		if err != nil {
			t.Fatal(err)
		}
		if !nn.SameShape(y.Shape, []int{2, 5}) {
			t.Errorf("input %v: output %v, want [2 5]", c.input, y.Shape)
		}
	}
}

func TestCNNBadShapes(t *testing.T) {
	for _, in := range [][]int{{784}, {28, 28}, {1, 28, 28, 1}, {0, 28, 28}, {1, 3, 28}, {1, 28, 2}, nil} {
		_, err := Build[float64](Config{Arch: "cnn", InputShape: in, Classes: 10})
		if err == nil || !strings.Contains(err.Error(), "cnn") || !strings.Contains(err.Error(), "[C, H, W]") {
			t.Errorf("input %v: error %v, want one naming the expected shape", in, err)
		}
	}
	// A sample of the wrong shape comes back from Forward as a nn.ShapeError
	// naming the first layer.
	m, err := Build[float64](Config{Arch: "cnn", InputShape: []int{1, 8, 8}, Classes: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		shape []int
		layer string
	}{{[]int{2, 3, 8, 8}, "conv1"}, {[]int{2, 64}, "conv1"}, {[]int{2, 1, 1, 1}, "MaxPool2d"}} {
		_, err := m.Forward(nn.NewTensor[float64](c.shape...), nn.Mode{Train: true})
		var se *nn.ShapeError
		if !errors.As(err, &se) || se.Layer != c.layer {
			t.Errorf("input %v: error %v, want a nn.ShapeError from %s", c.shape, err, c.layer)
		}
	}
}
