package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/train"
)

func cmdTrain(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("landscape train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c train.Config
	var hidden, budget, resume string
	var overwrite bool
	fs.StringVar(&c.Dataset, "dataset", "iris", "iris, digits, fashion-mnist, cifar10:DIR (CIFAR-10's binary files), text:FILE (byte-level tokens) or a PATH.csv (header row, features, integer label last)")
	fs.BoolVar(&c.Standardize, "standardize", false, "z-score the features with the training split's mean and population standard deviation")
	fs.IntVar(&c.PCA, "pca", 0, "replace the features by this many principal components of the training split (before --standardize), as scikit-learn's PCA")
	fs.Float64Var(&c.TestFraction, "test-fraction", 0, "hold out this seeded fraction as a test split (datasets without their own test split)")
	fs.BoolVar(&c.Shuffle, "shuffle", true, "shuffle the training set every epoch (seeded); --shuffle=false keeps file order")
	fs.IntVar(&c.BatchSize, "batch-size", 32, "samples per batch; 0 is the whole training set as one batch")
	fs.StringVar(&c.Model, "model", "mlp", "mlp, iris-toy, cnn, resnet or gpt")
	fs.StringVar(&hidden, "hidden", "16", "mlp: comma-separated hidden widths, e.g. 64,32")
	fs.StringVar(&c.Activation, "activation", "relu", "mlp: relu, tanh, sigmoid or gelu")
	fs.IntVar(&c.Depth, "depth", 0, "resnet: depth 6n+2, e.g. 8, 14, 20, 32 (default 20)")
	fs.IntVar(&c.Width, "width", 0, "resnet: channels of the first stage (default 16)")
	fs.IntVar(&c.Layers, "layers", 0, "gpt: transformer blocks (default 2)")
	fs.IntVar(&c.Heads, "heads", 0, "gpt: attention heads (default 4)")
	fs.IntVar(&c.Dim, "dim", 0, "gpt: embedding dimension (default 128)")
	fs.IntVar(&c.Context, "context", 0, "gpt and text datasets: tokens per sample (default 64)")
	fs.BoolVar(&c.Tied, "tied", false, "gpt: the output head shares the token embedding's weight")
	fs.Float64Var(&c.Dropout, "dropout", 0, "gpt: dropout probability after the embeddings, attention and MLP")
	fs.BoolVar(&c.Augment, "augment", false, "image datasets: random crop (padding 4), horizontal flip and 16-pixel cutout of the training images, seeded by (seed, epoch, sample)")
	fs.StringVar(&c.Optimizer, "optimizer", "adam", strings.Join(optim.Names, ", "))
	fs.Float64Var(&c.Hyper.LR, "lr", 1e-3, "learning rate (shampoo: default 0.3, adahessian: 0.15)")
	fs.Float64Var(&c.Hyper.Momentum, "momentum", 0, "sgd, kfac, shampoo: momentum (kfac and shampoo: default 0.9)")
	fs.Float64Var(&c.Hyper.Dampening, "dampening", 0, "sgd: dampening")
	fs.BoolVar(&c.Hyper.Nesterov, "nesterov", false, "sgd: Nesterov momentum")
	fs.Float64Var(&c.Hyper.WeightDecay, "weight-decay", 0, "weight decay (L2 for sgd, adam, kfac and shampoo; decoupled for adamw and adahessian)")
	fs.Float64Var(&c.Hyper.Beta1, "beta1", 0.9, "adam, adahessian: first-moment decay")
	fs.Float64Var(&c.Hyper.Beta2, "beta2", 0.999, "adam, adahessian: second-moment decay (shampoo: of Adam grafting)")
	fs.Float64Var(&c.Hyper.Eps, "eps", 1e-8, "adam, adahessian: epsilon added to the denominator (adahessian: default 1e-4); shampoo: of Adam grafting")
	fs.Float64Var(&c.Hyper.Lambda, "lambda", 1e-3, "adafisher: damping Lambda added to the Kronecker product")
	fs.Float64Var(&c.Hyper.Gamma, "gamma", 0.8, "adafisher: factor moving-average knob (reference: 0.1*gamma old + 0.01*gamma new; paper: gamma old + (1-gamma) new)")
	fs.IntVar(&c.Hyper.TCov, "tcov", 0, "adafisher: refresh the factors every N steps (default 100 in reference mode, 1 in paper mode)")
	fs.StringVar(&c.Hyper.FisherMode, "fisher-mode", "reference", "adafisher: reference (the official code, the published numbers) or paper (the paper's Eq. 3 and Algorithm 1)")
	fs.IntVar(&c.SnapshotFactorsEvery, "snapshot-factors-every", 0, "adafisher: write factors/step-NNNNNN.safetensors every N steps (N = 0-based step index)")
	fs.BoolVar(&c.Hyper.FisherExtend, "fisher-extend", false, "adafisher: factors for Embedding and BatchNorm1d layers (always on with --fisher-mode paper); without, their parameters get F = 1 as in the official code")
	fs.BoolVar(&c.Hyper.FullFactors, "full-factors", false, "adafisher: also keep and snapshot the full factor matrices (analysis code) and each snapshot step's raw batch factors")
	fs.Float64Var(&c.Hyper.Damping, "damping", 0, "kfac: damping added to the factors' eigenvalue products (default 1e-3); shampoo: epsilon, the statistics start at epsilon*I (default 1e-12)")
	fs.Float64Var(&c.Hyper.StatDecay, "stat-decay", 0, "kfac: moving-average decay of the factors (default 0.95); shampoo: decay of the statistics, negative to sum them (default -1)")
	fs.Float64Var(&c.Hyper.KLClip, "kl-clip", 0, "kfac: KL clip of the natural-gradient step (default 1e-3)")
	fs.IntVar(&c.Hyper.TInv, "tinv", 0, "kfac: eigendecompose the factors every N steps (default 100; --tcov refreshes them, default 10)")
	fs.IntVar(&c.Hyper.UpdateInterval, "update-interval", 0, "shampoo: refresh the statistics and their inverse roots every N steps (default 1)")
	fs.IntVar(&c.Hyper.MaxPrecondDim, "max-precond-dim", 0, "shampoo: cut dimensions larger than this into blocks with statistics of their own (default 1024)")
	fs.StringVar(&c.Hyper.GraftType, "graft", "", "shampoo: none, sgd or adam: rescale each parameter's step to the norm of that method's (default none)")
	fs.Float64Var(&c.Hyper.ClipNorm, "clip-norm", 0, "shampoo: clip the total norm of the preconditioned gradients to this; 0 for none (default 1)")
	fs.Float64Var(&c.Hyper.HessianPower, "hessian-power", 0, "adahessian: the power k of the Hessian diagonal's root, in (0, 1] (default 1)")
	fs.StringVar(&c.Schedule.Kind, "lr-schedule", "constant", "constant, cosine or step")
	fs.StringVar(&c.Schedule.Unit, "lr-schedule-unit", "epoch", "epoch or step: how often the schedule changes the rate")
	fs.IntVar(&c.Schedule.TMax, "lr-tmax", 0, "cosine: period in schedule units (default: the whole run)")
	fs.Float64Var(&c.Schedule.MinLR, "lr-min", 0, "cosine: the final learning rate")
	fs.IntVar(&c.Schedule.StepSize, "lr-step-size", 0, "step: multiply the rate by --lr-gamma every this many units")
	fs.Float64Var(&c.Schedule.Gamma, "lr-gamma", 0.1, "step: the factor")
	var seed int64
	fs.Int64Var(&seed, "seed", 0, "seed of initialisation, shuffling and splits")
	fs.StringVar(&c.DType, "dtype", "float64", "float32 or float64")
	fs.IntVar(&c.Epochs, "epochs", 0, "train this many epochs")
	fs.IntVar(&c.Steps, "steps", 0, "train this many optimizer steps")
	fs.StringVar(&budget, "time-budget", "", "stop after this much training time, e.g. 90s or 10m")
	fs.DurationVar(&c.EvalInterval, "eval-every", 0, "also evaluate the test split whenever this much more training time has passed, e.g. 30s (\"eval\" records)")
	fs.IntVar(&c.SnapshotEvery, "snapshot-every", 0, "write weights/step-NNNNNN.safetensors every N steps (and at step 0)")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", 0, "write the resumable checkpoint every N steps (it is also written every 30 s, on interrupt and at the end)")
	fs.StringVar(&c.Init, "init", "", "load the starting weights from this safetensors file, by name")
	fs.StringVar(&c.Out, "out", "", "the run directory to write")
	fs.BoolVar(&overwrite, "overwrite", false, "replace an existing run in --out")
	var reportHTML, png bool
	fs.BoolVar(&reportHTML, "report", false, "write the run's HTML report into DIR/report/index.html at the end (needs \"npm ci\" once)")
	fs.BoolVar(&png, "png", false, "with --report: also write every figure as a PNG")
	fs.StringVar(&resume, "resume", "", "continue the interrupted run in this directory with its saved settings")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: landscape train [flags]\n\nTrains a model and writes a run directory: run.json, metrics.jsonl, weights/, final.safetensors, checkpoint.safetensors.\n\nflags:")
		printFlags(fs, stderr)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q (flags start with --)", fs.Arg(0))
	}
	if seed < 0 {
		return usagef("--seed %d, want a non-negative integer", seed)
	}
	c.Seed = uint64(seed)
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.Model != "mlp" && !set["hidden"] {
		hidden = ""
	}
	if hidden != "" {
		for _, f := range strings.Split(hidden, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || v < 1 {
				return usagef("--hidden %q: want positive integers separated by commas, e.g. 64,32", hidden)
			}
			c.Hidden = append(c.Hidden, v)
		}
	}
	if budget != "" {
		d, err := time.ParseDuration(budget)
		if err != nil || d <= 0 {
			return usagef("--time-budget %q: want a positive duration such as 90s or 10m", budget)
		}
		c.TimeBudget = d
	}
	// Flags of some models only.
	for _, f := range []struct{ name, model string }{
		{"depth", "resnet"}, {"width", "resnet"}, {"layers", "gpt"}, {"heads", "gpt"}, {"dim", "gpt"}, {"tied", "gpt"}, {"dropout", "gpt"},
	} {
		if set[f.name] && c.Model != f.model {
			return usagef("--%s applies to --model %s, not %s", f.name, f.model, c.Model)
		}
	}
	// Flags of some optimizers only, and each optimizer's defaults.
	adafisher := []string{"adafisher", "adafisherw"}
	for _, f := range []struct {
		name string
		opts []string
	}{
		{"lambda", adafisher}, {"gamma", adafisher}, {"tcov", append(adafisher, "kfac")}, {"fisher-mode", adafisher}, {"fisher-extend", adafisher},
		{"full-factors", adafisher}, {"snapshot-factors-every", adafisher},
		{"damping", []string{"kfac", "shampoo"}}, {"stat-decay", []string{"kfac", "shampoo"}}, {"kl-clip", []string{"kfac"}},
		{"tinv", []string{"kfac"}}, {"update-interval", []string{"shampoo"}}, {"max-precond-dim", []string{"shampoo"}},
		{"graft", []string{"shampoo"}}, {"clip-norm", []string{"shampoo"}}, {"hessian-power", []string{"adahessian"}},
	} {
		ok := false
		for _, o := range f.opts {
			ok = ok || o == c.Optimizer
		}
		if set[f.name] && !ok {
			return usagef("--%s applies to --optimizer %s, not %s", f.name, strings.Join(f.opts, " or "), c.Optimizer)
		}
	}
	def := func(name string, dst *float64, v float64) {
		if !set[name] {
			*dst = v
		}
	}
	defInt := func(name string, dst *int, v int) {
		if !set[name] {
			*dst = v
		}
	}
	switch c.Optimizer {
	case "adafisher", "adafisherw":
		if c.Hyper.TCov == 0 {
			c.Hyper.TCov = 100
			if c.Hyper.FisherMode == "paper" {
				c.Hyper.TCov = 1
			}
		}
	case "kfac": // the official KFACOptimizer's defaults
		def("momentum", &c.Hyper.Momentum, 0.9)
		def("stat-decay", &c.Hyper.StatDecay, 0.95)
		def("damping", &c.Hyper.Damping, 1e-3)
		def("kl-clip", &c.Hyper.KLClip, 1e-3)
		defInt("tcov", &c.Hyper.TCov, 10)
		defInt("tinv", &c.Hyper.TInv, 100)
	case "shampoo": // the paper's CNN setting
		def("lr", &c.Hyper.LR, 0.3)
		def("momentum", &c.Hyper.Momentum, 0.9)
		def("damping", &c.Hyper.Damping, 1e-12)
		def("stat-decay", &c.Hyper.StatDecay, -1)
		def("clip-norm", &c.Hyper.ClipNorm, 1)
		defInt("update-interval", &c.Hyper.UpdateInterval, 1)
		defInt("max-precond-dim", &c.Hyper.MaxPrecondDim, 1024)
		if c.Hyper.GraftType == "" {
			c.Hyper.GraftType = "none"
		}
	case "adahessian": // the official defaults; the probes come from --seed
		def("lr", &c.Hyper.LR, 0.15)
		def("eps", &c.Hyper.Eps, 1e-4)
		def("hessian-power", &c.Hyper.HessianPower, 1)
		c.Hyper.Seed = c.Seed
	}
	if !strings.HasPrefix(c.Optimizer, "adafisher") {
		c.Hyper.Lambda, c.Hyper.Gamma, c.Hyper.FisherMode = 0, 0, ""
	}
	if c.Hyper.FullFactors && c.SnapshotFactorsEvery == 0 {
		return usagef("--full-factors needs --snapshot-factors-every N")
	}
	if c.Schedule.Kind != "cosine" {
		c.Schedule.TMax = 0
	}
	if png && !reportHTML {
		return usagef("--png goes with --report")
	}
	if reportHTML {
		// Find the JavaScript before training, so that a long run does not
		// fail at its end.
		if _, err := report.LoadJS(""); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := train.Options{Command: append([]string{"landscape", "train"}, args...), Version: version(), Overwrite: overwrite}
	p := newProgress(stderr)
	o.Progress = p.event
	o.Log = func(msg string) { fmt.Fprintln(stderr, msg) }
	var (
		res *train.Result
		err error
	)
	if resume != "" {
		dtype := c.DType
		if !set["dtype"] {
			var err error
			if dtype, err = train.SavedDType(resume); err != nil {
				return err
			}
		}
		limits := train.Config{}
		if set["epochs"] || set["steps"] || set["time-budget"] {
			limits = train.Config{Epochs: c.Epochs, Steps: c.Steps, TimeBudget: c.TimeBudget}
		}
		if dtype == "float32" {
			res, err = train.Resume[float32](ctx, resume, limits, o)
		} else {
			res, err = train.Resume[float64](ctx, resume, limits, o)
		}
	} else {
		if c.Out == "" {
			return usagef("--out is required: the run directory to write")
		}
		if c.DType == "float32" {
			res, err = train.Run[float32](ctx, c, o)
		} else {
			res, err = train.Run[float64](ctx, c, o)
		}
	}
	p.done()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d steps (%d epochs) in %.2fs, stopped by %s; last batch loss %.6g; final weights: train loss %.6g, accuracy %.4f",
		res.Dir, res.Steps, res.Epochs, res.Elapsed.Seconds(), res.Stopped, res.LastLoss, res.FinalTrain.Loss, res.FinalTrain.Accuracy)
	if res.FinalTest != nil {
		fmt.Fprintf(stdout, "; test loss %.6g, accuracy %.4f", res.FinalTest.Loss, res.FinalTest.Accuracy)
		if res.FinalTest.Perplexity > 0 {
			fmt.Fprintf(stdout, ", perplexity %.4g", res.FinalTest.Perplexity)
		}
	}
	fmt.Fprintln(stdout)
	if reportHTML {
		dir := filepath.Join(res.Dir, "report")
		ro := report.Options{Command: o.Command, Version: version(), PNG: png}
		if err := report.WriteRunIndex(dir, []string{res.Dir}, ro); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "report: %s\n", filepath.Join(dir, report.IndexFile))
	}
	return nil
}
