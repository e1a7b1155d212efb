package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/adafisher-go/landscape/experiment"
	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/report"
)

// cmdSweep trains a grid of runs (optimizers x learning rates x batch sizes
// x seeds), summarises each setting over its seeds and writes a report; or,
// with --slurm, writes (and submits) the Slurm array job that does it.
func cmdSweep(args []string, stdout, stderr io.Writer) error {
	f := newSweepFlags(stderr)
	f.grid.Usage = func() {
		fmt.Fprintln(stderr, `usage: landscape sweep --dataset D --model M --optimizer adam,adafisher --lr 1e-3,3e-3 --batch-size 32,128 --seeds 5 --epochs 50 --out DIR [flags]

Trains every optimizer with every learning rate, batch size and seed, each into a run directory
DIR/runs/OPTIMIZER_lrLR_bsB_seedS, then writes DIR/summary.json (each setting over its seeds: mean,
sample std (ddof=1), min and max of the final and best test accuracy and loss, and of the epoch time)
and DIR/report/index.html. Run again after an interruption: finished runs are kept, an interrupted
one resumes. --shard K/N trains a share of the runs; --slurm writes a Slurm array job for them.

grid and cluster flags:`)
		printFlags(f.grid, stderr)
		fmt.Fprintln(stderr, "\nthe settings every run shares: the flags of landscape train (--time-budget is per run):")
		printFlags(f.train.FS, stderr)
	}
	gridArgs, trainArgs := f.split(args)
	if err := parse(f.grid, gridArgs); err != nil {
		return err
	}
	if f.grid.NArg() > 0 {
		return usagef("unexpected argument %q (flags start with --)", f.grid.Arg(0))
	}
	if err := f.train.Parse(trainArgs); err != nil {
		return err
	}
	for _, name := range []string{"resume", "report", "init"} {
		if f.train.Set[name] {
			return usagef("--%s does not apply to landscape sweep", name)
		}
	}
	var c experiment.SweepConfig
	if err := f.config(&c); err != nil {
		return err
	}
	c.Overwrite = f.train.Overwrite
	if f.slurm.On() {
		cells, err := c.Cells()
		if err != nil {
			return err
		}
		return f.slurm.Write("sweep", args, f.shard, c.Train.Out, len(cells), stdout)
	}
	if _, err := report.LoadJS(""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Without --shard, so that a run's run.json is the same whichever
	// process trained it.
	c.Command = append([]string{"landscape", "sweep"}, cli.WithoutFlags(args, []string{"shard"}, nil)...)
	c.Version, c.Progress = version(), cli.JobProgress(stderr, "sweep", true)
	s, err := experiment.Sweep(ctx, c)
	if ose := (*experiment.OtherSettingsError)(nil); errors.As(err, &ose) {
		return fmt.Errorf("%w\nuse another --out, or --overwrite to start afresh", err)
	}
	if err != nil {
		return err
	}
	if s == nil {
		cli.ShardDone(stdout, c.Shard, "sweep")
		return nil
	}
	dir := filepath.Join(c.Train.Out, "report")
	if err := experiment.WriteSweepPage(dir, s, report.Options{Command: c.Command, Version: version(), PNG: f.png}); err != nil {
		return err
	}
	printSweep(stdout, s)
	fmt.Fprintf(stdout, "summary: %s\nreport: %s\n", filepath.Join(c.Train.Out, experiment.SummaryFile), filepath.Join(dir, report.IndexFile))
	return nil
}

func printSweep(w io.Writer, s *experiment.SweepSummary) {
	fmt.Fprintf(w, "%-12s %10s %6s %6s %22s %22s %22s %18s\n", "optimizer", "lr", "batch", "seeds", "final test acc", "best test acc", "final test loss", "epoch time (ms)")
	pm := func(st experiment.Stat, digits int) string {
		return fmtNum(st.Mean, digits) + " ± " + fmtNum(st.Std, digits)
	}
	pmScaled := func(st experiment.Stat, scale float64, digits int) string {
		return fmtNum(scale*st.Mean, digits) + " ± " + fmtNum(scale*st.Std, digits)
	}
	for _, st := range s.Settings {
		fmt.Fprintf(w, "%-12s %10g %6d %6d %22s %22s %22s %18s\n", st.Optimizer, st.LR, st.BatchSize, len(st.Seeds),
			pm(st.FinalTestAccuracy, 4), pm(st.BestTestAccuracy, 4), pm(st.FinalTestLoss, 4), pmScaled(st.EpochTime, 1000, 3))
	}
	fmt.Fprintf(w, "(mean ± %s)\n", s.StdNote)
	if len(s.Settings) > 0 && math.IsNaN(s.Settings[0].FinalTestAccuracy.Mean) && math.IsNaN(s.Settings[0].FinalTestLoss.Mean) {
		fmt.Fprintln(w, "(no test split: give --test-fraction to hold one out)")
	}
}
