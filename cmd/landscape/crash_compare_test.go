package main

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/rundir"
)

// compareArgs is a comparison at an equal number of steps: its runs, unlike
// those of a time budget, are the same bit for bit however often they are
// interrupted.
func compareArgs(out string) []string {
	return []string{"compare", "--dataset", "iris", "--standardize", "--test-fraction", "0.2", "--model", "mlp", "--batch-size", "16",
		"--optimizers", "adam,adafisher,kfac", "--steps", "200", "--out", out}
}

// compareJob is `landscape compare` as a killJob, continued by running the
// same command again; its progress is the step records of its runs.
func compareJob(out string) *killJob {
	args := compareArgs(out)
	return &killJob{dir: out, start: args, total: 3 * 200,
		again:    func() []string { return args },
		progress: func() int { return runsSteps(out) },
		pauses:   []pause{{rundir.CheckpointFile, 2, 0}, {rundir.FinalFile, 1, 200}, {"index.html", 1, 3 * 200}},
	}
}

// A comparison at equal steps SIGKILLed at random points (start-up,
// checkpoints, final weights, the page) and run again each time ends with
// the uninterrupted comparison's runs: final weights and checkpoints byte
// for byte, metrics record for record (wall-clock times aside).
func TestKillCompare(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes: a few seconds")
	}
	root := t.TempDir()
	ref, got := filepath.Join(root, "ref"), filepath.Join(root, "got")
	runChild(t, compareArgs(ref)...)
	j := compareJob(got)
	plan := killPlan(rand.New(rand.NewPCG(21, 8)), j, 3, 17)
	killRunChecked(t, j, plan)
	sameJobRuns(t, ref, got, 3)
	if !exists(filepath.Join(got, "index.html")) {
		t.Error("no index.html after the last run")
	}
}
