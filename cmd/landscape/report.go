package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/adafisher-go/landscape/report"
)

// cmdReport writes the HTML report of one or several run directories.
func cmdReport(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "the directory to write index.html into (default RUN/report for one run; required for several)")
	png := fs.Bool("png", false, "also write every figure as a PNG file (gonum/plot) beside the page")
	jsDir := fs.String("js", "", "read echarts and echarts-gl from this node_modules directory instead of the copy built into the binary (or $"+report.JSDirEnv+")")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: landscape report RUN [RUN ...] [--out DIR] [--png]")
		fmt.Fprintln(stderr, "\nWrites DIR/index.html: losses against step and wall-clock time, per-epoch test loss and accuracy,\nlearning rate, time per step and curvature diagnostics of the runs, one colour per run. The page\ninlines its JavaScript (built into the binary) and opens offline.\n\nflags:")
		printFlags(fs, stderr)
	}
	// Flags may come before, between or after the run directories.
	var runs []string
	for rest := args; ; {
		if err := parse(fs, rest); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		runs = append(runs, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	switch {
	case len(runs) == 0:
		return usagef("give the run directories to report on: landscape report RUN [RUN ...] --out DIR")
	case *out == "" && len(runs) > 1:
		return usagef("--out is required with several runs: the directory to write index.html into")
	case *out == "":
		*out = filepath.Join(runs[0], "report")
	}
	o := report.Options{JSDir: *jsDir, PNG: *png, Command: append([]string{"landscape", "report"}, args...), Version: version()}
	if err := report.WriteRunIndex(*out, runs, o); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (open it in a browser; it works offline)\n", filepath.Join(*out, report.IndexFile))
	return nil
}
