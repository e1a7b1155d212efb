package models

import (
	"fmt"

	"github.com/adafisher-go/landscape/nn"
)

// resnetCIFARBlocks is the number of BasicBlocks per stage of the official
// AdaFisher code's CIFAR ResNets (Image_Classification/src/models/
// resnet_cifar.py, ResNet18 and ResNet34).
var resnetCIFARBlocks = map[string][4]int{
	"resnet18": {2, 2, 2, 2},
	"resnet34": {3, 4, 6, 3},
}

// resnetCIFARLayers builds ResNet18 or ResNet34 of the official code for
// inputs of shape [C, H, W], with the names of its PyTorch state_dict:
//
//	conv1 = Conv2d(C, 64, 3, padding=1, bias=False), bn1, ReLU (no max-pool)
//	layer1..layer4: BasicBlocks of widths 64, 128, 256, 512, the first
//	block of layers 2-4 with stride 2
//	adaptive average pooling to 1x1, linear = Linear(512, classes)
//
// The blocks are resnetLayers' (conv3x3-BN-ReLU-conv3x3-BN, plus the
// shortcut.0/shortcut.1 1x1 convolution and BN where the stride or width
// changes, then ReLU), so the layers with parameters come in PyTorch's
// registration order: ResNet-18 has 41 of them, layer4.1.conv1 the 37th
// (index 36) and linear the last (index 40). Width scales the 64 of the
// first stage (default 64), for small test models.
func resnetCIFARLayers[T nn.Float](c Config) ([]nn.Layer[T], error) {
	blocks := resnetCIFARBlocks[c.Arch]
	width := c.Width
	if width == 0 {
		width = 64
	}
	if width < 1 {
		return nil, fmt.Errorf("model %s: width %d, want a positive number of channels", c.Arch, width)
	}
	if c.Depth != 0 {
		return nil, fmt.Errorf("model %s: depth %d: the depth is fixed by the name (use resnet for depth 6n+2)", c.Arch, c.Depth)
	}
	in := c.InputShape
	if len(in) != 3 || in[0] < 1 || in[1] < 1 || in[2] < 1 {
		return nil, fmt.Errorf("model %s: input shape %v, want [C, H, W]", c.Arch, in)
	}
	layers := []nn.Layer[T]{
		nn.NewConv2d[T]("conv1", in[0], width, 3, 1, 1, false),
		nn.NewBatchNorm2d[T]("bn1", width),
		nn.NewActivation[T]("relu"),
	}
	ch := width
	for stage, n := range blocks {
		out := width << stage
		seq := make([]nn.Layer[T], n)
		for i := range seq {
			stride := 1
			if i == 0 && stage > 0 {
				stride = 2
			}
			seq[i] = basicBlock[T](fmt.Sprintf("layer%d.%d", stage+1, i), ch, out, stride)
			ch = out
		}
		layers = append(layers, &nn.Sequential[T]{Layers: seq})
	}
	return append(layers, &nn.GlobalAvgPool2d[T]{}, nn.NewLinear[T]("linear", ch, c.Classes, true)), nil
}
