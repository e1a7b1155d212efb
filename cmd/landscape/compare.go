package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// cmdCompare trains one model with several optimizers for the same
// wall-clock time, each with its own recommended setting, the same seed and
// the same data order, and writes one report comparing them.
func cmdCompare(args []string, stdout, stderr io.Writer) error {
	f := flag.NewFlagSet("landscape compare", flag.ContinueOnError)
	f.SetOutput(stderr)
	var c train.Config
	var hidden, budget, optimizers string
	var seed int64
	var png, overwrite bool
	f.StringVar(&c.Dataset, "dataset", "", "the dataset, as for landscape train (fashion-mnist, cifar10:DIR, text:FILE, ...)")
	f.StringVar(&c.Model, "model", "", "the model, as for landscape train (cnn, resnet, gpt, mlp)")
	f.StringVar(&optimizers, "optimizers", "adam,adafisher,kfac,shampoo,adahessian", "comma-separated optimizers, each with its setting from the README's table: "+strings.Join(compareLabels, ", "))
	f.StringVar(&budget, "time-budget", "", "training time per optimizer, e.g. 5m (required)")
	f.StringVar(&c.Out, "out", "", "the directory of the comparison: runs/OPTIMIZER and index.html (required)")
	f.IntVar(&c.BatchSize, "batch-size", 0, "samples per batch for every optimizer (default 256, the paper's; 32 for text)")
	f.Int64Var(&seed, "seed", 0, "one seed for every run: the same initial weights and data order")
	f.StringVar(&c.DType, "dtype", "float32", "float32 or float64")
	f.BoolVar(&c.Standardize, "standardize", false, "z-score the features (as landscape train)")
	f.Float64Var(&c.TestFraction, "test-fraction", 0, "hold out this fraction as the test split (datasets without one; text: the validation share, default 0.1)")
	f.BoolVar(&c.Augment, "augment", false, "augment the training images (crop, flip, cutout), as landscape train")
	f.StringVar(&hidden, "hidden", "", "mlp: hidden widths, e.g. 64,32")
	f.StringVar(&c.Activation, "activation", "relu", "mlp: activation")
	f.IntVar(&c.Depth, "depth", 0, "resnet: depth 6n+2")
	f.IntVar(&c.Width, "width", 0, "resnet: base width")
	f.IntVar(&c.Layers, "layers", 0, "gpt: blocks")
	f.IntVar(&c.Heads, "heads", 0, "gpt: heads")
	f.IntVar(&c.Dim, "dim", 0, "gpt: embedding dimension")
	f.IntVar(&c.Context, "context", 0, "gpt and text: tokens per sample")
	f.BoolVar(&c.Tied, "tied", false, "gpt: tie the output head to the token embedding")
	f.Float64Var(&c.Dropout, "dropout", 0, "gpt: dropout probability")
	f.BoolVar(&png, "png", false, "also write every figure as a PNG")
	f.BoolVar(&overwrite, "overwrite", false, "start every run afresh, replacing runs in --out")
	f.Usage = func() {
		fmt.Fprintln(stderr, "usage: landscape compare --dataset D --model M --time-budget 10m --out DIR [flags]\n\nTrains the model with each optimizer for the same training time (its recommended setting,\nthe same seed and data order), each into DIR/runs/OPTIMIZER, and writes DIR/index.html.\nRun again after an interruption: finished runs are kept, the interrupted one resumes.\n\nflags:")
		printFlags(f, stderr)
	}
	if err := parse(f, args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return usagef("unexpected argument %q (flags start with --)", f.Arg(0))
	}
	switch {
	case c.Dataset == "" || c.Model == "":
		return usagef("--dataset and --model are required")
	case c.Out == "":
		return usagef("--out is required: the directory of the comparison")
	case budget == "":
		return usagef("--time-budget is required: the training time of each optimizer, e.g. 5m")
	case seed < 0:
		return usagef("--seed %d, want a non-negative integer", seed)
	}
	d, err := time.ParseDuration(budget)
	if err != nil || d <= 0 {
		return usagef("--time-budget %q: want a positive duration such as 90s or 10m", budget)
	}
	c.TimeBudget, c.Seed, c.Shuffle = d, uint64(seed), true
	c.EvalInterval = d / 20 // test curves with about 20 points, whatever an epoch takes
	if hidden != "" {
		for _, s := range strings.Split(hidden, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || v < 1 {
				return usagef("--hidden %q: want positive integers separated by commas", hidden)
			}
			c.Hidden = append(c.Hidden, v)
		}
	} else if c.Model == "mlp" {
		c.Hidden = []int{16}
	}
	if c.Model != "mlp" {
		c.Activation = ""
	}
	text := strings.HasPrefix(c.Dataset, "text:")
	if c.BatchSize == 0 {
		c.BatchSize = 256
		if text {
			c.BatchSize = 32
		}
	}
	var settings []compareSetting
	for _, label := range strings.Split(optimizers, ",") {
		s, err := compareSettingFor(strings.TrimSpace(label), text)
		if err != nil {
			return usagef("%v", err)
		}
		settings = append(settings, s)
	}
	if _, err := report.LoadJS(""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := compareOptions{Command: append([]string{"landscape", "compare"}, args...), Overwrite: overwrite, Log: func(s string) { fmt.Fprintln(stderr, s) }}
	var dirs []string
	for _, s := range settings {
		dir, err := compareRun(ctx, c, s, o, stderr)
		if err != nil {
			return fmt.Errorf("%s: %w", s.Label, err)
		}
		dirs = append(dirs, dir)
	}
	res, err := readComparison(c, settings, dirs)
	if err != nil {
		return err
	}
	page := filepath.Join(c.Out, "index.html")
	if err := compareReport(page, res, report.Options{Command: o.Command, Version: version(), PNG: png}); err != nil {
		return err
	}
	compareText(stdout, res)
	fmt.Fprintf(stdout, "report: %s\n", page)
	return nil
}

type compareOptions struct {
	Command   []string
	Overwrite bool
	Log       func(string)
}

// compareRun trains one optimizer into OUT/runs/LABEL, or keeps the run
// there when it finished with the same settings, or resumes it when it was
// interrupted (or had a shorter budget).
func compareRun(ctx context.Context, base train.Config, s compareSetting, o compareOptions, stderr io.Writer) (string, error) {
	c := base
	c.Optimizer, c.Hyper = s.Optimizer, s.Hyper
	c.Hyper.Seed = c.Seed
	c.Out = filepath.Join(base.Out, "runs", s.Label)
	to := train.Options{Command: o.Command, Version: version(), Overwrite: true, Log: o.Log}
	p := newProgress(stderr)
	to.Progress = p.event
	defer p.done()
	run := func() error {
		var err error
		if c.DType == "float32" {
			_, err = train.Run[float32](ctx, c, to)
		} else {
			_, err = train.Run[float64](ctx, c, to)
		}
		return err
	}
	state, err := existingRun(c)
	if err != nil {
		return "", err
	}
	if o.Overwrite {
		state = "none"
	}
	switch state {
	case "none":
		o.Log(fmt.Sprintf("compare: %s (%s) for %s", s.Label, s.Optimizer, c.TimeBudget))
		err = run()
	case "finished":
		o.Log(fmt.Sprintf("compare: %s finished already: %s", s.Label, c.Out))
	case "resume":
		o.Log(fmt.Sprintf("compare: resuming %s from %s", s.Label, c.Out))
		limits := train.Config{TimeBudget: c.TimeBudget}
		if c.DType == "float32" {
			_, err = train.Resume[float32](ctx, c.Out, limits, to)
		} else {
			_, err = train.Resume[float64](ctx, c.Out, limits, to)
		}
	}
	if errors.Is(err, train.ErrInterrupted) {
		return "", fmt.Errorf("interrupted; run the same command again to continue")
	}
	return c.Out, err
}

// existingRun says what OUT/runs/LABEL holds: "none" (nothing, or a run
// without a checkpoint), "finished" (a final record with this budget) or
// "resume". A run with other settings is an error.
func existingRun(c train.Config) (string, error) {
	var info train.Info
	b, err := os.ReadFile(filepath.Join(c.Out, rundir.ConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return "none", nil
	}
	if err != nil {
		return "", err
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return "", fmt.Errorf("%s: %w", c.Out, err)
	}
	if _, err := os.Stat(filepath.Join(c.Out, "checkpoint.safetensors")); err != nil {
		return "none", nil
	}
	saved, want := info.Config, c
	saved.TimeBudget, want.TimeBudget = 0, 0
	saved.EvalInterval, want.EvalInterval = 0, 0                       // follows the budget; a resumed run keeps its own
	saved.Schedule, want.Schedule = train.Schedule{}, train.Schedule{} // constant, completed by the run
	a, _ := json.Marshal(saved)
	w, _ := json.Marshal(want)
	if string(a) != string(w) {
		return "", fmt.Errorf("%s holds a run with other settings:\n  saved: %s\n  now:   %s\nuse another --out, or --overwrite to start afresh", c.Out, a, w)
	}
	recs, err := rundir.ReadMetrics(filepath.Join(c.Out, "metrics.jsonl"))
	if err != nil {
		return "resume", nil
	}
	for _, r := range recs {
		if r["kind"] == "final" && info.Config.TimeBudget == c.TimeBudget {
			return "finished", nil
		}
	}
	return "resume", nil
}
