package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/adafisher-go/landscape/cluster"
)

// SlurmFlags are the flags that turn a sharded command into a Slurm array
// job: the command itself, run once per shard, then once to summarise.
type SlurmFlags struct {
	slurm, submit               bool
	shards                      int
	partition, time, mem, extra string
	cpus, gpus                  int
}

// slurmOnly are the flags a Slurm task must not see again.
var (
	slurmValueFlags = []string{"shards", "slurm-partition", "slurm-time", "slurm-cpus", "slurm-mem", "slurm-gpus", "slurm-extra"}
	slurmBoolFlags  = []string{"slurm", "submit"}
)

// Register adds --slurm, --submit, --shards and the #SBATCH resource flags.
func (f *SlurmFlags) Register(fs *flag.FlagSet) {
	fs.BoolVar(&f.slurm, "slurm", false, "write OUT/slurm/NAME.sbatch (an array job of --shards tasks, each running this command with --shard) and NAME-summary.sbatch instead of training")
	fs.BoolVar(&f.submit, "submit", false, "with --slurm: also submit both scripts with sbatch (the summary after the array, afterok) and print the job ids")
	fs.IntVar(&f.shards, "shards", 0, "with --slurm: array tasks (default: one per cell)")
	fs.StringVar(&f.partition, "slurm-partition", "", "#SBATCH --partition")
	fs.StringVar(&f.time, "slurm-time", "", "#SBATCH --time of each task, e.g. 1:00:00")
	fs.IntVar(&f.cpus, "slurm-cpus", 0, "#SBATCH --cpus-per-task")
	fs.StringVar(&f.mem, "slurm-mem", "", "#SBATCH --mem, e.g. 4G")
	fs.IntVar(&f.gpus, "slurm-gpus", 0, "#SBATCH --gpus-per-task")
	fs.StringVar(&f.extra, "slurm-extra", "", "more #SBATCH lines, separated by ';', e.g. --qos=short;--account=lab")
}

// On reports whether --slurm or --submit was given.
func (f *SlurmFlags) On() bool { return f.slurm || f.submit }

// Write writes the Slurm scripts of `landscape COMMAND args` (a job of
// cells cells writing into out) into out/slurm and, with --submit, submits
// them.
func (f *SlurmFlags) Write(command string, args []string, shard, out string, cells int, stdout io.Writer) error {
	if shard != "" {
		return Usagef("--slurm runs every shard itself: leave out --shard")
	}
	for _, a := range args {
		if name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "="); strings.HasPrefix(a, "-") && name == "overwrite" {
			// The summary job runs the same command: it would train every
			// cell again.
			return Usagef("--overwrite does not go with --slurm (the summary job would train every cell again): remove OUT/runs instead")
		}
	}
	n := f.shards
	switch {
	case n == 0:
		n = cells
	case n < 0:
		return Usagef("--shards %d, want a positive number of array tasks", n)
	case n > cells:
		n = cells // a task without a cell would do nothing
	}
	cmd, err := SelfCommand(append([]string{command}, WithoutFlags(args, slurmValueFlags, slurmBoolFlags)...)...)
	if err != nil {
		return err
	}
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	name := command + "-" + strings.Map(func(r rune) rune {
		if strings.ContainsRune(" \t\n'\"", r) {
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
	fmt.Fprintf(stdout, "%s: %d cells in %d array tasks\n%s\n%s\n", command, cells, n, scripts.Array, scripts.Summary)
	if !f.submit {
		fmt.Fprintf(stdout, "submit with: id=$(sbatch --parsable %s) && sbatch --dependency=afterok:$id %s\n", scripts.Array, scripts.Summary)
		return nil
	}
	ids, err := cluster.Submit(context.Background(), scripts)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "submitted: array job %s, summary job %s\n", ids.Array, ids.Summary)
	return nil
}
