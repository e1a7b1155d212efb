package experiment

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The Figure 1 pipeline on a small grid: one path per optimizer asked for,
// an epoch's point and loss per epoch, surfaces of the grid's size, a grid
// spanning the recorded points, and trajectory.json holding the result with
// NaN outside the hull.
func TestFigure1(t *testing.T) {
	out := t.TempDir()
	var started []string
	res, err := Figure1(t.Context(), Figure1Config{Seed: 1, Epochs: 4, BatchSize: 10, Grid: 9, Optimizers: []string{"adam", "AdaFisher"}, Out: out,
		Progress: func(e Event) {
			if e.Kind == CellStarted {
				started = append(started, e.Cell.Name)
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	if len(started) != 2 || started[0] != "AdaFisher" || started[1] != "Adam" {
		t.Errorf("cells started %v, want [AdaFisher Adam] (the table's order)", started)
	}
	if len(res.Paths) != 2 || len(res.Interpolated) != 9 || len(res.Interpolated[0]) != 9 {
		t.Fatalf("%d paths, %dx%d grid", len(res.Paths), len(res.Interpolated), len(res.Interpolated[0]))
	}
	for _, p := range res.Paths {
		if len(p.W1) != 4 || len(p.Loss) != 4 || p.Summary.Points == 0 || len(p.Evaluated) != 9 {
			t.Fatalf("%s: %+v", p.Label, p.Summary)
		}
		// The evaluated surface is a loss: finite and positive everywhere.
		for _, row := range p.Evaluated {
			for _, v := range row {
				if !(v > 0) || math.IsInf(v, 0) {
					t.Fatalf("%s: evaluated loss %v", p.Label, v)
				}
			}
		}
	}
	if res.GridX[0] > res.Paths[0].W1[0] || res.GridX[8] < res.Paths[0].W1[0] {
		t.Fatalf("grid %v does not cover the path %v", res.GridX, res.Paths[0].W1)
	}
	b, err := os.ReadFile(filepath.Join(out, TrajectoryFile))
	if err != nil {
		t.Fatal(err)
	}
	var back Figure1Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if r, err := ReadFigure1(out); err != nil || len(r.Paths) != 2 {
		t.Fatalf("ReadFigure1: %v", err)
	}
	nan := 0
	for i := range back.Interpolated {
		for j, v := range back.Interpolated[i] {
			w := res.Interpolated[i][j]
			if math.IsNaN(w) != math.IsNaN(v) || (!math.IsNaN(w) && v != w) {
				t.Fatalf("trajectory.json interpolated[%d][%d] = %v, want %v", i, j, v, w)
			}
			if math.IsNaN(v) {
				nan++
			}
		}
	}
	if nan == 0 || back.Paths[1].Label != "Adam" || back.Paths[1].Summary != res.Paths[1].Summary {
		t.Errorf("trajectory.json: %d NaN points outside the hull, paths %+v", nan, back.Paths[1].Summary)
	}
}

func TestFigure1Config(t *testing.T) {
	for _, c := range []struct {
		cfg  Figure1Config
		want string
	}{
		{Figure1Config{Epochs: -1, Out: "x"}, "epochs -1"},
		{Figure1Config{Grid: 1, Out: "x"}, "at least 2"},
		{Figure1Config{}, "no output directory"},
	} {
		if _, err := Figure1(t.Context(), c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.cfg, err, c.want)
		}
	}
	cells, _, err := Figure1Config{Out: "job"}.Cells()
	if err != nil {
		t.Fatal(err)
	}
	// Defaults: 20 epochs of 15 batches of 10, a snapshot per epoch.
	for i, c := range cells {
		if c.Index != i || c.Config.Epochs != 20 || c.Config.BatchSize != 10 || c.Config.SnapshotEvery != 15 || c.Config.Out != filepath.Join("job", "runs", c.Config.Optimizer) {
			t.Errorf("cell %d: %+v", i, c)
		}
	}
}
