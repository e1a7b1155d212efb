package optim

import (
	"fmt"
	"strings"
)

// Preset is a named setting of one method from the paper or its code.
type Preset struct {
	// Name is "GROUP/LABEL", e.g. "figure1/kfac" or "cifar/adafisher".
	Name string `json:"name"`
	// Optimizer is the method's name for New (the "lm" group's adam is
	// "adamw").
	Optimizer string `json:"optimizer"`
	Hyper     Hyper  `json:"hyper"`
	// Source says where the setting comes from and how it differs.
	Source string `json:"source"`
}

// Label is the part of the name after the group: "kfac" for "figure1/kfac".
func (p Preset) Label() string {
	_, label, _ := strings.Cut(p.Name, "/")
	return label
}

// Group is the part of the name before the label: "figure1" for
// "figure1/kfac".
func (p Preset) Group() string {
	group, _, _ := strings.Cut(p.Name, "/")
	return group
}

// Presets are the paper's settings, in three groups (each in the order
// AdaFisher, K-FAC, Adam, AdaHessian, Shampoo, SGD):
//
//   - figure1: the optimizers of the loss-landscape notebook behind the
//     paper's Figure 1 (Analysis/Visualization_Loss_Landscape.ipynb), plus
//     SGD.
//   - cifar: the image-classification configurations of the paper's
//     CIFAR-10 runs and its Table 7 learning rates
//     (Image_Classification/configs/*CNN.yaml: weight decay 5e-4), as this
//     toolkit runs them; K-FAC and Shampoo there are ASDL's, which this
//     toolkit replaces by the official KFACOptimizer and its own Shampoo
//     (Source says how).
//   - lm: the language-model runs (Language_Model/*.sh: weight decay 0.1,
//     decoupled), as above.
var Presets = []Preset{
	{"figure1/adafisher", "adafisher", Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, FisherMode: "reference"},
		"AdaFisher(model, lr=1e-3) with its defaults"},
	{"figure1/kfac", "kfac", Hyper{LR: 1e-3, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 10, TInv: 100},
		"KFACOptimizer(lr=1e-3) with the repository defaults"},
	{"figure1/adam", "adam", Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, "Adam(lr=1e-3)"},
	{"figure1/adahessian", "adahessian", Hyper{LR: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1},
		"Adahessian(lr=0.01) with its defaults"},
	{"figure1/shampoo", "shampoo", Hyper{LR: 1e-3, Momentum: 0.9, Damping: 1e-12, StatDecay: -1, UpdateInterval: 100, ClipNorm: 1,
		GraftType: "none", MaxPrecondDim: 8192},
		"ASDL Shampoo (damping 1e-12, statistics summed, refreshed every 100 steps), clip_grad_norm_(1), SGD(lr 1e-3, momentum 0.9)"},
	{"figure1/sgd", "sgd", Hyper{LR: 1e-3, Momentum: 0.9}, "SGD(lr 1e-3, momentum 0.9) (not in the notebook)"},

	{"cifar/adafisher", "adafisher", Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, FisherMode: "reference", WeightDecay: 5e-4},
		"AdaFisherCNN: lr 1e-3, wd 5e-4, gamma 0.8, Lambda 1e-3, TCov 100"},
	{"cifar/kfac", "kfac", Hyper{LR: 0.03, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 10, TInv: 100, WeightDecay: 5e-4},
		"kfacCNN (ASDL K-FAC lr 0.3, damping 1e-3, interval 10, wd 5e-4) on the official KFACOptimizer: lr 0.03"},
	{"cifar/adam", "adam", Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 5e-4}, "adamCNN: Adam lr 1e-3, wd 5e-4"},
	{"cifar/adahessian", "adahessian", Hyper{LR: 0.15, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1, WeightDecay: 5e-4},
		"AdaHessianCNN: lr 0.15, wd 5e-4, hessian power 1"},
	{"cifar/shampoo", "shampoo", Hyper{LR: 0.3, Momentum: 0.9, Damping: 1e-12, StatDecay: -1, UpdateInterval: 1, MaxPrecondDim: 256,
		GraftType: "none", ClipNorm: 1, WeightDecay: 5e-4},
		"ShampooCNN: lr 0.3, wd 5e-4, damping 1e-12, interval 1, clip 1; blocks of at most 256"},
	{"cifar/sgd", "sgd", Hyper{LR: 0.1, Momentum: 0.9, WeightDecay: 5e-4}, "SGD lr 0.1, momentum 0.9, wd 5e-4 (not in the paper's table)"},

	{"lm/adafisher", "adafisherw", Hyper{LR: 1e-4, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 10, FisherMode: "reference", WeightDecay: 0.1},
		"AdaFisherW: lr 1e-4, wd 0.1, Lambda 1e-3, TCov 10"},
	{"lm/kfac", "kfac", Hyper{LR: 0.03, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 10, TInv: 100},
		"not in the paper's language-model runs: the image setting without weight decay"},
	{"lm/adam", "adamw", Hyper{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: 0.1},
		"AdamW, wd 0.1; lr 1e-3 (the paper's 1e-5 tunes a GPT with frozen embeddings)"},
	{"lm/adahessian", "adahessian", Hyper{LR: 0.15, Beta1: 0.9, Beta2: 0.999, Eps: 1e-4, HessianPower: 1, WeightDecay: 0.1},
		"AdaHessian: lr 0.15, wd 0.1"},
	{"lm/shampoo", "shampoo", Hyper{LR: 3e-3, Momentum: 0.9, Damping: 1e-12, StatDecay: -1, UpdateInterval: 1, MaxPrecondDim: 256,
		GraftType: "none", ClipNorm: 10, WeightDecay: 0.1},
		"Shampoo: lr 3e-3, wd 0.1, damping 1e-12, interval 1, clip 10; blocks of at most 256"},
	{"lm/sgd", "sgd", Hyper{LR: 0.1, Momentum: 0.9, WeightDecay: 0.1}, "SGD lr 0.1, momentum 0.9, wd 0.1 (not in the paper's table)"},
}

// PresetNamed returns the preset of the given name ("figure1/kfac").
func PresetNamed(name string) (Preset, error) {
	for _, p := range Presets {
		if p.Name == name {
			return p, nil
		}
	}
	return Preset{}, fmt.Errorf("unknown optimizer preset %q, want one of %s", name, strings.Join(PresetNames(), ", "))
}

// PresetNames lists the presets' names in order.
func PresetNames() []string {
	names := make([]string, len(Presets))
	for i, p := range Presets {
		names[i] = p.Name
	}
	return names
}

// PresetGroup returns the presets of one group ("figure1", "cifar", "lm") in
// order.
func PresetGroup(group string) []Preset {
	var out []Preset
	for _, p := range Presets {
		if p.Group() == group {
			out = append(out, p)
		}
	}
	return out
}
