package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/train"
)

func cmdTrain(args []string, stdout, stderr io.Writer) error {
	f := newTrainFlags(stderr)
	if err := f.parse(args); err != nil {
		return err
	}
	if err := f.complete(); err != nil {
		return f.flagErr(err)
	}
	if f.report {
		// Find the JavaScript before training, so that a long run does not
		// fail at its end.
		if _, err := report.LoadJS(""); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := train.Options{Command: append([]string{"landscape", "train"}, args...), Version: version(), Overwrite: f.overwrite}
	p := cli.NewProgress(stderr)
	o.Progress = p.Event
	o.Log = func(msg string) { fmt.Fprintln(stderr, msg) }
	res, err := f.train(ctx, o)
	p.Done()
	if errors.Is(err, train.ErrInterrupted) {
		return fmt.Errorf("%w; continue with: landscape train --resume %s", err, f.dir())
	}
	if errors.Is(err, train.ErrNonFinite) {
		return fmt.Errorf("%w; --on-nan continue trains on regardless", err)
	}
	if err != nil {
		return f.flagErr(err)
	}
	printTrainResult(stdout, res)
	if f.report {
		dir := filepath.Join(res.Dir, "report")
		ro := report.Options{Command: o.Command, Version: version(), PNG: f.png}
		if err := report.WriteRunIndex(dir, []string{res.Dir}, ro); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "report: %s\n", filepath.Join(dir, report.IndexFile))
	}
	return nil
}

// complete checks the flags that go together and fills the configuration:
// the model's flags, the optimizer's hyperparameters, the schedule's.
func (f *trainFlags) complete() error {
	c := &f.c
	for _, fl := range []struct{ name, model string }{
		{"depth", "resnet"}, {"width", "resnet"}, {"layers", "gpt"}, {"heads", "gpt"}, {"dim", "gpt"}, {"tied", "gpt"}, {"dropout", "gpt"},
	} {
		if f.set[fl.name] && c.Model != fl.model && !(fl.name == "width" && (c.Model == "resnet18" || c.Model == "resnet34")) {
			return usagef("--%s applies to --model %s, not %s", fl.name, fl.model, c.Model)
		}
	}
	if f.set["snapshot-factors-every"] && c.Optimizer != "adafisher" && c.Optimizer != "adafisherw" {
		return usagef("--snapshot-factors-every applies to --optimizer adafisher or adafisherw, not %s", c.Optimizer)
	}
	if f.resume == "" { // a resumed run has its settings in run.json
		h, err := f.hyper()
		if err != nil {
			return err
		}
		c.Hyper = h
	}
	if f.set["full-factors"] && f.given.FullFactors && c.SnapshotFactorsEvery == 0 {
		return usagef("--full-factors needs --snapshot-factors-every N")
	}
	if c.Schedule.Kind != "cosine" {
		c.Schedule.TMax = 0
	}
	if f.png && !f.report {
		return usagef("--png goes with --report")
	}
	if f.resume == "" && c.Out == "" {
		return usagef("--out is required: the run directory to write")
	}
	return nil
}

// dir is the run directory the command writes.
func (f *trainFlags) dir() string {
	if f.resume != "" {
		return f.resume
	}
	return f.c.Out
}

// train runs or resumes the run in the element type it asks for.
func (f *trainFlags) train(ctx context.Context, o train.Options) (*train.Result, error) {
	if f.resume == "" {
		if f.c.DType == "float32" {
			return train.Run[float32](ctx, f.c, o)
		}
		return train.Run[float64](ctx, f.c, o)
	}
	dtype := f.c.DType
	if !f.set["dtype"] {
		var err error
		if dtype, err = train.SavedDType(f.resume); err != nil {
			return nil, err
		}
	}
	var limits train.Config
	if f.set["epochs"] || f.set["steps"] || f.set["time-budget"] {
		limits = train.Config{Epochs: f.c.Epochs, Steps: f.c.Steps, TimeBudget: f.c.TimeBudget}
	}
	if f.set["device"] {
		limits.Device = f.c.Device
	}
	if dtype == "float32" {
		return train.Resume[float32](ctx, f.resume, limits, o)
	}
	return train.Resume[float64](ctx, f.resume, limits, o)
}

func printTrainResult(w io.Writer, res *train.Result) {
	fmt.Fprintf(w, "%s: %d steps (%d epochs) in %.2fs, stopped by %s; last batch loss %.6g; final weights: train loss %.6g, accuracy %.4f",
		res.Dir, res.Steps, res.Epochs, res.Elapsed.Seconds(), res.Stopped, res.LastLoss, res.FinalTrain.Loss, res.FinalTrain.Accuracy)
	if res.FinalTest != nil {
		fmt.Fprintf(w, "; test loss %.6g, accuracy %.4f", res.FinalTest.Loss, res.FinalTest.Accuracy)
		if res.FinalTest.Perplexity > 0 {
			fmt.Fprintf(w, ", perplexity %.4g", res.FinalTest.Perplexity)
		}
	}
	fmt.Fprintln(w)
}
