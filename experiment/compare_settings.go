package experiment

import (
	"fmt"
	"strings"

	"github.com/adafisher-go/landscape/optim"
)

// CompareSetting is one optimizer's recommended setting for Compare: the
// paper's configuration (its appendix tables of hyperparameters) for image
// classification (its CNN/ResNet-18 rows) or language modelling (its
// MiniGPT rows), scaled to this toolkit as the README's table says.
type CompareSetting struct {
	Label     string      `json:"label"`
	Optimizer string      `json:"optimizer"`
	Hyper     optim.Hyper `json:"hyper"`
	Source    string      `json:"source"`
}

// CompareLabels are the optimizers Compare knows, in its default order.
var CompareLabels = []string{"adam", "adafisher", "kfac", "shampoo", "adahessian", "sgd"}

// CompareSettingFor returns the setting of an optimizer label for an image
// (text false) or a language-model (text true) comparison: optim's "cifar"
// or "lm" preset of that label.
func CompareSettingFor(label string, text bool) (CompareSetting, error) {
	group := "cifar"
	if text {
		group = "lm"
	}
	p, err := optim.PresetNamed(group + "/" + label)
	if err != nil {
		return CompareSetting{}, fmt.Errorf("unknown optimizer %q for compare, want some of %v", label, CompareLabels)
	}
	return CompareSetting{Label: label, Optimizer: p.Optimizer, Hyper: p.Hyper, Source: p.Source}, nil
}

// IsText reports whether a dataset is a language-model corpus (text:FILE),
// whose comparison takes the language-model settings.
func IsText(dataset string) bool { return strings.HasPrefix(dataset, "text:") }

// CompareSettings returns the settings of the labels for the dataset.
func CompareSettings(labels []string, dataset string) ([]CompareSetting, error) {
	var out []CompareSetting
	for _, l := range labels {
		s, err := CompareSettingFor(strings.TrimSpace(l), IsText(dataset))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
