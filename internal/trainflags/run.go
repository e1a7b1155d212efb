package trainflags

import (
	"context"

	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/train"
)

// complete checks the flags that go together and fills the configuration:
// the model's flags, the optimizer's hyperparameters, the schedule's.
func (f *Flags) Complete() error {
	c := &f.C
	for _, fl := range []struct{ name, model string }{
		{"depth", "resnet"}, {"width", "resnet"}, {"layers", "gpt"}, {"heads", "gpt"}, {"dim", "gpt"}, {"tied", "gpt"}, {"dropout", "gpt"},
	} {
		if f.Set[fl.name] && c.Model != fl.model && !(fl.name == "width" && (c.Model == "resnet18" || c.Model == "resnet34")) {
			return cli.Usagef("--%s applies to --model %s, not %s", fl.name, fl.model, c.Model)
		}
	}
	if f.Set["snapshot-factors-every"] && c.Optimizer != "adafisher" && c.Optimizer != "adafisherw" {
		return cli.Usagef("--snapshot-factors-every applies to --optimizer adafisher or adafisherw, not %s", c.Optimizer)
	}
	if f.Resume == "" { // a resumed run has its settings in run.json
		h, err := f.hyper()
		if err != nil {
			return err
		}
		c.Hyper = h
	}
	if f.Set["full-factors"] && f.Given.FullFactors && c.SnapshotFactorsEvery == 0 {
		return cli.Usagef("--full-factors needs --snapshot-factors-every N")
	}
	if c.Schedule.Kind != "cosine" {
		c.Schedule.TMax = 0
	}
	if f.PNG && !f.Report {
		return cli.Usagef("--png goes with --report")
	}
	if f.Resume == "" && c.Out == "" {
		return cli.Usagef("--out is required: the run directory to write")
	}
	return nil
}

// dir is the run directory the command writes.
func (f *Flags) Dir() string {
	if f.Resume != "" {
		return f.Resume
	}
	return f.C.Out
}

// train runs or resumes the run in the element type it asks for.
func (f *Flags) Train(ctx context.Context, o train.Options) (*train.Result, error) {
	if f.Resume == "" {
		if f.C.DType == "float32" {
			return train.Run[float32](ctx, f.C, o)
		}
		return train.Run[float64](ctx, f.C, o)
	}
	dtype := f.C.DType
	if !f.Set["dtype"] {
		var err error
		if dtype, err = train.SavedDType(f.Resume); err != nil {
			return nil, err
		}
	}
	var limits train.Config
	if f.Set["epochs"] || f.Set["steps"] || f.Set["time-budget"] {
		limits = train.Config{Epochs: f.C.Epochs, Steps: f.C.Steps, TimeBudget: f.C.TimeBudget}
	}
	if f.Set["device"] {
		limits.Device = f.C.Device
	}
	if dtype == "float32" {
		return train.Resume[float32](ctx, f.Resume, limits, o)
	}
	return train.Resume[float64](ctx, f.Resume, limits, o)
}
