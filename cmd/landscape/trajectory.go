package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/adafisher-go/landscape/experiment"
	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/report"
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
	centre := fs.String("centre", "final", "runs: the centre of the PCA plane: mean (of all snapshots), final (the first run's final weights) or RUN_INDEX:STEP")
	resolution := fs.Int("resolution", 41, "runs: grid points along each axis of the plane")
	shard := cli.ShardFlag(fs)
	var sl cli.SlurmFlags
	sl.Register(fs)
	opts := fs.String("optimizers", "", "comma-separated optimizers (labels or names; default all: AdaFisher, KFAC, Adam, AdaHessian, Shampoo, SGD)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: landscape trajectory --dataset iris --out DIR [flags]
       landscape trajectory RUN [RUN ...] --out DIR [--centre final|mean|I:STEP] [--resolution 41]

With run directories: one PCA basis for the weight snapshots of all the runs (the Gram-matrix route
when there are more parameters than snapshots), each run's path in it with every snapshot's distance
from the plane, and the loss on a grid in the plane around the centre.

Reproduces the paper's Figure 1: its toy model (Linear(2,1), ReLU, Linear(1,3), Softmax) on iris reduced
to 2 features by PCA and standardised, trained from fc1.weight = (0.2, 0.2) by each optimizer in batches
of 10 for 20 epochs. The surface the notebook draws is a Clough-Tocher interpolation (scipy's
griddata 'cubic') of the epoch-mean losses at the visited weights; this command also evaluates the true
training loss on the same grid for each optimizer (the other parameters at its final values) and
reports how far the two surfaces are apart.

flags:`)
		printFlags(fs, stderr)
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out is required")
	}
	ro := report.Options{PNG: *png, Command: append([]string{"landscape", "trajectory"}, args...), Version: version()}
	if len(pos) > 0 {
		if *dataset != "" {
			return usagef("give either run directories or --dataset iris, not both")
		}
		if *shard != "" || sl.On() {
			return usagef("--shard and --slurm apply to --dataset iris (the Figure 1 runs), not to run directories")
		}
		if *resolution < 2 {
			return usagef("--resolution %d, want at least 2", *resolution)
		}
		return trajectoryOfRuns(experiment.RunsConfig{Runs: pos, Centre: *centre, Resolution: *resolution, Margin: 0.2, Out: *out}, ro, stdout)
	}
	if *dataset != "iris" {
		return usagef("--dataset %q: only iris (the paper's Figure 1) is supported; or give run directories", *dataset)
	}
	if *epochs < 1 || *batch < 1 || *gridN < 2 {
		return usagef("--epochs and --batch-size must be positive and --grid at least 2")
	}
	sh, err := cli.ParseShard(*shard)
	if err != nil {
		return err
	}
	var names []string
	if *opts != "" {
		names = strings.Split(*opts, ",")
	}
	fc := experiment.Figure1Config{Seed: *seed, Epochs: *epochs, BatchSize: *batch, Grid: *gridN, Optimizers: names, Out: *out, Shard: sh,
		Version: version(), Progress: cli.JobProgress(stderr, "trajectory", false)}
	if sl.On() {
		cells, _, err := fc.Cells()
		if err != nil {
			return err
		}
		return sl.Write("trajectory", args, *shard, *out, len(cells), stdout)
	}
	if _, err := report.LoadJS(""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	res, err := experiment.Figure1(ctx, fc)
	if err != nil {
		return err
	}
	if res == nil {
		cli.ShardDone(stdout, sh, "trajectory")
		return nil
	}
	if err := experiment.WriteFigure1Page(*out, res, ro); err != nil {
		return err
	}
	paths := append([]experiment.Figure1Path(nil), res.Paths...)
	sort.SliceStable(paths, func(a, b int) bool { return paths[a].Label < paths[b].Label })
	for _, p := range paths {
		fmt.Fprintf(stdout, "%-10s  w = (%.4f, %.4f) -> (%.4f, %.4f)  epoch loss %.4f -> %.4f  interpolated - evaluated: mean %+.4f, RMS %.4f, max |.| %.4f over %d points\n",
			p.Label, p.W1[0], p.W2[0], p.W1[len(p.W1)-1], p.W2[len(p.W2)-1], p.Loss[0], p.Loss[len(p.Loss)-1], p.Summary.Mean, p.Summary.RMS, p.Summary.MaxAbs, p.Summary.Points)
	}
	fmt.Fprintf(stdout, "%s: trajectory.json and index.html written in %.1fs\n", *out, time.Since(start).Seconds())
	return nil
}

func trajectoryOfRuns(c experiment.RunsConfig, ro report.Options, stdout io.Writer) error {
	if _, err := report.LoadJS(""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := experiment.TrajectoryOfRuns(ctx, c)
	if err != nil {
		if ce := (*experiment.CentreError)(nil); errors.As(err, &ce) {
			return fmt.Errorf("--%v", err)
		}
		return err
	}
	if err := experiment.WriteRunsPage(c.Out, res, ro); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d runs on one PCA plane (explained %.1f%% + %.1f%%), %dx%d grid, in %.1fs\n", c.Out, len(c.Runs), 100*res.Share[0], 100*res.Share[1], c.Resolution, c.Resolution, res.Seconds)
	return nil
}
