package experiment

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/cluster"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// tinySweep is 2 optimizers x 2 learning rates x 2 seeds on iris, 2 epochs
// each.
func tinySweep(t *testing.T, out string) SweepConfig {
	t.Helper()
	var opts []SweepOptimizer
	for _, name := range []string{"adam", "sgd"} {
		h, err := optim.Defaults(name)
		if err != nil {
			t.Fatal(err)
		}
		opts = append(opts, SweepOptimizer{Name: name, Hyper: h})
	}
	return SweepConfig{
		Train: train.Config{Dataset: "iris", Standardize: true, TestFraction: 0.2, Shuffle: true, BatchSize: 32, Model: "mlp", Hidden: []int{4},
			Activation: "relu", DType: "float64", Epochs: 2, Out: out},
		Optimizers: opts, LRs: []float64{0.01, 0.1}, Seeds: []uint64{0, 1}, Command: []string{"test"}, Version: "test",
	}
}

func TestNewStat(t *testing.T) {
	nan := math.NaN()
	for _, c := range []struct {
		in                  []float64
		mean, std, min, max float64
	}{
		// pandas.Series([1, 2, 3, 4]).std() = 1.2909944487358056 (ddof=1).
		{[]float64{1, 2, 3, 4}, 2.5, 1.2909944487358056, 1, 4},
		{[]float64{0.5, 0.75}, 0.625, 0.25 / math.Sqrt2, 0.5, 0.75},
		{[]float64{3}, 3, nan, 3, 3},
		{[]float64{1, nan}, nan, nan, nan, nan},
		{nil, nan, nan, nan, nan},
	} {
		s := NewStat(c.in)
		for _, f := range [][2]float64{{s.Mean, c.mean}, {s.Std, c.std}, {s.Min, c.min}, {s.Max, c.max}} {
			if !(math.Abs(f[0]-f[1]) <= 1e-15 || math.IsNaN(f[0]) && math.IsNaN(f[1])) {
				t.Errorf("NewStat(%v) = %+v, want mean %v std %v min %v max %v", c.in, s, c.mean, c.std, c.min, c.max)
				break
			}
		}
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Stat
		if err := json.Unmarshal(b, &back); err != nil || back.N != s.N || !sameFloat(back.Std, s.Std) || !sameFloat(back.Mean, s.Mean) {
			t.Errorf("%s read back as %+v (%v)", b, back, err)
		}
	}
}

func sameFloat(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// finalTest reads a run's final test accuracy and loss straight from its
// metrics.jsonl.
func finalTest(t *testing.T, run string) (acc, loss float64) {
	t.Helper()
	f, err := os.Open(filepath.Join(run, rundir.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		if m["kind"] == "final" {
			acc, loss = m["test_accuracy"].(float64), m["test_loss"].(float64)
		}
	}
	return acc, loss
}

// The summary of every setting is the mean, sample std (of two seeds:
// |a - b| / sqrt 2), min and max of its runs' numbers.
func TestSweepSummary(t *testing.T) {
	out := t.TempDir()
	s, err := Sweep(t.Context(), tinySweep(t, out))
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"adam_lr0.01_bs32_seed0", "adam_lr0.01_bs32_seed1", "adam_lr0.1_bs32_seed0", "adam_lr0.1_bs32_seed1",
		"sgd_lr0.01_bs32_seed0", "sgd_lr0.01_bs32_seed1", "sgd_lr0.1_bs32_seed0", "sgd_lr0.1_bs32_seed1"}
	entries, _ := os.ReadDir(filepath.Join(out, "runs"))
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Fatalf("run directories %v, want %v", got, names)
	}
	if len(s.Settings) != 4 {
		t.Fatalf("%d settings, want 4", len(s.Settings))
	}
	for i, st := range s.Settings {
		a0, l0 := finalTest(t, filepath.Join(out, "runs", names[2*i]))
		a1, l1 := finalTest(t, filepath.Join(out, "runs", names[2*i+1]))
		for _, c := range []struct {
			name string
			got  Stat
			a, b float64
		}{{"final test accuracy", st.FinalTestAccuracy, a0, a1}, {"final test loss", st.FinalTestLoss, l0, l1}} {
			want := Stat{N: 2, Mean: (c.a + c.b) / 2, Std: math.Abs(c.a-c.b) / math.Sqrt2, Min: math.Min(c.a, c.b), Max: math.Max(c.a, c.b)}
			if c.got.N != 2 || math.Abs(c.got.Mean-want.Mean) > 1e-12 || math.Abs(c.got.Std-want.Std) > 1e-12 || c.got.Min != want.Min || c.got.Max != want.Max {
				t.Errorf("%s %s: %+v, want %+v", names[2*i], c.name, c.got, want)
			}
		}
		if st.BestTestAccuracy.Min < st.FinalTestAccuracy.Min || st.BestTestLoss.Max > st.FinalTestLoss.Max {
			t.Errorf("setting %d: best %+v worse than final %+v", i, st.BestTestAccuracy, st.FinalTestAccuracy)
		}
		if len(st.Curve.Epoch) != 2 || st.EpochTime.N != 2 || !(st.EpochTime.Mean > 0) {
			t.Errorf("setting %d: curve epochs %v, epoch time %+v", i, st.Curve.Epoch, st.EpochTime)
		}
	}
	back, err := ReadSweepSummary(filepath.Join(out, SummaryFile))
	if err != nil || len(back.Settings) != 4 || back.Settings[3].FinalTestLoss != s.Settings[3].FinalTestLoss {
		t.Errorf("summary.json read back: %v", err)
	}
}

