package trainflags

import (
	"fmt"
	"slices"
	"strings"

	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/optim"
)

// hyperFlag is a flag that sets a hyperparameter.
type hyperFlag struct {
	name    string
	setting string // the field's JSON name in run.json's "hyper"
	field   func(h *optim.Hyper) any
	usage   string
	uses    []string // the optimizers that read it, whose defaults the help lists
	only    bool     // it is an error with other optimizers
}

var (
	adafisherNames = []string{"adafisher", "adafisherw"}
	adamNames      = []string{"adam", "adamw"}
)

func join(lists ...[]string) []string { return slices.Concat(lists...) }

// hyperFlags are the hyperparameter flags; their defaults are each
// optimizer's own (optim.Defaults).
var hyperFlags = []hyperFlag{
	{"lr", "lr", func(h *optim.Hyper) any { return &h.LR }, "learning rate", optim.Names, false},
	{"momentum", "momentum", func(h *optim.Hyper) any { return &h.Momentum }, "sgd, kfac, shampoo: momentum", []string{"sgd", "kfac", "shampoo"}, false},
	{"dampening", "dampening", func(h *optim.Hyper) any { return &h.Dampening }, "sgd: dampening", []string{"sgd"}, false},
	{"nesterov", "nesterov", func(h *optim.Hyper) any { return &h.Nesterov }, "sgd: Nesterov momentum", []string{"sgd"}, false},
	{"weight-decay", "weight_decay", func(h *optim.Hyper) any { return &h.WeightDecay },
		"weight decay (L2 for sgd, adam, adafisher, kfac and shampoo; decoupled for adamw, adafisherw and adahessian)", optim.Names, false},
	{"beta1", "beta1", func(h *optim.Hyper) any { return &h.Beta1 }, "adam, adahessian: first-moment decay; adafisher: beta",
		join(adamNames, adafisherNames, []string{"adahessian"}), false},
	{"beta2", "beta2", func(h *optim.Hyper) any { return &h.Beta2 }, "adam, adahessian: second-moment decay (shampoo: of Adam grafting)",
		join(adamNames, []string{"adahessian", "shampoo"}), false},
	{"eps", "eps", func(h *optim.Hyper) any { return &h.Eps }, "adam, adahessian: epsilon added to the denominator; shampoo: of Adam grafting",
		join(adamNames, []string{"adahessian", "shampoo"}), false},
	{"lambda", "lambda", func(h *optim.Hyper) any { return &h.Lambda }, "adafisher: damping Lambda added to the Kronecker product", adafisherNames, true},
	{"gamma", "gamma", func(h *optim.Hyper) any { return &h.Gamma },
		"adafisher: factor moving-average knob (reference: 0.1*gamma old + 0.01*gamma new; paper: gamma old + (1-gamma) new)", adafisherNames, true},
	{"tcov", "tcov", func(h *optim.Hyper) any { return &h.TCov },
		"adafisher, kfac: refresh the factors every N steps (adafisher in paper mode: " + fmt.Sprint(paperTCov()) + ")",
		join(adafisherNames, []string{"kfac"}), true},
	{"fisher-mode", "fisher_mode", func(h *optim.Hyper) any { return &h.FisherMode },
		"adafisher: reference (the official code, the published numbers) or paper (the paper's Eq. 3 and Algorithm 1)", adafisherNames, true},
	{"fisher-extend", "fisher_extend", func(h *optim.Hyper) any { return &h.FisherExtend },
		"adafisher: factors for Embedding and BatchNorm1d layers (always on with --fisher-mode paper); without, their parameters get F = 1 as in the official code", adafisherNames, true},
	{"full-factors", "full_factors", func(h *optim.Hyper) any { return &h.FullFactors },
		"adafisher: also keep and snapshot the full factor matrices (analysis code) and each snapshot step's raw batch factors", adafisherNames, true},
	{"damping", "damping", func(h *optim.Hyper) any { return &h.Damping },
		"kfac: damping added to the factors' eigenvalue products; shampoo: epsilon, the statistics start at epsilon*I", []string{"kfac", "shampoo"}, true},
	{"stat-decay", "stat_decay", func(h *optim.Hyper) any { return &h.StatDecay },
		"kfac: moving-average decay of the factors; shampoo: decay of the statistics, negative to sum them", []string{"kfac", "shampoo"}, true},
	{"kl-clip", "kl_clip", func(h *optim.Hyper) any { return &h.KLClip }, "kfac: KL clip of the natural-gradient step", []string{"kfac"}, true},
	{"tinv", "tinv", func(h *optim.Hyper) any { return &h.TInv }, "kfac: eigendecompose the factors every N steps (--tcov refreshes them)", []string{"kfac"}, true},
	{"update-interval", "update_interval", func(h *optim.Hyper) any { return &h.UpdateInterval },
		"shampoo: refresh the statistics and their inverse roots every N steps", []string{"shampoo"}, true},
	{"max-precond-dim", "max_precond_dim", func(h *optim.Hyper) any { return &h.MaxPrecondDim },
		"shampoo: cut dimensions larger than this into blocks with statistics of their own", []string{"shampoo"}, true},
	{"graft", "graft_type", func(h *optim.Hyper) any { return &h.GraftType },
		"shampoo: none, sgd or adam: rescale each parameter's step to the norm of that method's", []string{"shampoo"}, true},
	{"clip-norm", "clip_norm", func(h *optim.Hyper) any { return &h.ClipNorm },
		"shampoo: clip the total norm of the preconditioned gradients to this; 0 for none", []string{"shampoo"}, true},
	{"hessian-power", "hessian_power", func(h *optim.Hyper) any { return &h.HessianPower },
		"adahessian: the power k of the Hessian diagonal's root, in (0, 1]", []string{"adahessian"}, true},
}

