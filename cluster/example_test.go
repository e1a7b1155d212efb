package cluster_test

import (
	"fmt"

	"github.com/adafisher-go/landscape/cluster"
)

// A job of 4 shards as a Slurm array: task K runs the command with
// --shard K/4; the summary job runs it once more without --shard.
func ExampleArrayScript() {
	j := cluster.Job{Name: "sweep-iris", Shards: 4, WorkDir: "/shared",
		Command:   []string{"landscape", "sweep", "--dataset", "iris", "--lr", "1e-3,3e-3", "--out", "/shared/sweep"},
		Resources: cluster.Resources{Time: "1:00:00", CPUsPerTask: 2}}
	s, err := cluster.ArrayScript(j)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(s)
	// Output:
	// #!/bin/bash
	// #SBATCH --job-name=sweep-iris
	// #SBATCH --output=/shared/sweep-iris-%A_%a.out
	// #SBATCH --chdir=/shared
	// #SBATCH --time=1:00:00
	// #SBATCH --cpus-per-task=2
	// #SBATCH --array=0-3
	// set -eu
	// exec landscape sweep --dataset iris --lr 1e-3,3e-3 --out /shared/sweep --shard "${SLURM_ARRAY_TASK_ID}/4"
}

// Cells are dealt round-robin: shard 1 of 3 owns cells 1, 4, 7, ...
func ExampleShard_Cells() {
	sh, err := cluster.ParseShard("1/3")
	fmt.Println(sh.Cells(10), err)
	// Output: [1 4 7] <nil>
}