// timeless is a file without its timing fields: JSON (run.json, a record of
// metrics.jsonl) without time_s and started_unix, a safetensors file
// without the elapsed_ns of its metadata; and run.json without the run
// directory's path.
func timeless(t *testing.T, name string, b []byte) string {
	t.Helper()
	drop := func(m map[string]any) string {
		for _, k := range []string{"time_s", "started_unix"} {
			delete(m, k)
		}
		if cfg, ok := m["config"].(map[string]any); ok {
			delete(cfg, "out") // the two sweeps are in two directories
		}
		if meta, ok := m["__metadata__"].(map[string]any); ok {
			delete(meta, "elapsed_ns")
		}
		c, _ := json.Marshal(m)
		return string(c)
	}
	var out []string
	switch {
	case strings.HasSuffix(name, ".safetensors"):
		n := binary.LittleEndian.Uint64(b)
		var m map[string]any
		if err := json.Unmarshal(b[8:8+n], &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, drop(m), string(b[8+n:]))
	case strings.HasSuffix(name, ".jsonl"):
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			var m map[string]any
			if err := json.Unmarshal(line, &m); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			out = append(out, drop(m))
		}
	case strings.HasSuffix(name, ".json"):
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out = append(out, drop(m))
	default:
		out = append(out, string(b))
	}
	return strings.Join(out, "\n")
}

