package nn

import "fmt"

// netConfig names a small network for the tests of this package: the
// layouts of the zoo's mlp, iris-toy and cnn (package models builds the
// zoo, and cannot be imported here, since it imports nn).
type netConfig struct {
	Arch       string
	InputShape []int
	Classes    int
	Hidden     []int
	Activation string
	Seed       uint64
}

// buildNet builds and initialises the network that c names.
func buildNet[T Float](c netConfig) (*Model[T], error) {
	var layers []Layer[T]
	switch c.Arch {
	case "mlp":
		act := c.Activation
		if act == "" {
			act = "relu"
		}
		if len(c.InputShape) > 1 {
			layers = append(layers, &Flatten[T]{})
		}
		in := numel(c.InputShape)
		for i, h := range c.Hidden {
			layers = append(layers, NewLinear[T](fmt.Sprintf("fc%d", i+1), in, h, true), NewActivation[T](act))
			in = h
		}
		layers = append(layers, NewLinear[T](fmt.Sprintf("fc%d", len(c.Hidden)+1), in, c.Classes, true))
	case "iris-toy":
		layers = []Layer[T]{NewLinear[T]("fc1", numel(c.InputShape), 1, true), NewActivation[T]("relu"),
			NewLinear[T]("fc2", 1, c.Classes, true), &Softmax[T]{}}
	case "cnn":
		ch, h, w := c.InputShape[0], c.InputShape[1], c.InputShape[2]
		layers = []Layer[T]{
			NewConv2d[T]("conv1", ch, 16, 3, 1, 1, true), NewBatchNorm2d[T]("bn1", 16), NewActivation[T]("relu"), NewMaxPool2d[T](2, 2),
			NewConv2d[T]("conv2", 16, 32, 3, 1, 1, true), NewBatchNorm2d[T]("bn2", 32), NewActivation[T]("relu"), NewMaxPool2d[T](2, 2),
			&Flatten[T]{}, NewLinear[T]("fc", 32*(h/4)*(w/4), c.Classes, true),
		}
	default:
		return nil, fmt.Errorf("test network %q: want mlp, iris-toy or cnn", c.Arch)
	}
	m := NewModel(c.Arch, c.InputShape, c.Classes, layers...)
	m.Reset(c.Seed)
	return m, nil
}
