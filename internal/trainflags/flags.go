// Package trainflags holds the flags of a training run, shared by the
// commands that train (landscape train, and landscape sweep for every flag
// that is not part of its grid): they fill a train.Config, take each
// optimizer's defaults from optim, and map the settings that train's errors
// name back to the flags that set them.
package trainflags

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/train"
)

// Flags are the flags of `landscape train` as they are parsed.
type Flags struct {
	FS *flag.FlagSet
	C  train.Config // the run's settings, complete after Complete
	// Given holds the hyperparameter flags; those given on the command line
	// replace the optimizer's defaults (hyper).
	Given                  optim.Hyper
	Hidden, Budget, Resume string
	Seed                   int64
	Overwrite, Report, PNG bool
	// Settings maps the run's settings, as train.SettingError names them,
	// to the flags that set them.
	Settings map[string]string
	Set      map[string]bool // the flags given
}

// New registers the flags of a training run; stderr receives the usage.
func New(stderr io.Writer) *Flags {
	f := &Flags{FS: flag.NewFlagSet("landscape train", flag.ContinueOnError), Settings: map[string]string{}}
	f.FS.SetOutput(stderr)
	f.dataFlags()
	f.modelFlags()
	f.optimizerFlags()
	f.runFlags()
	f.FS.Usage = func() {
		fmt.Fprintln(stderr, "usage: landscape train [flags]\n\nTrains a model and writes a run directory: run.json, metrics.jsonl, weights/, final.safetensors, checkpoint.safetensors.\n\nflags:")
		cli.PrintFlags(f.FS, stderr)
	}
	return f
}

// names records that the flag sets the setting.
func (f *Flags) names(setting, flag string) { f.Settings[setting] = flag }

func (f *Flags) dataFlags() {
	fs, c := f.FS, &f.C
	fs.StringVar(&c.Dataset, "dataset", "iris", "iris, digits, fashion-mnist, cifar10:DIR (CIFAR-10's binary files), text:FILE (byte-level tokens) or a PATH.csv (header row, features, integer label last)")
	fs.BoolVar(&c.Standardize, "standardize", false, "z-score the features with the training split's mean and population standard deviation")
	fs.IntVar(&c.PCA, "pca", 0, "replace the features by this many principal components of the training split (before --standardize), as scikit-learn's PCA")
	fs.Float64Var(&c.TestFraction, "test-fraction", 0, "hold out this seeded fraction as a test split (datasets without their own test split)")
	fs.BoolVar(&c.Shuffle, "shuffle", true, "shuffle the training set every epoch (seeded); --shuffle=false keeps file order")
	fs.IntVar(&c.BatchSize, "batch-size", 32, "samples per batch; 0 is the whole training set as one batch")
	fs.StringVar(&c.Augmentation, "augmentation", "", "image datasets: none, standard (as --augment) or crop-flip (random crop with padding 4 and horizontal flip, no cutout: the paper's analysis runs)")
	fs.BoolVar(&c.Augment, "augment", false, "image datasets: random crop (padding 4), horizontal flip and 16-pixel cutout of the training images, seeded by (seed, epoch, sample)")
	for _, s := range []string{"pca", "test-fraction", "batch-size", "augment", "augmentation"} {
		f.names(strings.ReplaceAll(s, "-", "_"), s)
	}
}

func (f *Flags) modelFlags() {
	fs, c := f.FS, &f.C
	fs.StringVar(&c.Model, "model", "mlp", "mlp, iris-toy, cnn, resnet (CIFAR 6n+2), resnet18 or resnet34 (the official AdaFisher code's CIFAR ResNets) or gpt")
	fs.StringVar(&f.Hidden, "hidden", "16", "mlp: comma-separated hidden widths, e.g. 64,32")
	fs.StringVar(&c.Activation, "activation", "relu", "mlp: relu, tanh, sigmoid or gelu")
	fs.IntVar(&c.Depth, "depth", 0, "resnet: depth 6n+2, e.g. 8, 14, 20, 32 (default 20)")
	fs.IntVar(&c.Width, "width", 0, "resnet: channels of the first stage (default 16); resnet18/34: of the stem (default 64)")
	fs.IntVar(&c.Layers, "layers", 0, "gpt: transformer blocks (default 2)")
	fs.IntVar(&c.Heads, "heads", 0, "gpt: attention heads (default 4)")
	fs.IntVar(&c.Dim, "dim", 0, "gpt: embedding dimension (default 128)")
	fs.IntVar(&c.Context, "context", 0, "gpt and text datasets: tokens per sample (default 64)")
	fs.BoolVar(&c.Tied, "tied", false, "gpt: the output head shares the token embedding's weight")
	fs.Float64Var(&c.Dropout, "dropout", 0, "gpt: dropout probability after the embeddings, attention and MLP")
	for _, s := range []string{"depth", "width", "layers", "heads", "dim", "context", "dropout"} {
		f.names(s, s)
	}
}