// Four shards in turn, then the unsharded command, give the same run files
// (but for timings) and the same summary (but for epoch times) as one
// unsharded sweep; the last call trains nothing.
func TestSweepShardedEqualsUnsharded(t *testing.T) {
	whole, sharded := t.TempDir(), t.TempDir()
	a, err := Sweep(t.Context(), tinySweep(t, whole))
	if err != nil {
		t.Fatal(err)
	}
	for k := range 4 {
		c := tinySweep(t, sharded)
		c.Shard = cluster.Shard{K: k, N: 4}
		var ran []int
		c.Progress = func(e Event) {
			if e.Kind == CellStarted {
				ran = append(ran, e.Cell.Index)
			}
		}
		if s, err := Sweep(t.Context(), c); err != nil || s != nil {
			t.Fatalf("shard %d/4: %v, %v", k, s, err)
		}
		if !slices.Equal(ran, []int{k, k + 4}) {
			t.Errorf("shard %d/4 trained cells %v, want %v", k, ran, []int{k, k + 4})
		}
		if _, err := os.Stat(filepath.Join(sharded, SummaryFile)); err == nil {
			t.Errorf("shard %d/4 wrote the summary", k)
		}
	}
	c := tinySweep(t, sharded)
	c.Progress = func(e Event) {
		if e.Kind == CellStarted || e.Kind == CellResumed {
			t.Errorf("the summarising call trained %s", e.Cell.Name)
		}
	}
	b, err := Sweep(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	err = filepath.Walk(filepath.Join(whole, "runs"), func(path string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(whole, path)
		x, _ := os.ReadFile(path)
		y, err := os.ReadFile(filepath.Join(sharded, rel))
		if err != nil {
			t.Errorf("%s: missing in the sharded sweep", rel)
			return nil
		}
		if timeless(t, rel, x) != timeless(t, rel, y) {
			t.Errorf("%s differs", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Settings {
		a.Settings[i].EpochTime, b.Settings[i].EpochTime = Stat{}, Stat{}
		for j := range a.Settings[i].Runs {
			a.Settings[i].Runs[j].EpochTime, b.Settings[i].Runs[j].EpochTime = 0, 0
		}
	}
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	if !bytes.Equal(x, y) {
		t.Errorf("summaries differ:\n%s\n%s", x, y)
	}
}

// A finished cell is never trained again; an interrupted one resumes; a
// cell another process is writing is refused with that process named.
func TestSweepResumeAndLock(t *testing.T) {
	out := t.TempDir()
	c := tinySweep(t, out)
	c.Optimizers, c.LRs = c.Optimizers[:1], c.LRs[:1]
	if _, err := Sweep(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	run := filepath.Join(out, "runs", "adam_lr0.01_bs32_seed1")
	metrics := filepath.Join(run, rundir.MetricsFile)
	if err := rundir.TruncateRecords(metrics, func(r rundir.Record) bool { return r.Kind != rundir.KindFinal }); err != nil {
		t.Fatal(err)
	}
	events := map[EventKind][]string{}
	c.Progress = func(e Event) { events[e.Kind] = append(events[e.Kind], e.Cell.Name) }
	if _, err := Sweep(t.Context(), c); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(events[CellKept], []string{"adam_lr0.01_bs32_seed0"}) || !slices.Equal(events[CellResumed], []string{"adam_lr0.01_bs32_seed1"}) || len(events[CellStarted]) != 0 {
		t.Errorf("events %v: want seed 0 kept, seed 1 resumed", events)
	}
	held, err := rundir.Lock(run, []string{"other"})
	if err != nil {
		t.Fatal(err)
	}
	defer held.Release()
	_, err = Sweep(t.Context(), c)
	var le *rundir.LockedError
	if !errors.As(err, &le) || le.Owner.PID != os.Getpid() || !strings.Contains(err.Error(), "other") {
		t.Errorf("a locked cell: %v, want a *rundir.LockedError naming its holder", err)
	}
}

func TestSweepBadConfig(t *testing.T) {
	for _, c := range []struct {
		edit func(*SweepConfig)
		want string
	}{
		{func(c *SweepConfig) { c.Shard = cluster.Shard{K: 4, N: 4} }, "out of range"},
		{func(c *SweepConfig) { c.LRs = []float64{0.1, 0.1} }, "twice"},
		{func(c *SweepConfig) { c.Seeds = nil }, "no seed"},
		{func(c *SweepConfig) { c.Train.Epochs = 0 }, "no limit"},
		{func(c *SweepConfig) { c.LRs = []float64{-1} }, "learning rate -1"},
	} {
		cfg := tinySweep(t, t.TempDir())
		c.edit(&cfg)
		if _, err := cfg.Cells(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one with %q", err, c.want)
		}
	}
}

// A dataset without a test split leaves the test statistics empty (null in
// summary.json), and the summary reads back.
func TestSweepWithoutTestSplit(t *testing.T) {
	out := t.TempDir()
	c := tinySweep(t, out)
	c.Train.TestFraction = 0
	c.Optimizers, c.LRs = c.Optimizers[:1], c.LRs[:1]
	s, err := Sweep(t.Context(), c)
	if err != nil {
		t.Fatal(err)
	}
	st := s.Settings[0]
	if !math.IsNaN(st.FinalTestAccuracy.Mean) || !math.IsNaN(st.Runs[0].BestTestLoss) || !(st.EpochTime.Mean > 0) {
		t.Errorf("without a test split: %+v", st)
	}
	back, err := ReadSweepSummary(filepath.Join(out, SummaryFile))
	if err != nil || !math.IsNaN(back.Settings[0].Runs[1].FinalTestAccuracy) || back.Settings[0].Runs[1].Name != "adam_lr0.01_bs32_seed1" {
		t.Errorf("read back: %+v, %v", back, err)
	}
}
