package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/experiment"
)

// sweepSlurm writes the sweep's Slurm scripts into OUT/slurm and, with
// --submit, submits them.
func sweepSlurm(f *sweepFlags, args []string, c experiment.SweepConfig, stdout io.Writer) error {
	if f.shard != "" {
		return usagef("--slurm runs every shard itself: leave out --shard")
	}
	cells, err := c.Cells()
	if err != nil {
		return err
	}
	n := f.shards
	switch {
	case n == 0:
		n = len(cells)
	case n < 0:
		return usagef("--shards %d, want a positive number of array tasks", n)
	case n > len(cells):
		n = len(cells) // a task without a cell would do nothing
	}
	cmd, err := selfCommand(append([]string{"sweep"}, withoutFlags(args,
		[]string{"shards", "slurm-partition", "slurm-time", "slurm-cpus", "slurm-mem", "slurm-gpus", "slurm-extra"}, []string{"slurm", "submit"})...)...)
	if err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	out, err := filepath.Abs(c.Train.Out)
	if err != nil {
		return err
	}
	name := "sweep-" + strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\'' || r == '"' || r == '\n' {
			return '_'
		}
		return r
	}, filepath.Base(out))
	j := cluster.Job{Name: name, Command: cmd, Shards: n, WorkDir: wd, LogDir: filepath.Join(out, "slurm"),
		Resources: cluster.Resources{Partition: f.partition, Time: f.time, CPUsPerTask: f.cpus, Mem: f.mem, GPUs: f.gpus}}
	for _, e := range strings.Split(f.extra, ";") {
		if e = strings.TrimSpace(e); e != "" {
			j.Extra = append(j.Extra, e)
		}
	}
	scripts, err := cluster.WriteScripts(filepath.Join(out, "slurm"), j)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sweep: %d cells in %d array tasks\n%s\n%s\n", len(cells), n, scripts.Array, scripts.Summary)
	if !f.submit {
		fmt.Fprintf(stdout, "submit with: id=$(sbatch --parsable %s) && sbatch --dependency=afterok:$id %s\n", scripts.Array, scripts.Summary)
		return nil
	}
	ids, err := cluster.Submit(context.Background(), scripts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "submitted: array job %s, summary job %s (when it is done: %s)\n", ids.Array, ids.Summary, filepath.Join(out, experiment.SummaryFile))
	return nil
}
