package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/adafisher-go/landscape/report"

	rundir "github.com/adafisher-go/landscape/run"
)

func cmdTrajectory(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("landscape trajectory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataset := fs.String("dataset", "", "iris: the paper's Figure 1 (weight trajectories of its toy model on PCA-reduced iris)")
	out := fs.String("out", "", "directory to write trajectory.json, the runs and the report into")
	seed := fs.Uint64("seed", 0, "seed of the initialisation (fc1.bias and fc2) and of the shuffling")
	epochs := fs.Int("epochs", 20, "epochs per optimizer")
	batch := fs.Int("batch-size", 10, "samples per batch")
	gridN := fs.Int("grid", 200, "grid points along each axis of the surfaces")
	png := fs.Bool("png", false, "also write every figure as a PNG")
	opts := fs.String("optimizers", "", "comma-separated optimizers (labels or names; default all: AdaFisher, KFAC, Adam, AdaHessian, Shampoo, SGD)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: landscape trajectory --dataset iris --out DIR [flags]

Reproduces the paper's Figure 1: its toy model (Linear(2,1), ReLU, Linear(1,3), Softmax) on iris reduced
to 2 features by PCA and standardised, trained from fc1.weight = (0.2, 0.2) by each optimizer in batches
of 10 for 20 epochs. The surface the notebook draws is a Clough-Tocher interpolation (scipy's
griddata 'cubic') of the epoch-mean losses at the visited weights; this command also evaluates the true
training loss on the same grid for each optimizer (the other parameters at its final values) and
reports how far the two surfaces are apart.

flags:`)
		printFlags(fs, stderr)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *dataset != "iris" {
		return usagef("--dataset %q: only iris (the paper's Figure 1) is supported", *dataset)
	}
	if *out == "" {
		return usagef("--out is required")
	}
	if *epochs < 1 || *batch < 1 || *gridN < 2 {
		return usagef("--epochs and --batch-size must be positive and --grid at least 2")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if _, err := report.LoadJS(""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var names []string
	if *opts != "" {
		names = strings.Split(*opts, ",")
	}
	start := time.Now()
	res, err := figure1(ctx, figure1Options{Seed: *seed, Epochs: *epochs, BatchSize: *batch, Grid: *gridN, Optimizers: names, Out: *out,
		Log: func(s string) { fmt.Fprintln(stderr, s) }})
	if err != nil {
		return err
	}
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if err := rundir.WriteBytesAtomic(filepath.Join(*out, "trajectory.json"), b); err != nil {
		return err
	}
	ro := report.Options{PNG: *png, Command: append([]string{"landscape", "trajectory"}, args...), Version: version()}
	if err := figure1Report(*out, res, ro); err != nil {
		return err
	}
	figure1Text(stdout, res)
	fmt.Fprintf(stdout, "%s: trajectory.json and index.html written in %.1fs\n", *out, time.Since(start).Seconds())
	return nil
}
