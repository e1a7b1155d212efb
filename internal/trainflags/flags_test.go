package trainflags

import (
	"io"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/optim"
)

// The optimizer's hyperparameters are its defaults from optim with the flags
// given replacing theirs: an explicit zero stays zero, paper mode refreshes
// every step, an invalid zero is an error naming the flag.
func TestTrainFlagsHyper(t *testing.T) {
	kfac, _ := optim.Defaults("kfac")
	kfac.Momentum, kfac.LR = 0, 0.05
	paper, _ := optim.Defaults("adafisher")
	paper.FisherMode, paper.TCov = "paper", 1
	shampoo, _ := optim.Defaults("shampoo")
	shampoo.ClipNorm = 0
	cases := []struct {
		args []string
		want optim.Hyper
		err  string
	}{
		{[]string{"--optimizer", "kfac", "--momentum", "0", "--lr", "0.05"}, kfac, ""},
		{[]string{"--optimizer", "adafisher", "--fisher-mode", "paper"}, paper, ""},
		{[]string{"--optimizer", "shampoo", "--clip-norm", "0"}, shampoo, ""},
		{[]string{"--optimizer", "kfac", "--tinv", "0"}, optim.Hyper{}, "--tinv 0 is not a valid setting of kfac"},
		{[]string{"--optimizer", "adam", "--tinv", "5"}, optim.Hyper{}, "--tinv applies to --optimizer kfac, not adam"},
		{[]string{"--optimizer", "lbfgs"}, optim.Hyper{}, `unknown optimizer "lbfgs"`},
	}
	for _, c := range cases {
		f := New(io.Discard)
		if err := f.Parse(append(c.args, "--steps", "1", "--out", "x")); err != nil {
			t.Fatal(err)
		}
		h, err := f.hyper()
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%v: error %v, want %q", c.args, err, c.err)
			}
			continue
		}
		if err != nil || h != c.want {
			t.Errorf("%v:\n%+v, %v; want\n%+v", c.args, h, err, c.want)
		}
	}
}

// The help text lists each optimizer's default as optim has it.
func TestTrainHelpDefaults(t *testing.T) {
	var lr hyperFlag
	for _, h := range hyperFlags {
		if h.name == "lr" {
			lr = h
		}
	}
	want := " (default: sgd, adam, adamw, adafisher, adafisherw, kfac 0.001; shampoo 0.3; adahessian 0.15)"
	if got := defaultsText(lr); got != want {
		t.Errorf("--lr: %q, want %q", got, want)
	}
	for _, h := range hyperFlags {
		if h.name == "weight-decay" && defaultsText(h) != "" {
			t.Errorf("--weight-decay: %q, want nothing (every default is 0)", defaultsText(h))
		}
	}
}

// Every setting that a train.SettingError can name has a flag.
func TestTrainSettingFlags(t *testing.T) {
	f := New(io.Discard)
	for _, s := range []string{"batch_size", "hyper.lr", "dtype", "epochs", "steps", "time_budget_ns", "eval_interval_ns", "snapshot_every",
		"snapshot_factors_every", "checkpoint_every", "pca", "depth", "width", "layers", "heads", "dim", "context", "dropout",
		"test_fraction", "out", "augment", "augmentation", "device", "on_nan", "init", "schedule.kind", "schedule.unit", "schedule.t_max", "schedule.step_size", "schedule.gamma"} {
		name, ok := f.Settings[s]
		if !ok || f.FS.Lookup(name) == nil {
			t.Errorf("setting %s: flag %q", s, name)
		}
	}
}
