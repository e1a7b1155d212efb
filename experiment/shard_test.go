package experiment

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// Figure 1 in 3 shards, then unsharded, is the unsharded Figure 1 (but for
// its run time); each shard trains only its cells, the last call none.
func TestFigure1Sharded(t *testing.T) {
	cfg := func(out string) Figure1Config {
		return Figure1Config{Seed: 2, Epochs: 3, BatchSize: 10, Grid: 7, Optimizers: []string{"adam", "AdaFisher", "sgd"}, Out: out}
	}
	whole, err := Figure1(t.Context(), cfg(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for k := range 3 {
		c := cfg(out)
		c.Shard = cluster.Shard{K: k, N: 3}
		var started []int
		c.Progress = func(e Event) {
			if e.Kind == CellStarted {
				started = append(started, e.Cell.Index)
			}
		}
		if r, err := Figure1(t.Context(), c); err != nil || r != nil {
			t.Fatalf("shard %d/3: %v %v", k, r, err)
		}
		if !slices.Equal(started, []int{k}) {
			t.Errorf("shard %d/3 trained cells %v", k, started)
		}
	}
	c := cfg(out)
	c.Progress = func(e Event) {
		if e.Kind == CellStarted || e.Kind == CellResumed {
			t.Errorf("the summarising call trained %s", e.Cell.Name)
		}
	}
	sharded, err := Figure1(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	whole.Seconds, sharded.Seconds = 0, 0
	for i := range whole.Paths {
		whole.Paths[i].Run, sharded.Paths[i].Run = "", ""
	}
	a, _ := json.Marshal(whole)
	b, _ := json.Marshal(sharded)
	if string(a) != string(b) {
		t.Errorf("sharded Figure 1 differs from the unsharded one")
	}
	c.Shard = cluster.Shard{K: 3, N: 3}
	if _, err := Figure1(t.Context(), c); err == nil {
		t.Error("shard 3/3 accepted")
	}
}

// A comparison's shards train their own optimizers; the unsharded call
// keeps them all and reads them back.
func TestCompareSharded(t *testing.T) {
	out := t.TempDir()
	var settings []CompareSetting
	for _, name := range []string{"adam", "sgd", "adafisher"} {
		h, err := optim.Defaults(name)
		if err != nil {
			t.Fatal(err)
		}
		settings = append(settings, CompareSetting{Label: name, Optimizer: name, Hyper: h})
	}
	base := CompareConfig{Train: train.Config{Dataset: "iris", Standardize: true, TestFraction: 0.2, Model: "mlp", DType: "float64", BatchSize: 16,
		TimeBudget: 100 * time.Millisecond, Out: out}, Settings: settings}
	for k := range 2 {
		c := base
		c.Shard = cluster.Shard{K: k, N: 2}
		var started []string
		c.Progress = func(e Event) {
			if e.Kind == CellStarted {
				started = append(started, e.Cell.Name)
			}
		}
		if r, err := Compare(t.Context(), c); err != nil || r != nil {
			t.Fatalf("shard %d/2: %v %v", k, r, err)
		}
		want := [][]string{{"adam", "adafisher"}, {"sgd"}}[k]
		if !slices.Equal(started, want) {
			t.Errorf("shard %d/2 trained %v, want %v", k, started, want)
		}
	}
	c := base
	var kept []string
	c.Progress = func(e Event) {
		if e.Kind == CellKept {
			kept = append(kept, e.Cell.Name)
		}
	}
	r, err := Compare(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 3 || len(r.Runs) != 3 {
		t.Errorf("kept %v, %d runs read", kept, len(r.Runs))
	}
}

// A lock left by a process that is gone is taken over, and reported.
func TestRunCellStaleLock(t *testing.T) {
	c := tinySweep(t, t.TempDir())
	c.Optimizers, c.LRs, c.Seeds = c.Optimizers[:1], c.LRs[:1], c.Seeds[:1]
	cells, err := c.Cells()
	if err != nil {
		t.Fatal(err)
	}
	dir := cells[0].Config.Out
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// The record of a holder without the flock: a process that died.
	stale := `{"pid":4194301,"host":"node7","started":"2026-01-02T03:04:05Z","command":["landscape","sweep"]}`
	if err := os.WriteFile(filepath.Join(dir, rundir.LockFile), []byte(stale), 0o644); err != nil {
		t.Fatal(err)
	}
	var notices []string
	err = RunCell(t.Context(), cells[0], CellOptions{Keep: true, Progress: func(e Event) {
		if e.Kind == Notice && strings.Contains(e.Message, "lock") {
			notices = append(notices, e.Message)
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(notices) != 1 || !strings.Contains(notices[0], "pid 4194301 on host node7") {
		t.Errorf("notices %q, want one naming the stale holder", notices)
	}
	if _, err := os.Stat(filepath.Join(dir, rundir.LockFile)); !os.IsNotExist(err) {
		t.Errorf("the lock is left behind: %v", err)
	}
}
