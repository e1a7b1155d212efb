package main

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/rundir"
)

func trajectoryArgs(out string) []string {
	return []string{"trajectory", "--dataset", "iris", "--epochs", "4", "--grid", "20", "--optimizers", "AdaFisher,Adam,SGD", "--out", out}
}

// trajectoryJob is the Figure 1 job (three optimizers' runs, then the
// surfaces) as a killJob, continued by running the same command again; its
// progress is the step records its runs have written.
func trajectoryJob(out string) *killJob {
	args := trajectoryArgs(out)
	return &killJob{dir: out, start: args, total: 3 * 4 * 15,
		again:    func() []string { return args },
		progress: func() int { return runsSteps(out) },
		pauses:   []pause{{rundir.CheckpointFile, 2, 0}, {"trajectory.json", 1, 3 * 4 * 15}},
	}
}

// The Figure 1 job SIGKILLed at random points and run again each time ends
// with the uninterrupted job's runs (final weights and snapshots byte for
// byte, metrics record for record) and trajectory.json.
func TestKillTrajectory(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes: a few seconds")
	}
	root := t.TempDir()
	ref, got := filepath.Join(root, "ref"), filepath.Join(root, "got")
	runChild(t, trajectoryArgs(ref)...)
	j := trajectoryJob(got)
	plan := killPlan(rand.New(rand.NewPCG(14, 5)), j, 3, 16)
	killRunChecked(t, j, plan)
	sameJobRuns(t, ref, got, 3)
	a, b := readJSONObject(t, filepath.Join(ref, "trajectory.json")), readJSONObject(t, filepath.Join(got, "trajectory.json"))
	// The runs' paths name their directories, which differ.
	for _, m := range []map[string]any{a, b} {
		paths, _ := m["paths"].([]any)
		for _, p := range paths {
			delete(p.(map[string]any), "run")
		}
	}
	sameRecords(t, "trajectory.json", []map[string]any{a}, []map[string]any{b}, "seconds")
}