func (f *Flags) optimizerFlags() {
	fs, c := f.FS, &f.C
	fs.StringVar(&c.Optimizer, "optimizer", "adam", strings.Join(optim.Names, ", "))
	for _, h := range hyperFlags {
		usage := h.usage + defaultsText(h)
		switch p := h.field(&f.Given).(type) {
		case *float64:
			fs.Float64Var(p, h.name, 0, usage)
		case *int:
			fs.IntVar(p, h.name, 0, usage)
		case *bool:
			fs.BoolVar(p, h.name, false, usage)
		case *string:
			fs.StringVar(p, h.name, "", usage)
		}
		f.names("hyper."+h.setting, h.name)
	}
	fs.IntVar(&c.SnapshotFactorsEvery, "snapshot-factors-every", 0, "adafisher: write factors/step-NNNNNN.safetensors every N steps (N = 0-based step index)")
	fs.StringVar(&c.Schedule.Kind, "lr-schedule", "constant", "constant, cosine or step")
	fs.StringVar(&c.Schedule.Unit, "lr-schedule-unit", "epoch", "epoch or step: how often the schedule changes the rate")
	fs.IntVar(&c.Schedule.TMax, "lr-tmax", 0, "cosine: period in schedule units (default: the whole run)")
	fs.Float64Var(&c.Schedule.MinLR, "lr-min", 0, "cosine: the final learning rate")
	fs.IntVar(&c.Schedule.StepSize, "lr-step-size", 0, "step: multiply the rate by --lr-gamma every this many units")
	fs.Float64Var(&c.Schedule.Gamma, "lr-gamma", 0.1, "step: the factor")
	f.names("snapshot_factors_every", "snapshot-factors-every")
	for s, fl := range map[string]string{"kind": "lr-schedule", "unit": "lr-schedule-unit", "t_max": "lr-tmax", "min_lr": "lr-min",
		"step_size": "lr-step-size", "gamma": "lr-gamma"} {
		f.names("schedule."+s, fl)
	}
}

func (f *Flags) runFlags() {
	fs, c := f.FS, &f.C
	fs.Int64Var(&f.Seed, "seed", 0, "seed of initialisation, shuffling and splits")
	fs.StringVar(&c.DType, "dtype", "float64", "float32 or float64")
	fs.IntVar(&c.Epochs, "epochs", 0, "train this many epochs")
	fs.IntVar(&c.Steps, "steps", 0, "train this many optimizer steps")
	fs.StringVar(&f.Budget, "time-budget", "", "stop after this much training time, e.g. 90s or 10m")
	fs.DurationVar(&c.EvalInterval, "eval-every", 0, "also evaluate the test split whenever this much more training time has passed, e.g. 30s (\"eval\" records)")
	fs.IntVar(&c.SnapshotEvery, "snapshot-every", 0, "write weights/step-NNNNNN.safetensors every N steps (and at step 0)")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", 0, "write the resumable checkpoint every N steps (it is also written every 30 s, on interrupt and at the end)")
	fs.StringVar(&c.OnNaN, "on-nan", "stop", "stop: a NaN or infinite loss, gradient or weight ends the run (exit status 1), keeping the last good checkpoint; continue: train on and record the non-finite losses")
	fs.StringVar(&c.Init, "init", "", "load the starting weights from this safetensors file or PyTorch checkpoint (.pt/.pth), by name")
	fs.StringVar(&c.Device, "device", "cpu", "where the steps run: cpu, opencl (the first GPU, else the first OpenCL device) or opencl:N (landscape devices lists them); on OpenCL: every zoo model (mlp, iris-toy, cnn, resnet, resnet18/34, gpt) with every optimizer; K-FAC's and Shampoo's eigendecompositions (every TInv / update-interval steps) and AdaHessian's Hessian-vector products (every step, from downloaded weights) run on the CPU, the rest on the device; with --resume, continue on another device")
	fs.StringVar(&c.Out, "out", "", "the run directory to write")
	fs.BoolVar(&f.Overwrite, "overwrite", false, "replace an existing run in --out")
	fs.BoolVar(&f.Report, "report", false, "write the run's HTML report into DIR/report/index.html at the end ")
	fs.BoolVar(&f.PNG, "png", false, "with --report: also write every figure as a PNG")
	fs.StringVar(&f.Resume, "resume", "", "continue the interrupted (or killed) run in this directory with its saved settings; one process writes a run directory at a time")
	for s, fl := range map[string]string{"seed": "seed", "dtype": "dtype", "epochs": "epochs", "steps": "steps", "time_budget_ns": "time-budget",
		"eval_interval_ns": "eval-every", "snapshot_every": "snapshot-every", "checkpoint_every": "checkpoint-every", "init": "init", "out": "out", "on_nan": "on-nan", "device": "device"} {
		f.names(s, fl)
	}
}

// Parse parses the arguments and the flags that need more than the flag
// package does.
func (f *Flags) Parse(args []string) error {
	if err := cli.Parse(f.FS, args); err != nil {
		return err
	}
	if f.FS.NArg() > 0 {
		return cli.Usagef("unexpected argument %q (flags start with --)", f.FS.Arg(0))
	}
	if f.Seed < 0 {
		return cli.Usagef("--seed %d, want a non-negative integer", f.Seed)
	}
	f.C.Seed = uint64(f.Seed)
	f.Set = map[string]bool{}
	f.FS.Visit(func(fl *flag.Flag) { f.Set[fl.Name] = true })
	if f.C.Model != "mlp" && !f.Set["hidden"] {
		f.Hidden = ""
	}
	if f.Hidden != "" {
		for _, s := range strings.Split(f.Hidden, ",") {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || v < 1 {
				return cli.Usagef("--hidden %q: want positive integers separated by commas, e.g. 64,32", f.Hidden)
			}
			f.C.Hidden = append(f.C.Hidden, v)
		}
	}
	if f.Budget != "" {
		d, err := time.ParseDuration(f.Budget)
		if err != nil || d <= 0 {
			return cli.Usagef("--time-budget %q: want a positive duration such as 90s or 10m", f.Budget)
		}
		f.C.TimeBudget = d
	}
	return nil
}

// flagErr names the settings that err names by their flags.
func (f *Flags) FlagErr(err error) error { return cli.FlagNames(err, f.Settings) }
