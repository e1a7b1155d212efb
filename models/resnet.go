package models

import (
	"fmt"

	"github.com/adafisher-go/landscape/nn"
)

// resnetLayers builds the CIFAR-style ResNet of He et al. (2016, section
// 4.2) with depth 6n+2 for inputs of shape [C, H, W], with PyTorch's module
// names:
//
//	conv1 = Conv2d(C, w, 3, padding=1, bias=False), bn1, ReLU
//	layer1: n BasicBlocks of width w, layer2: n of 2w (the first with
//	stride 2), layer3: n of 4w (the first with stride 2)
//	global average pooling, fc = Linear(4w, classes)
//
// A BasicBlock layerS.I is conv1 (3x3, the block's stride), bn1, ReLU,
// conv2 (3x3), bn2, plus the shortcut, then ReLU; the shortcut is the
// identity, or shortcut.0 = Conv2d(in, out, 1, stride, bias=False) and
// shortcut.1 = BatchNorm2d(out) when the shape changes (option B). Every
// convolution is bias-free.
func resnetLayers[T nn.Float](c Config) ([]nn.Layer[T], error) {
	depth, width := c.Depth, c.Width
	if depth == 0 {
		depth = 20
	}
	if width == 0 {
		width = 16
	}
	if depth < 8 || (depth-2)%6 != 0 {
		return nil, fmt.Errorf("model resnet: depth %d, want 6n+2 with n >= 1 (8, 14, 20, 32, 44, 56, 110)", depth)
	}
	if width < 1 {
		return nil, fmt.Errorf("model resnet: width %d, want a positive number of channels", width)
	}
	in := c.InputShape
	if len(in) != 3 || in[0] < 1 || in[1] < 4 || in[2] < 4 {
		return nil, fmt.Errorf("model resnet: input shape %v, want [C, H, W] with H, W >= 4", in)
	}
	n := (depth - 2) / 6
	layers := []nn.Layer[T]{
		nn.NewConv2d[T]("conv1", in[0], width, 3, 1, 1, false),
		nn.NewBatchNorm2d[T]("bn1", width),
		nn.NewActivation[T]("relu"),
	}
	ch := width
	for stage := 1; stage <= 3; stage++ {
		out := width << (stage - 1)
		blocks := make([]nn.Layer[T], n)
		for i := range blocks {
			stride := 1
			if i == 0 && stage > 1 {
				stride = 2
			}
			blocks[i] = basicBlock[T](fmt.Sprintf("layer%d.%d", stage, i), ch, out, stride)
			ch = out
		}
		layers = append(layers, &nn.Sequential[T]{Layers: blocks})
	}
	return append(layers, &nn.GlobalAvgPool2d[T]{}, nn.NewLinear[T]("fc", ch, c.Classes, true)), nil
}

// basicBlock is one BasicBlock named name (see resnetLayers).
func basicBlock[T nn.Float](name string, in, out, stride int) *nn.Residual[T] {
	body := &nn.Sequential[T]{Layers: []nn.Layer[T]{
		nn.NewConv2d[T](name+".conv1", in, out, 3, stride, 1, false),
		nn.NewBatchNorm2d[T](name+".bn1", out),
		nn.NewActivation[T]("relu"),
		nn.NewConv2d[T](name+".conv2", out, out, 3, 1, 1, false),
		nn.NewBatchNorm2d[T](name+".bn2", out),
	}}
	var short nn.Layer[T]
	if stride != 1 || in != out {
		short = &nn.Sequential[T]{Layers: []nn.Layer[T]{
			nn.NewConv2d[T](name+".shortcut.0", in, out, 1, stride, 0, false),
			nn.NewBatchNorm2d[T](name+".shortcut.1", out),
		}}
	}
	return nn.NewResidual[T](body, short, nn.NewActivation[T]("relu"))
}
