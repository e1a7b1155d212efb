package models_test

import (
	"fmt"

	"github.com/adafisher-go/landscape/models"
)

// The CIFAR ResNet-8: its layers with parameters carry PyTorch's module
// names, so its state_dict loads into the PyTorch module of the same
// definition.
func ExampleBuild() {
	m, err := models.Build[float32](models.Config{Arch: "resnet", Depth: 8, InputShape: []int{3, 32, 32}, Classes: 10, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.NumParams(), "parameters")
	for _, l := range m.ParamLayers()[:7] {
		fmt.Println(l.Name(), l.Kind())
	}
	// Output:
	// 78042 parameters
	// conv1 Conv2d
	// bn1 BatchNorm2d
	// layer1.0.conv1 Conv2d
	// layer1.0.bn1 BatchNorm2d
	// layer1.0.conv2 Conv2d
	// layer1.0.bn2 BatchNorm2d
	// layer2.0.conv1 Conv2d
}

func ExampleIsArch() {
	fmt.Println(models.IsArch("cnn"), models.IsArch("vgg"))
	// Output: true false
}
