package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/adafisher-go/landscape/experiment"
	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/train"
)

// cmdCompare trains one model with several optimizers for the same
// wall-clock time (or number of steps or epochs), each with its own recommended setting, the same seed and
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
	f.StringVar(&optimizers, "optimizers", "adam,adafisher,kfac,shampoo,adahessian", "comma-separated optimizers, each with its setting from the README's table: "+strings.Join(experiment.CompareLabels, ", "))
	f.StringVar(&budget, "time-budget", "", "training time per optimizer, e.g. 5m (one of --time-budget, --steps, --epochs is required)")
	f.IntVar(&c.Steps, "steps", 0, "training steps per optimizer: equal data instead of equal time, reproducible bit for bit")
	f.IntVar(&c.Epochs, "epochs", 0, "training epochs per optimizer: equal data instead of equal time, reproducible bit for bit")
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
	shard := cli.ShardFlag(f)
	var sl cli.SlurmFlags
	sl.Register(f)
	f.BoolVar(&overwrite, "overwrite", false, "start every run afresh, replacing runs in --out")
	f.Usage = func() {
		fmt.Fprintln(stderr, "usage: landscape compare --dataset D --model M --time-budget 10m|--steps N|--epochs N --out DIR [flags]\n\nTrains the model with each optimizer for the same training time, or the same number of steps\nor epochs (its recommended setting, the same seed and data order), each into DIR/runs/OPTIMIZER, and writes DIR/index.html.\nRun again after an interruption: finished runs are kept, the interrupted one resumes.\n\nflags:")
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
	case c.Steps < 0:
		return usagef("--steps %d, want a positive number of steps", c.Steps)
	case c.Epochs < 0:
		return usagef("--epochs %d, want a positive number of epochs", c.Epochs)
	case seed < 0:
		return usagef("--seed %d, want a non-negative integer", seed)
	}
	switch given := btoi(budget != "") + btoi(c.Steps > 0) + btoi(c.Epochs > 0); {
	case given == 0:
		return usagef("a budget is required: --time-budget (the training time of each optimizer, e.g. 5m), --steps or --epochs")
	case given > 1:
		return usagef("--time-budget, --steps and --epochs are alternatives: give one")
	}
	if budget != "" {
		d, err := time.ParseDuration(budget)
		if err != nil || d <= 0 {
			return usagef("--time-budget %q: want a positive duration such as 90s or 10m", budget)
		}
		c.TimeBudget = d
	}
	c.Seed = uint64(seed)
	if hidden != "" {
		for _, s := range strings.Split(hidden, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || v < 1 {
				return usagef("--hidden %q: want positive integers separated by commas", hidden)
			}
			c.Hidden = append(c.Hidden, v)
		}
	}
	if c.Model != "mlp" {
		c.Activation = ""
	}
	sh, err := cli.ParseShard(*shard)
	if err != nil {
		return err
	}
	settings, err := experiment.CompareSettings(strings.Split(optimizers, ","), c.Dataset)
	if err != nil {
		return usagef("%v", err)
	}
	if sl.On() {
		cells, err := experiment.CompareConfig{Train: c, Settings: settings}.Cells()
		if err != nil {
			return err
		}
		return sl.Write("compare", args, *shard, c.Out, len(cells), stdout)
	}
	if _, err := report.LoadJS(""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Without --shard, so that a cell's run.json is the same whichever
	// process trained it.
	command := append([]string{"landscape", "compare"}, cli.WithoutFlags(args, []string{"shard"}, nil)...)
	res, err := experiment.Compare(ctx, experiment.CompareConfig{Train: c, Settings: settings, Overwrite: overwrite, Shard: sh, Command: command, Version: version(),
		Progress: cli.JobProgress(stderr, "compare", true)})
	if ose := (*experiment.OtherSettingsError)(nil); errors.As(err, &ose) {
		return fmt.Errorf("%w\nuse another --out, or --overwrite to start afresh", err)
	}
	if err != nil {
		return err
	}
	if res == nil {
		cli.ShardDone(stdout, sh, "compare")
		return nil
	}
	page := filepath.Join(c.Out, "index.html")
	if err := experiment.WriteComparePage(page, res, report.Options{Command: command, Version: version(), PNG: png}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%-12s %8s %8s %8s %10s %12s %14s %14s\n", "optimizer", "steps", "epochs", "time (s)", "ms/step", "median ms", "final "+res.MetricName()[5:], "best")
	for _, r := range res.Runs {
		fmt.Fprintf(stdout, "%-12s %8d %8s %8s %10s %12s %14s %14s\n", r.Label, len(r.Step), fmtNum(r.Epochs, 2), fmtNum(r.TrainTime(), 1),
			fmtNum(1000*r.TrainTime()/float64(len(r.Step)), 1), fmtNum(r.MedianStepMillis, 1), fmtNum(r.FinalTest, 4), fmtNum(r.Best, 4))
	}
	fmt.Fprintf(stdout, "report: %s\n", page)
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func fmtNum(v float64, digits int) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.*f", digits, v)
}
