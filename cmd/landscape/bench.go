package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/train"
)

func cmdBench(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("landscape bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	workloads := fs.String("workloads", "", "comma-separated workload names (default: all)")
	optimizers := fs.String("optimizers", "", "comma-separated optimizer labels (default: all)")
	rounds := fs.Int("rounds", 5, "timed rounds; the median is reported")
	minRound := fs.Duration("round", 300*time.Millisecond, "minimum duration of one round")
	threads := fs.Int("threads", 0, "GOMAXPROCS for the timing (0: all cores)")
	device := fs.String("device", "cpu", "where the steps run: cpu, opencl or opencl:N (the workloads' models and every optimizer on the device; K-FAC's and Shampoo's eigendecompositions and AdaHessian's Hessian-vector products on the CPU)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: landscape bench [flags]\n\nTimes training steps (forward, loss, backward, optimizer step) of the standard workloads\nafter 20 warm-up steps and prints one JSON object per line.\n\nflags:")
		printFlags(fs, stderr)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *rounds < 1 {
		return usagef("--rounds %d, want at least 1", *rounds)
	}
	if *threads > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(*threads))
	}
	var ws []train.Workload
	var names []string
	for _, w := range train.Workloads {
		names = append(names, w.Name)
		if *workloads == "" || slices.Contains(strings.Split(*workloads, ","), w.Name) {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return usagef("--workloads %q matches none of %s", *workloads, strings.Join(names, ", "))
	}
	var os []train.BenchOptimizer
	names = nil
	for _, o := range train.BenchOptimizers() {
		names = append(names, o.Label)
		if *optimizers == "" || slices.Contains(strings.Split(*optimizers, ","), o.Label) {
			os = append(os, o)
		}
	}
	if len(os) == 0 {
		return usagef("--optimizers %q matches none of %s", *optimizers, strings.Join(names, ", "))
	}
	enc := json.NewEncoder(stdout)
	for _, w := range ws {
		for _, o := range os {
			r, err := train.BenchOn(*device, w, o, *rounds, *minRound)
			if err != nil {
				return err
			}
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
	}
	return nil
}
