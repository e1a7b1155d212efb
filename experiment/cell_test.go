package experiment

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/train"
)

// The shards of a job partition its cells, each in the job's order.
func TestShardCells(t *testing.T) {
	var cells []Cell
	for i := range 7 {
		cells = append(cells, Cell{Index: i})
	}
	for n := 1; n <= 8; n++ {
		seen := make([]int, len(cells))
		for k := 0; k < n; k++ {
			prev := -1
			for _, c := range ShardCells(cluster.Shard{K: k, N: n}, cells) {
				seen[c.Index]++
				if c.Index <= prev || c.Index%n != k {
					t.Fatalf("shard %d/%d: cell %d after %d", k, n, c.Index, prev)
				}
				prev = c.Index
			}
		}
		for i, s := range seen {
			if s != 1 {
				t.Fatalf("N=%d: cell %d in %d shards", n, i, s)
			}
		}
	}
	if got := ShardCells(cluster.All, cells); len(got) != len(cells) {
		t.Errorf("the whole job holds %d of %d cells", len(got), len(cells))
	}
}

// A cell keeps its finished run, resumes it under a larger budget, starts
// an empty directory afresh, and refuses a directory of other settings.
func TestRunCellStates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	cfg := train.Config{Dataset: "iris", Standardize: true, Shuffle: true, BatchSize: 16, Model: "mlp", Hidden: []int{4}, Activation: "relu",
		Optimizer: "adam", Hyper: optim.Hyper{LR: 1e-2, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}, DType: "float64", TimeBudget: 100 * time.Millisecond, Out: dir}
	if s, err := State(cfg); err != nil || s != CellNew {
		t.Fatalf("empty: %v %v", s, err)
	}
	var kinds []EventKind
	o := CellOptions{Keep: true, Progress: func(e Event) {
		if e.Kind != Training && e.Kind != Notice {
			kinds = append(kinds, e.Kind)
		}
	}}
	cell := Cell{Name: "adam", Config: cfg}
	for range 2 {
		if err := RunCell(t.Context(), cell, o); err != nil {
			t.Fatal(err)
		}
	}
	cell.Config.TimeBudget = 200 * time.Millisecond
	if s, err := State(cell.Config); err != nil || s != CellResume {
		t.Fatalf("larger budget: %v %v", s, err)
	}
	if err := RunCell(t.Context(), cell, o); err != nil {
		t.Fatal(err)
	}
	want := []EventKind{CellStarted, CellDone, CellKept, CellResumed, CellDone}
	if !slices.Equal(kinds, want) {
		t.Errorf("events %v, want %v", kinds, want)
	}
	other := cell.Config
	other.Seed = 3
	var ose *OtherSettingsError
	if _, err := State(other); !errors.As(err, &ose) || !strings.Contains(err.Error(), `"seed":3`) {
		t.Errorf("other settings: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "checkpoint.safetensors")); err != nil {
		t.Fatal(err)
	}
	if s, err := State(cell.Config); err != nil || s != CellNew {
		t.Errorf("without a checkpoint: %v %v", s, err)
	}
}
