package models

import (
	"fmt"

	"github.com/adafisher-go/landscape/nn"
)

// cnnLayers builds the zoo's small convolutional network for inputs of shape
// [C, H, W], with PyTorch's module names:
//
//	conv1 = Conv2d(C, 16, 3, padding=1), bn1 = BatchNorm2d(16), ReLU, MaxPool2d(2)
//	conv2 = Conv2d(16, 32, 3, padding=1), bn2 = BatchNorm2d(32), ReLU, MaxPool2d(2)
//	Flatten, fc = Linear(32 * (H/4) * (W/4), classes)
func cnnLayers[T nn.Float](inputShape []int, classes int) ([]nn.Layer[T], error) {
	if len(inputShape) != 3 || inputShape[0] < 1 || inputShape[1] < 4 || inputShape[2] < 4 {
		return nil, fmt.Errorf("model cnn: input shape %v, want [C, H, W] with C >= 1 and H, W >= 4", inputShape)
	}
	c, h, w := inputShape[0], inputShape[1], inputShape[2]
	return []nn.Layer[T]{
		nn.NewConv2d[T]("conv1", c, 16, 3, 1, 1, true),
		nn.NewBatchNorm2d[T]("bn1", 16),
		nn.NewActivation[T]("relu"),
		nn.NewMaxPool2d[T](2, 2),
		nn.NewConv2d[T]("conv2", 16, 32, 3, 1, 1, true),
		nn.NewBatchNorm2d[T]("bn2", 32),
		nn.NewActivation[T]("relu"),
		nn.NewMaxPool2d[T](2, 2),
		&nn.Flatten[T]{},
		nn.NewLinear[T]("fc", 32*(h/2/2)*(w/2/2), classes, true),
	}, nil
}
