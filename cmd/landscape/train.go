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
	"github.com/adafisher-go/landscape/internal/trainflags"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/train"
)

func cmdTrain(args []string, stdout, stderr io.Writer) error {
	f := trainflags.New(stderr)
	if err := f.Parse(args); err != nil {
		return err
	}
	if err := f.Complete(); err != nil {
		return f.FlagErr(err)
	}
	if f.Report {
		// Find the JavaScript before training, so that a long run does not
		// fail at its end.
		if _, err := report.LoadJS(""); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := train.Options{Command: append([]string{"landscape", "train"}, args...), Version: version(), Overwrite: f.Overwrite}
	p := cli.NewProgress(stderr)
	o.Progress = p.Event
	o.Log = func(msg string) { fmt.Fprintln(stderr, msg) }
	res, err := f.Train(ctx, o)
	p.Done()
	if errors.Is(err, train.ErrInterrupted) {
		return fmt.Errorf("%w; continue with: landscape train --resume %s", err, f.Dir())
	}
	if errors.Is(err, train.ErrNonFinite) {
		return fmt.Errorf("%w; --on-nan continue trains on regardless", err)
	}
	if err != nil {
		return f.FlagErr(err)
	}
	printTrainResult(stdout, res)
	if f.Report {
		dir := filepath.Join(res.Dir, "report")
		ro := report.Options{Command: o.Command, Version: version(), PNG: f.PNG}
		if err := report.WriteRunIndex(dir, []string{res.Dir}, ro); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "report: %s\n", filepath.Join(dir, report.IndexFile))
	}
	return nil
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
