package cluster

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Resources are the #SBATCH settings of every task of a job; zero values are
// left to the cluster's defaults.
type Resources struct {
	Partition   string
	Account     string
	Time        string // as sbatch --time: "30:00", "2-00:00:00"
	CPUsPerTask int
	Mem         string // as sbatch --mem: "4G"
	GPUs        int    // --gpus-per-task
	// Extra lines are written as given after "#SBATCH " (for example
	// "--qos=short").
	Extra []string
}

// Job is a sharded command: Command is run once per shard with
// "--shard K/N" appended, then once more without it to summarise.
type Job struct {
	Name    string
	Command []string // the program and its arguments, without --shard
	Shards  int
	WorkDir string // where the tasks run (sbatch --chdir); "" for the submit directory
	LogDir  string // where Slurm writes each task's output; "" for WorkDir
	Resources
}

// Validate checks what sbatch would otherwise reject late.
func (j Job) Validate() error {
	if len(j.Command) == 0 {
		return fmt.Errorf("job %q: no command", j.Name)
	}
	if j.Shards < 1 {
		return fmt.Errorf("job %q: %d shards, want at least 1", j.Name, j.Shards)
	}
	if strings.ContainsAny(j.Name, " \t\n'\"") {
		return fmt.Errorf("job name %q: want no spaces or quotes", j.Name)
	}
	for _, e := range j.Extra {
		if strings.Contains(e, "\n") {
			return fmt.Errorf("job %q: extra #SBATCH line %q spans lines", j.Name, e)
		}
	}
	return nil
}

// ArrayScript is the sbatch script of the shards: an array of Shards tasks,
// task K running the command with --shard K/Shards.
func ArrayScript(j Job) (string, error) {
	if err := j.Validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	j.header(&b, j.Name, fmt.Sprintf("%%A_%%a"))
	fmt.Fprintf(&b, "#SBATCH --array=0-%d\n", j.Shards-1)
	b.WriteString("set -eu\n")
	fmt.Fprintf(&b, "exec %s --shard \"${SLURM_ARRAY_TASK_ID}/%d\"\n", Quote(j.Command...), j.Shards)
	return b.String(), nil
}

// SummaryScript is the sbatch script of the summarising job: the command
// without --shard, which finds every shard's cells done and only summarises
// (running any cell that a shard missed).
func SummaryScript(j Job) (string, error) {
	if err := j.Validate(); err != nil {
		return "", err
	}
	var b strings.Builder
	j.header(&b, j.Name+"-summary", "%j")
	b.WriteString("set -eu\n")
	fmt.Fprintf(&b, "exec %s\n", Quote(j.Command...))
	return b.String(), nil
}

func (j Job) header(b *strings.Builder, name, logPattern string) {
	b.WriteString("#!/bin/bash\n")
	fmt.Fprintf(b, "#SBATCH --job-name=%s\n", name)
	logs := j.LogDir
	if logs == "" {
		logs = j.WorkDir
	}
	fmt.Fprintf(b, "#SBATCH --output=%s\n", filepath.Join(logs, name+"-"+logPattern+".out"))
	if j.WorkDir != "" {
		fmt.Fprintf(b, "#SBATCH --chdir=%s\n", j.WorkDir)
	}
	r := j.Resources
	if r.Partition != "" {
		fmt.Fprintf(b, "#SBATCH --partition=%s\n", r.Partition)
	}
	if r.Account != "" {
		fmt.Fprintf(b, "#SBATCH --account=%s\n", r.Account)
	}
	if r.Time != "" {
		fmt.Fprintf(b, "#SBATCH --time=%s\n", r.Time)
	}
	if r.CPUsPerTask > 0 {
		fmt.Fprintf(b, "#SBATCH --cpus-per-task=%d\n", r.CPUsPerTask)
	}
	if r.Mem != "" {
		fmt.Fprintf(b, "#SBATCH --mem=%s\n", r.Mem)
	}
	if r.GPUs > 0 {
		fmt.Fprintf(b, "#SBATCH --gpus-per-task=%d\n", r.GPUs)
	}
	for _, e := range r.Extra {
		fmt.Fprintf(b, "#SBATCH %s\n", e)
	}
}

// Quote joins words into one POSIX shell command line, quoting each word
// that needs it.
func Quote(words ...string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = quoteWord(w)
	}
	return strings.Join(out, " ")
}

func quoteWord(w string) string {
	if w == "" {
		return "''"
	}
	safe := true
	for _, r := range w {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}
