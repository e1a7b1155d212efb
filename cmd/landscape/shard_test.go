package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// compare and trajectory write Slurm array jobs of their cells, each task
// running the command with --shard and without the Slurm flags.
func TestShardSlurmScripts(t *testing.T) {
	root := t.TempDir()
	for _, c := range []struct {
		args  []string
		name  string
		tasks string
	}{
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--time-budget", "1s", "--optimizers", "adam,sgd,adafisher", "--out", filepath.Join(root, "cmp"),
			"--slurm", "--shards", "2", "--slurm-partition", "cpu"}, "compare-cmp", "0-1"},
		{[]string{"trajectory", "--dataset", "iris", "--epochs", "2", "--out", filepath.Join(root, "fig1"), "--slurm"}, "trajectory-fig1", "0-5"},
	} {
		text := runLandscape(t, 0, c.args...)
		dir := filepath.Join(root, strings.TrimPrefix(c.name, c.args[0]+"-"), "slurm")
		arr, err := os.ReadFile(filepath.Join(dir, c.name+".sbatch"))
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.args[0], err, text)
		}
		sum, err := os.ReadFile(filepath.Join(dir, c.name+"-summary.sbatch"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(arr), "#SBATCH --array="+c.tasks) || !strings.Contains(string(arr), " "+c.args[0]+" --dataset iris") ||
			!strings.Contains(string(arr), "--shard \"${SLURM_ARRAY_TASK_ID}/") || strings.Contains(string(arr), "--slurm") || strings.Contains(string(sum), "--shard") {
			t.Errorf("%s scripts:\n%s\n%s", c.args[0], arr, sum)
		}
	}
}

func TestShardUsage(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args    []string
		message string
	}{
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--time-budget", "1s", "--out", dir, "--shard", "2/2"}, "--shard 2/2: index out of range"},
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--time-budget", "1s", "--out", dir, "--shard", "-1/2"}, "index out of range"},
		{[]string{"trajectory", "--dataset", "iris", "--out", dir, "--shard", "0/0"}, "--shard \"0/0\": want at least 1 shard"},
		{[]string{"trajectory", dir, "--out", dir, "--shard", "0/2"}, "--shard and --slurm apply to --dataset iris"},
		{[]string{"compare", "--dataset", "iris", "--model", "mlp", "--time-budget", "1s", "--out", dir, "--slurm", "--shard", "0/2"}, "leave out --shard"},
		{[]string{"sweep", "--dataset", "iris", "--epochs", "1", "--out", dir, "--slurm", "--overwrite"}, "--overwrite does not go with --slurm"},
	} {
		if text := runLandscape(t, 2, c.args...); !strings.Contains(text, c.message) {
			t.Errorf("%v: output %q, want %q", c.args, text, c.message)
		}
	}
}
