package models

import (
	"fmt"
	"slices"
	"strings"

	"github.com/adafisher-go/landscape/nn"
)

// Config selects and sizes a model of the zoo.
type Config struct {
	Arch       string // one of Archs
	InputShape []int  // one sample: [features], [C, H, W], or [T] token ids (gpt)
	Classes    int    // classes, or the vocabulary size (gpt)
	Hidden     []int  // mlp: widths of the hidden layers
	Activation string // mlp: relu, tanh, sigmoid or gelu
	Seed       uint64

	// resnet: Depth = 6n+2 (8, 14, 20, 32, ...; default 20) and the base
	// Width of the first stage (default 16). resnet18, resnet34: Width of
	// the first stage (default 64, the official code's); Depth must be 0.
	Depth int `json:"depth,omitempty"`
	Width int `json:"width,omitempty"`
	// gpt: Layers blocks (default 2) of Heads heads (default 4) over Dim
	// features (default 128), Context positions (default the input's
	// length), Tied output head, Dropout probability (default 0).
	Layers  int     `json:"layers,omitempty"`
	Heads   int     `json:"heads,omitempty"`
	Dim     int     `json:"dim,omitempty"`
	Context int     `json:"context,omitempty"`
	Tied    bool    `json:"tied,omitempty"`
	Dropout float64 `json:"dropout,omitempty"`
}

// Archs lists the model names that Build accepts.
var Archs = []string{"mlp", "iris-toy", "cnn", "resnet", "resnet18", "resnet34", "gpt"}

// Build constructs and initialises a model of the zoo.
func Build[T nn.Float](c Config) (*nn.Model[T], error) {
	if c.Classes < 1 {
		return nil, fmt.Errorf("model %s: %d classes, want at least 1", c.Arch, c.Classes)
	}
	features := numel(c.InputShape)
	var m *nn.Model[T]
	switch c.Arch {
	case "mlp":
		act := c.Activation
		if act == "" {
			act = "relu"
		}
		if nn.NewActivation[T](act) == nil {
			return nil, fmt.Errorf("model mlp: unknown activation %q, want one of %s", act, strings.Join(nn.ActivationNames, ", "))
		}
		var layers []nn.Layer[T]
		if len(c.InputShape) > 1 {
			layers = append(layers, &nn.Flatten[T]{})
		}
		in := features
		for i, h := range c.Hidden {
			if h < 1 {
				return nil, fmt.Errorf("model mlp: hidden width %d, want a positive integer", h)
			}
			layers = append(layers, nn.NewLinear[T](fmt.Sprintf("fc%d", i+1), in, h, true), nn.NewActivation[T](act))
			in = h
		}
		layers = append(layers, nn.NewLinear[T](fmt.Sprintf("fc%d", len(c.Hidden)+1), in, c.Classes, true))
		m = nn.NewModel(c.Arch, c.InputShape, c.Classes, layers...)
	case "iris-toy":
		// The paper's Figure 1 model: Linear(F,1), ReLU, Linear(1,classes),
		// Softmax; the loss is then cross-entropy of that softmax output.
		if len(c.InputShape) != 1 {
			return nil, fmt.Errorf("model iris-toy: input shape %v, want a vector of features", c.InputShape)
		}
		m = nn.NewModel(c.Arch, c.InputShape, c.Classes,
			nn.NewLinear[T]("fc1", features, 1, true), nn.NewActivation[T]("relu"),
			nn.NewLinear[T]("fc2", 1, c.Classes, true), &nn.Softmax[T]{})
	case "cnn":
		l, err := cnnLayers[T](c.InputShape, c.Classes)
		if err != nil {
			return nil, err
		}
		m = nn.NewModel(c.Arch, c.InputShape, c.Classes, l...)
	case "resnet":
		l, err := resnetLayers[T](c)
		if err != nil {
			return nil, err
		}
		m = nn.NewModel(c.Arch, c.InputShape, c.Classes, l...)
	case "resnet18", "resnet34":
		l, err := resnetCIFARLayers[T](c)
		if err != nil {
			return nil, err
		}
		m = nn.NewModel(c.Arch, c.InputShape, c.Classes, l...)
	case "gpt":
		return buildGPT[T](c)
	default:
		return nil, fmt.Errorf("unknown model %q, want one of %s", c.Arch, strings.Join(Archs, ", "))
	}
	m.Reset(c.Seed)
	return m, nil
}

// IsArch reports whether name is a model of the zoo.
func IsArch(name string) bool { return slices.Contains(Archs, name) }
