package landscape

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/nn"
)

// fakeRun is a run without files: snapshots at steps 0, 10 and 20 and
// final weights, the iris mlp's initial weights moved along random
// directions.
func fakeRun(t *testing.T) ([]Checkpoint, func() (*nn.Model[float64], error), *data.Dataset) {
	t.Helper()
	build, m, d := irisMLP(t)
	base := Flatten(m)
	rng := rand.New(rand.NewPCG(9, 9))
	var cps []Checkpoint
	w := append([]float64(nil), base...)
	for k, step := range []int{0, 10, 20, 30} {
		ws := append([]float64(nil), w...)
		c := Checkpoint{Step: step, Final: k == 3, Load: func() (*nn.Model[float64], error) {
			m, err := build()
			if err != nil {
				return nil, err
			}
			return m, SetFlat(m, ws)
		}}
		cps = append(cps, c)
		for i := range w {
			w[i] += 0.05 * rng.NormFloat64()
		}
	}
	return cps, build, d
}

func lossAt(t *testing.T, c Checkpoint, d *data.Dataset) float64 {
	m, err := c.Load()
	if err != nil {
		t.Fatal(err)
	}
	l, _, err := Loss(m, d)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The four modes: a line meets its ends at t = 0 and 1; a PCA plane
// centred on the final weights has them at its origin; a plane through
// three checkpoints holds them (distance 0) and its loss there is theirs.
func TestSurfaceModes(t *testing.T) {
	cps, build, d := fakeRun(t)
	run := func(st SurfaceSettings) *SurfaceResult {
		t.Helper()
		st.OneD, st.Centre, st.Resolution, st.Seed = "zero", "final", 5, 1
		res, err := Surface(context.Background(), SurfaceConfig{Settings: st, Checkpoints: cps, Build: build, Data: d})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	line := run(SurfaceSettings{Mode: "line", From: "10", To: "final"})
	if line.Settings.Range != [2]float64{-0.5, 1.5} || len(line.Loss) != 5 || len(line.Loss[0]) != 1 || line.Path != nil {
		t.Fatalf("line: %+v", line)
	}
	if a, b := line.Loss[1][0], lossAt(t, cps[1], d); a != b {
		t.Errorf("line at t = 0: %v, want %v", a, b)
	}
	if a, b := line.Loss[3][0], lossAt(t, cps[3], d); math.Abs(a-b) > 1e-12 {
		t.Errorf("line at t = 1: %v, want %v", a, b)
	}
	pca := run(SurfaceSettings{Mode: "pca"})
	last := pca.Path[len(pca.Path)-1]
	if len(pca.Path) != 4 || last.Step != -1 || last.A != 0 || last.B != 0 || last.Distance != 0 || len(pca.Explained) != 2 {
		t.Fatalf("pca: path %+v, explained %v", pca.Path, pca.Explained)
	}
	three := run(SurfaceSettings{Mode: "three", Steps: []string{"0", " 20", "final"}})
	for _, k := range []int{0, 2, 3} {
		if q := three.Path[k]; q.Distance > 1e-12 {
			t.Errorf("three: checkpoint %d at distance %v from its plane", q.Step, q.Distance)
		}
	}
	if a, b := three.Loss[0][0], three.Loss[4][4]; math.IsNaN(a) || math.IsNaN(b) || three.Settings.Range[0] >= three.Path[2].A {
		t.Errorf("three: corners %v %v, range %v", a, b, three.Settings.Range)
	}
	random := run(SurfaceSettings{Mode: "random", Range: [2]float64{-2, 2}})
	if random.Settings.RangeB != [2]float64{-2, 2} || random.Loss[2][2] != lossAt(t, cps[3], d) {
		t.Errorf("random: range_b %v, centre %v", random.Settings.RangeB, random.Loss[2][2])
	}
	for _, c := range []struct {
		st   SurfaceSettings
		want string
	}{
		{SurfaceSettings{Mode: "sphere"}, "mode"},
		{SurfaceSettings{Mode: "line", From: "15", To: "final"}, "no weights snapshot at step 15"},
		{SurfaceSettings{Mode: "three", Steps: []string{"0", "10"}}, "three checkpoints in steps, got 2"},
		{SurfaceSettings{Mode: "random", Range: [2]float64{1, -1}}, "range 1:-1, want finite MIN < MAX"},
	} {
		c.st.OneD, c.st.Resolution = "zero", 3
		_, err := Surface(context.Background(), SurfaceConfig{Settings: c.st, Checkpoints: cps, Build: build, Data: d})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want %q", c.st, err, c.want)
		}
	}
}

// An evaluation cancelled midway keeps its points; the next call with the
// same settings reuses them and gives the grid an uninterrupted evaluation
// gives; other settings start afresh.
func TestSurfaceResume(t *testing.T) {
	cps, build, d := fakeRun(t)
	st := SurfaceSettings{Run: "fake", Mode: "random", Centre: "final", OneD: "zero", Resolution: 4, Seed: 3}
	whole, err := Surface(context.Background(), SurfaceConfig{Settings: st, Checkpoints: cps, Build: build, Data: d})
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "points.jsonl")
	ctx, cancel := context.WithCancel(context.Background())
	_, err = Surface(ctx, SurfaceConfig{Settings: st, Checkpoints: cps, Build: build, Data: d, Log: log, Workers: 1,
		Progress: func(done, total int) {
			if done == 5 {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), log) {
		t.Fatalf("cancelled: %v", err)
	}
	var last int
	res, err := Surface(context.Background(), SurfaceConfig{Settings: st, Checkpoints: cps, Build: build, Data: d, Log: log,
		Progress: func(done, total int) { last = done }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reused < 5 || res.Reused >= 16 || last != 16 {
		t.Fatalf("resumed with %d points reused, progress ended at %d", res.Reused, last)
	}
	for i := range whole.Loss {
		for j := range whole.Loss[i] {
			if res.Loss[i][j] != whole.Loss[i][j] || res.Accuracy[i][j] != whole.Accuracy[i][j] {
				t.Fatalf("point (%d, %d): %v, %v; uninterrupted %v, %v", i, j, res.Loss[i][j], res.Accuracy[i][j], whole.Loss[i][j], whole.Accuracy[i][j])
			}
		}
	}
	st.Seed = 4
	res, err = Surface(context.Background(), SurfaceConfig{Settings: st, Checkpoints: cps, Build: build, Data: d, Log: log})
	if err != nil || res.Reused != 0 {
		t.Fatalf("other settings: %v, %d reused", err, res.Reused)
	}
}

// A surface evaluated in shards, each into a log of its own, and then
// assembled by an unsharded call that imports their logs, equals the
// surface evaluated at once; the assembling call evaluates nothing.
func TestSurfaceShards(t *testing.T) {
	cps, build, d := fakeRun(t)
	st := SurfaceSettings{Run: "fake", Mode: "random", Centre: "final", OneD: "zero", Resolution: 5, Seed: 3}
	whole, err := Surface(context.Background(), SurfaceConfig{Settings: st, Checkpoints: cps, Build: build, Data: d})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var logs []string
	evaluated := 0
	for k := 0; k < 3; k++ {
		log := filepath.Join(dir, fmt.Sprintf("shard-%d.jsonl", k))
		logs = append(logs, log)
		res, err := Surface(context.Background(), SurfaceConfig{Settings: st, Checkpoints: cps, Build: build, Data: d, Log: log,
			Shard: cluster.Shard{K: k, N: 3}})
		if err != nil {
			t.Fatal(err)
		}
		for i := range res.Loss {
			for j := range res.Loss[i] {
				owned := (i*len(res.Loss[i])+j)%3 == k
				if owned != !math.IsNaN(res.Loss[i][j]) {
					t.Fatalf("shard %d: point (%d, %d) loss %v", k, i, j, res.Loss[i][j])
				}
				if owned {
					evaluated++
				}
			}
		}
	}
	if evaluated != 25 {
		t.Fatalf("the shards evaluated %d points, want each of the 25 once", evaluated)
	}
	var progressed bool
	res, err := Surface(context.Background(), SurfaceConfig{Settings: st, Checkpoints: cps, Build: build, Data: d,
		Log: filepath.Join(dir, "all.jsonl"), Import: logs, Progress: func(int, int) { progressed = true }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reused != 25 || progressed {
		t.Errorf("assembling: %d points reused, evaluated some: %v", res.Reused, progressed)
	}
	for i := range whole.Loss {
		for j := range whole.Loss[i] {
			if res.Loss[i][j] != whole.Loss[i][j] || res.Accuracy[i][j] != whole.Accuracy[i][j] {
				t.Fatalf("point (%d, %d): %v, %v from shards; %v, %v at once", i, j, res.Loss[i][j], res.Accuracy[i][j], whole.Loss[i][j], whole.Accuracy[i][j])
			}
		}
	}
	if _, err := Surface(context.Background(), SurfaceConfig{Settings: st, Checkpoints: cps, Build: build, Data: d, Shard: cluster.Shard{K: 3, N: 3}}); err == nil {
		t.Error("shard 3/3 accepted")
	}
}

// The log reads back what it wrote, NaN included; a line cut short is
// dropped, and so is a log of other settings.
func TestPointLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "log.jsonl")
	type settings struct {
		A int `json:"a"`
	}
	l, err := OpenPointLog(path, settings{1})
	if err != nil {
		t.Fatal(err)
	}
	l.Append(Point{I: 0, J: 1, Loss: 0.5, Accuracy: 0.25})
	l.Append(Point{I: 2, J: 0, Loss: math.NaN(), Accuracy: 1e-7})
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	want := "{\"settings\":{\"a\":1}}\n{\"i\":0,\"j\":1,\"loss\":0.5,\"accuracy\":0.25}\n{\"i\":2,\"j\":0,\"loss\":null,\"accuracy\":1e-7}\n"
	if string(b) != want {
		t.Fatalf("log:\n%s\nwant\n%s", b, want)
	}
	os.WriteFile(path, append(b, `{"i":1,"j":`...), 0o644)
	l, err = OpenPointLog(path, settings{1})
	if err != nil {
		t.Fatal(err)
	}
	p, ok := l.Known(2, 0)
	if l.Cut() != int64(len(`{"i":1,"j":`)) {
		t.Errorf("cut %d bytes, want %d", l.Cut(), len(`{"i":1,"j":`))
	}
	if l.Len() != 2 || !ok || !math.IsNaN(p.Loss) || p.Accuracy != 1e-7 {
		t.Fatalf("read back %d points, (2,0) = %+v", l.Len(), p)
	}
	l.Append(Point{I: 1, J: 1, Loss: 2})
	l.Close()
	b, _ = os.ReadFile(path)
	if !strings.HasSuffix(string(b), "1e-7}\n{\"i\":1,\"j\":1,\"loss\":2,\"accuracy\":0}\n") {
		t.Fatalf("after the cut line:\n%s", b)
	}
	l, _ = OpenPointLog(path, settings{2})
	l.Close()
	if l.Len() != 0 {
		t.Fatalf("other settings: %d points", l.Len())
	}
	if b, _ = os.ReadFile(path); string(b) != "{\"settings\":{\"a\":2}}\n" {
		t.Fatalf("restarted log %q", b)
	}
}
