// Command landscape trains models with second-order optimizers and their
// baselines, snapshots what they learn, and times the standard workloads.
//
//	landscape train --dataset iris --standardize --model mlp --hidden 16 --optimizer adam --lr 0.01 --batch-size 0 --steps 200 --out runs/iris
//	landscape train --resume runs/iris
//	landscape trajectory --dataset iris --out runs/figure1
//	landscape surface runs/iris --mode pca
//	landscape hessian runs/iris
//	landscape report runs/iris
//	landscape bench
//
// Run "landscape COMMAND --help" for the flags of a command.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/adafisher-go/landscape/internal/cli"
)

// usageError is an error in how the command was called: it exits with 2.
type usageError = cli.UsageError

// usagef reports an error in how the command was called.
func usagef(format string, a ...any) error { return cli.Usagef(format, a...) }

var commands = []struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}{
	{"train", "train a model and write a run directory", cmdTrain},
	{"bench", "time training steps of the standard workloads", cmdBench},
	{"hessian", "Hessian probes of a run's weights: top eigenvalues, trace, spectral density", cmdHessian},
	{"report", "write an HTML report of one or several runs", cmdReport},
	{"interpolate", "interpolate scattered x,y,value points on a grid as scipy's griddata cubic", cmdInterpolate},
	{"surface", "loss along a line or on a plane around a run's weights", cmdSurface},
	{"trajectory", "weight trajectories over interpolated and evaluated loss surfaces (the paper's Figure 1)", cmdTrajectory},
	{"compare", "train with several optimizers for the same wall-clock time (or steps, epochs) and compare them in one report", cmdCompare},
	{"convert", "convert weights between PyTorch's .pt and safetensors", cmdConvert},
	{"devices", "list the CPU and the OpenCL devices found", cmdDevices},
	{"sweep", "train a grid of optimizers, learning rates, batch sizes and seeds; mean ± std per setting; Slurm array jobs", cmdSweep},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		topUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "landscape", version())
		return 0
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := c.run(args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		}
		fmt.Fprintf(stderr, "landscape %s: %v\n", c.name, err)
		if cli.IsUsage(err) {
			return 2
		}
		return 1
	}
	fmt.Fprintf(stderr, "landscape: unknown command %q\n", args[0])
	topUsage(stderr)
	return 2
}

func topUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: landscape COMMAND [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  version  print the version\n\nRun \"landscape COMMAND --help\" for the flags of a command.")
}

// parse parses flags; a malformed flag is a usage error.
func parse(fs *flag.FlagSet, args []string) error { return cli.Parse(fs, args) }

// parseInterleaved parses flags that may come before or after positional
// arguments, and returns the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	return cli.ParseInterleaved(fs, args)
}

func version() string { return cli.Version() }

// printFlags lists the flags with the double dash the documentation uses.
func printFlags(fs *flag.FlagSet, w io.Writer) { cli.PrintFlags(fs, w) }
