package main

import (
	"flag"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/adafisher-go/landscape/experiment"
	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/internal/trainflags"
	"github.com/adafisher-go/landscape/optim"
)

// sweepFlags are the flags of `landscape sweep`: the grid and the cluster
// flags (grid), and every flag of `landscape train` for the settings the
// runs share (train).
type sweepFlags struct {
	grid  *flag.FlagSet
	train *trainflags.Flags

	optimizers, lrs, batches, seedList, shard string
	seeds                                     int
	png                                       bool
	slurm                                     cli.SlurmFlags
}

func newSweepFlags(stderr io.Writer) *sweepFlags {
	f := &sweepFlags{grid: flag.NewFlagSet("landscape sweep", flag.ContinueOnError), train: trainflags.New(stderr)}
	g := f.grid
	g.SetOutput(stderr)
	g.StringVar(&f.optimizers, "optimizer", "adam", "comma-separated optimizers, each with its own default hyperparameters (the hyperparameter flags of landscape train set them for all)")
	g.StringVar(&f.lrs, "lr", "", "comma-separated learning rates, e.g. 1e-3,3e-3 (default: each optimizer's own)")
	g.StringVar(&f.batches, "batch-size", "32", "comma-separated batch sizes")
	g.IntVar(&f.seeds, "seeds", 0, "seeds 0..N-1 for every setting (default 1: seed 0)")
	g.StringVar(&f.seedList, "seed", "", "comma-separated seeds, instead of --seeds")
	g.StringVar(&f.shard, "shard", "", "K/N: train only the cells K, K+N, K+2N, ... (0 <= K < N, as SLURM_ARRAY_TASK_ID); the command without --shard afterwards summarises")
	g.BoolVar(&f.png, "png", false, "also write every figure of the report as a PNG")
	f.slurm.Register(g)
	return f
}

// split divides args between the grid flags and the train flags.
func (f *sweepFlags) split(args []string) (grid, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		fl := f.grid.Lookup(name)
		to := &grid
		if !strings.HasPrefix(a, "-") || fl == nil {
			to, fl = &rest, f.train.FS.Lookup(name)
		}
		*to = append(*to, a)
		if fl != nil && !hasValue && !isBool(fl) && i+1 < len(args) && strings.HasPrefix(a, "-") {
			i++
			*to = append(*to, args[i])
		}
	}
	return grid, rest
}

func isBool(fl *flag.Flag) bool {
	b, ok := fl.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// list splits a comma-separated flag value, naming the flag and the value
// that does not parse.
func list[T any](flagName, s string, parse func(string) (T, error), want string) ([]T, error) {
	var out []T
	for _, v := range strings.Split(s, ",") {
		x, err := parse(strings.TrimSpace(v))
		if err != nil {
			return nil, usagef("--%s %q: %q is not %s", flagName, s, strings.TrimSpace(v), want)
		}
		out = append(out, x)
	}
	return out, nil
}

func positiveFloat(s string) (float64, error) {
	v, err := strconv.ParseFloat(s, 64)
	if err == nil && !(v > 0 && v < 1e300) {
		err = strconv.ErrRange
	}
	return v, err
}

func nonNegativeInt(s string) (int, error) {
	v, err := strconv.Atoi(s)
	if err == nil && v < 0 {
		err = strconv.ErrRange
	}
	return v, err
}

// config reads the grid into c (whose Train the train flags filled).
func (f *sweepFlags) config(c *experiment.SweepConfig) error {
	var err error
	if f.lrs != "" {
		if c.LRs, err = list("lr", f.lrs, positiveFloat, "a positive number"); err != nil {
			return err
		}
	}
	if c.BatchSizes, err = list("batch-size", f.batches, nonNegativeInt, "a non-negative integer"); err != nil {
		return err
	}
	switch {
	case f.seedList != "" && f.seeds != 0:
		return usagef("give --seeds N or --seed LIST, not both")
	case f.seeds < 0:
		return usagef("--seeds %d, want a positive number of seeds", f.seeds)
	case f.seedList != "":
		if c.Seeds, err = list("seed", f.seedList, func(s string) (uint64, error) { return strconv.ParseUint(s, 10, 64) }, "a non-negative integer"); err != nil {
			return err
		}
	default:
		for s := range max(f.seeds, 1) {
			c.Seeds = append(c.Seeds, uint64(s))
		}
	}
	names, err := list("optimizer", f.optimizers, func(s string) (string, error) {
		if s == "" {
			return "", strconv.ErrSyntax
		}
		return s, nil
	}, "an optimizer name")
	if err != nil {
		return err
	}
	t := f.train
	for _, name := range names {
		if !slices.Contains(optim.Names, name) {
			return usagef("--optimizer %q: unknown optimizer %q, want some of %s", f.optimizers, name, strings.Join(optim.Names, ", "))
		}
		t.C.Optimizer = name
		if err := t.Complete(); err != nil {
			return t.FlagErr(err)
		}
		c.Optimizers = append(c.Optimizers, experiment.SweepOptimizer{Name: name, Hyper: t.C.Hyper})
	}
	c.Train = t.C
	c.Shard, err = cli.ParseShard(f.shard)
	return err
}
