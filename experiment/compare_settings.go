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
// (text false) or a language-model (text true) comparison.
func CompareSettingFor(label string, text bool) (CompareSetting, error) {
	adam := optim.Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
	fisher := optim.Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, FisherMode: "reference"}
	kfac := optim.Hyper{LR: 0.03, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 10, TInv: 100}
	shampoo := optim.Hyper{LR: 0.3, Momentum: 0.9, Damping: 1e-12, StatDecay: -1, UpdateInterval: 1, MaxPrecondDim: 256, GraftType: "none", ClipNorm: 1}
	adahessian := optim.Hyper{LR: 0.15, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1}
	sgd := optim.Hyper{LR: 0.1, Momentum: 0.9}
	if !text {
		for _, h := range []*optim.Hyper{&adam, &fisher, &kfac, &shampoo, &adahessian, &sgd} {
			h.WeightDecay = 5e-4
		}
		switch label {
		case "adam":
			return CompareSetting{label, "adam", adam, "adamCNN: Adam lr 1e-3, wd 5e-4"}, nil
		case "adafisher":
			return CompareSetting{label, "adafisher", fisher, "AdaFisherCNN: lr 1e-3, wd 5e-4, gamma 0.8, Lambda 1e-3, TCov 100"}, nil
		case "kfac":
			return CompareSetting{label, "kfac", kfac, "kfacCNN (ASDL K-FAC lr 0.3, damping 1e-3, interval 10, wd 5e-4) on the official KFACOptimizer: lr 0.03"}, nil
		case "shampoo":
			return CompareSetting{label, "shampoo", shampoo, "ShampooCNN: lr 0.3, wd 5e-4, damping 1e-12, interval 1, clip 1; blocks of at most 256"}, nil
		case "adahessian":
			return CompareSetting{label, "adahessian", adahessian, "AdaHessianCNN: lr 0.15, wd 5e-4, hessian power 1"}, nil
		case "sgd":
			return CompareSetting{label, "sgd", sgd, "SGD lr 0.1, momentum 0.9, wd 5e-4 (not in the paper's table)"}, nil
		}
	} else {
		for _, h := range []*optim.Hyper{&adam, &fisher, &kfac, &shampoo, &adahessian, &sgd} {
			h.WeightDecay = 0.1
		}
		adam.LR = 1e-3
		fisher.LR, fisher.TCov = 1e-4, 10
		kfac.WeightDecay = 0
		shampoo.LR, shampoo.ClipNorm = 3e-3, 10
		switch label {
		case "adam":
			return CompareSetting{label, "adamw", adam, "AdamW, wd 0.1; lr 1e-3 (the paper's 1e-5 tunes a GPT with frozen embeddings)"}, nil
		case "adafisher":
			return CompareSetting{label, "adafisherw", fisher, "AdaFisherW: lr 1e-4, wd 0.1, Lambda 1e-3, TCov 10"}, nil
		case "kfac":
			return CompareSetting{label, "kfac", kfac, "not in the paper's language-model runs: the image setting without weight decay"}, nil
		case "shampoo":
			return CompareSetting{label, "shampoo", shampoo, "Shampoo: lr 3e-3, wd 0.1, damping 1e-12, interval 1, clip 10; blocks of at most 256"}, nil
		case "adahessian":
			return CompareSetting{label, "adahessian", adahessian, "AdaHessian: lr 0.15, wd 0.1"}, nil
		case "sgd":
			return CompareSetting{label, "sgd", sgd, "SGD lr 0.1, momentum 0.9, wd 0.1 (not in the paper's table)"}, nil
		}
	}
	return CompareSetting{}, fmt.Errorf("unknown optimizer %q for compare, want some of %v", label, CompareLabels)
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