// paperTCov is AdaFisher's default refresh interval in paper mode.
func paperTCov() int {
	h, _ := optim.WithDefaults("adafisher", optim.Hyper{FisherMode: "paper"})
	return h.TCov
}

// value is the value a field pointer points to.
func value(p any) any {
	switch p := p.(type) {
	case *float64:
		return *p
	case *int:
		return *p
	case *bool:
		return *p
	case *string:
		return *p
	}
	panic(fmt.Sprintf("hyperparameter field of type %T", p))
}

// assign sets the field dst points to from the one src points to.
func assign(dst, src any) {
	switch d := dst.(type) {
	case *float64:
		*d = *src.(*float64)
	case *int:
		*d = *src.(*int)
	case *bool:
		*d = *src.(*bool)
	case *string:
		*d = *src.(*string)
	}
}

// defaultsText lists the flag's default per optimizer as optim has them,
// optimizers with the same default together: " (default: adam, adamw 0.9;
// adahessian 0.95)". It is empty when every default is zero.
func defaultsText(h hyperFlag) string {
	var groups []string
	byValue := map[string]int{}
	zero := true
	for _, name := range h.uses {
		d, err := optim.Defaults(name)
		if err != nil {
			continue
		}
		v := value(h.field(&d))
		zero = zero && (v == 0.0 || v == 0 || v == false || v == "")
		s := fmt.Sprint(v)
		if i, ok := byValue[s]; ok {
			groups[i] = strings.Replace(groups[i], " "+s, ", "+name+" "+s, 1)
			continue
		}
		byValue[s] = len(groups)
		groups = append(groups, name+" "+s)
	}
	if zero {
		return ""
	}
	return " (default: " + strings.Join(groups, "; ") + ")"
}

// hyper returns the optimizer's hyperparameters: its defaults (optim), with
// the flags given replacing theirs.
func (f *Flags) hyper() (optim.Hyper, error) {
	name := f.C.Optimizer
	h, err := optim.Defaults(name)
	if err != nil {
		return h, err
	}
	for _, e := range hyperFlags {
		if !f.Set[e.name] {
			continue
		}
		if e.only && !slices.Contains(e.uses, name) {
			return h, cli.Usagef("--%s applies to --optimizer %s, not %s", e.name, strings.Join(e.uses, " or "), name)
		}
		assign(e.field(&h), e.field(&f.Given))
	}
	if h.FisherMode == "paper" && !f.Set["tcov"] {
		h.TCov = 0 // paper mode has a default of its own: optim fills it
	}
	filled, err := optim.WithDefaults(name, h)
	if err != nil {
		return h, err
	}
	for _, e := range hyperFlags {
		if f.Set[e.name] && value(e.field(&filled)) != value(e.field(&h)) {
			return h, fmt.Errorf("--%s %v is not a valid setting of %s (its default is %v)", e.name, value(e.field(&h)), name, value(e.field(&filled)))
		}
	}
	if name == "adahessian" {
		filled.Seed = f.C.Seed // its probes come from --seed
	}
	return filled, nil
}
