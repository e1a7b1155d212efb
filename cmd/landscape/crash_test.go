package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// trainArgs is a small AdaFisher run on iris that writes every kind of file:
// checkpoints, weight and factor snapshots, epoch records with a test split.
func trainArgs(out string, steps int) []string {
	return []string{"train", "--dataset", "iris", "--standardize", "--test-fraction", "0.2", "--model", "mlp", "--hidden", "8",
		"--optimizer", "adafisher", "--batch-size", "16", "--steps", itoa(steps), "--checkpoint-every", "7",
		"--snapshot-every", "10", "--snapshot-factors-every", "25", "--seed", "3", "--out", out}
}

func itoa(n int) string { return strconv.Itoa(n) }

// trainJob is `landscape train` as a killJob: it is continued with
// `landscape train --resume DIR`, as the documentation says, or started
// again if it was killed before it wrote its run.json.
func trainJob(dir string, steps int) *killJob {
	start := trainArgs(dir, steps)
	return &killJob{dir: dir, start: start, total: steps,
		again: func() []string {
			if !exists(filepath.Join(dir, rundir.ConfigFile)) {
				return start
			}
			return []string{"train", "--resume", dir}
		},
		progress: func() int {
			b, _ := os.ReadFile(filepath.Join(dir, rundir.MetricsFile))
			return bytes.Count(b, []byte(`"kind":"step"`))
		},
		pauses: []pause{{rundir.CheckpointFile, 6, 0}, {rundir.ConfigFile, 1, 0}, {rundir.MetricsFile, 1, 0},
			{"step-000150.safetensors", 1, 150}, {rundir.FinalFile, 1, steps}},
	}
}

// A training run SIGKILLed at random points (during start-up, checkpoint,
// snapshot, run.json and metrics writes, and anywhere along its steps) and
// resumed each time ends with the uninterrupted run's weights, snapshots,
// factor snapshots and metrics, and every file of it is readable after
// every kill.
func TestKillTrain(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes: a few seconds")
	}
	const steps = 300
	root := t.TempDir()
	ref, got := filepath.Join(root, "ref"), filepath.Join(root, "got")
	runChild(t, trainArgs(ref, steps)...)
	j := trainJob(got, steps)
	rng := rand.New(rand.NewPCG(14, 3))
	// The first two kills come while the run is being created: before its
	// run.json is in place (it is started again), and during its step-0
	// checkpoint (--resume starts it from step 0).
	plan := append([]killPoint{{pause: rundir.ConfigFile, n: 1}, {pause: rundir.CheckpointFile, n: 1}}, killPlan(rng, j, 3, 14)...)
	killRunChecked(t, j, plan)
	sameTrainRuns(t, ref, got)
}

// sameTrainRuns compares a run with an uninterrupted one: final weights and
// snapshots byte for byte, the checkpoint's tensors, the settings, and the
// metrics record for record but for wall-clock times.
func sameTrainRuns(t *testing.T, ref, got string) {
	t.Helper()
	sameFiles(t, ref, got, []string{rundir.FinalFile}, []string{rundir.WeightsDir, rundir.FactorsDir})
	a, err := rundir.Read(filepath.Join(ref, rundir.CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	b, err := rundir.Read(filepath.Join(got, rundir.CheckpointFile))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Tensors, b.Tensors) {
		var diff []string
		for k, v := range a.Tensors {
			if !reflect.DeepEqual(v, b.Tensors[k]) {
				diff = append(diff, fmt.Sprintf("%s %v vs %v", v.Name, v, b.Tensors[k]))
			}
		}
		t.Errorf("the checkpoints' tensors differ: %v", diff)
	}
	want, err := rundir.ReadMetrics(filepath.Join(ref, rundir.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	have, err := rundir.ReadMetrics(filepath.Join(got, rundir.MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, "metrics.jsonl", want, have, "time_s")
	var ia, ib train.Info
	rundir.Dir{Path: ref}.ReadJSON(rundir.ConfigFile, &ia)
	rundir.Dir{Path: got}.ReadJSON(rundir.ConfigFile, &ib)
	ia.Config.Out, ib.Config.Out = "", ""
	// A job's runs start from an --init file in the job's directory: the
	// same bytes under another path.
	if ia.Config.Init != "" && ib.Config.Init != "" && filepath.Base(ia.Config.Init) == filepath.Base(ib.Config.Init) {
		sameFiles(t, filepath.Dir(ia.Config.Init), filepath.Dir(ib.Config.Init), []string{filepath.Base(ia.Config.Init)}, nil)
		ia.Config.Init, ib.Config.Init = "", ""
	}
	if !reflect.DeepEqual(ia.Config, ib.Config) {
		t.Errorf("run.json settings %+v, want %+v", ib.Config, ia.Config)
	}
	if exists(filepath.Join(got, rundir.LockFile)) {
		t.Error("the finished run left its lock file")
	}
}

// A metrics.jsonl whose last line a crash cut short (a power cut can; a
// killed process cannot, as each record is one write) is repaired on resume
// and reported, and the run ends as the uninterrupted one.
func TestKillTrainCutMetricsLine(t *testing.T) {
	const steps = 40
	root := t.TempDir()
	ref, got := filepath.Join(root, "ref"), filepath.Join(root, "got")
	runChild(t, trainArgs(ref, steps)...)
	j := trainJob(got, steps)
	cmd, _ := landscapeCmd(nil, j.start...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	if killed, err := killAt(killPoint{at: 23}, j, cmd, exited); !killed {
		t.Fatalf("the run ended before its kill: %v", err)
	}
	f, err := os.OpenFile(filepath.Join(got, rundir.MetricsFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"kind":"step","step":99,"ep`)
	f.Close()
	if _, err := checkReadable(got); err != nil {
		t.Fatalf("a cut last line makes the metrics unreadable: %v", err)
	}
	msg := runChild(t, "train", "--resume", got)
	if !strings.Contains(msg, "metrics.jsonl: dropped its last line, a record cut short when the run stopped (28 bytes") {
		t.Errorf("the repair is not reported:\n%s", msg)
	}
	sameTrainRuns(t, ref, got)
}

// A second process on a run directory, with --resume or --out, is refused
// with the holder's pid, host and start time; the lock that a killed holder
// leaves is taken over and reported.
func TestTrainLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	// The holder stops in the middle of its second checkpoint write.
	holder, out := landscapeCmd([]string{rundir.PauseEnv + "=" + rundir.CheckpointFile + ":2"}, trainArgs(dir, 50)...)
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- holder.Wait() }()
	for !hasTemp(dir, rundir.CheckpointFile) {
		select {
		case err := <-exited:
			t.Fatalf("the holder ended: %v\n%s", err, out)
		case <-time.After(time.Millisecond):
		}
	}
	pid := itoa(holder.Process.Pid)
	host, _ := os.Hostname()
	for _, args := range [][]string{{"train", "--resume", dir}, append(trainArgs(dir, 50), "--overwrite")} {
		cmd, out := landscapeCmd(nil, args...)
		err := cmd.Run()
		msg := out.String()
		if err == nil || !strings.Contains(msg, "being written by another process: pid "+pid+" on host "+host+", started ") {
			t.Errorf("landscape %s beside a live holder: %v\n%s", strings.Join(args, " "), err, msg)
		}
	}
	holder.Process.Kill()
	<-exited
	msg := runChild(t, "train", "--resume", dir)
	if !strings.Contains(msg, "took over the lock of pid "+pid) || !strings.Contains(msg, "removed ") {
		t.Errorf("resume after the holder was killed:\n%s", msg)
	}
}

// surfaceArgs evaluates a random plane around a run's final weights, point
// after point (one worker keeps the point log in grid order).
func surfaceArgs(run, out string) []string {
	return []string{"surface", run, "--mode", "random", "--resolution", "61", "--workers", "1", "--no-html", "--out", out}
}

// surfaceJob is `landscape surface` as a killJob: it is continued by
// running the same command again.
func surfaceJob(run, out string) *killJob {
	args := surfaceArgs(run, out)
	return &killJob{dir: out, start: args, total: 61 * 61,
		again: func() []string { return args },
		progress: func() int {
			b, _ := os.ReadFile(filepath.Join(out, "surface.points.jsonl"))
			return max(bytes.Count(b, []byte("\n"))-1, 0)
		},
		pauses: []pause{{"surface.json", 1, 61 * 61}},
	}
}

// A surface evaluation SIGKILLed at random points and run again each time
// ends with the uninterrupted evaluation's points and surface.json.
func TestKillSurface(t *testing.T) {
	if testing.Short() {
		t.Skip("kills real processes: a few seconds")
	}
	root := t.TempDir()
	run := filepath.Join(root, "run")
	runChild(t, trainArgs(run, 30)...)
	ref, got := filepath.Join(root, "ref"), filepath.Join(root, "got")
	runChild(t, surfaceArgs(run, ref)...)
	j := surfaceJob(run, got)
	plan := killPlan(rand.New(rand.NewPCG(14, 4)), j, 3, 17)
	killRunChecked(t, j, plan)
	sameFiles(t, ref, got, []string{"surface.points.jsonl"}, nil)
	a, b := readJSONObject(t, filepath.Join(ref, "surface.json")), readJSONObject(t, filepath.Join(got, "surface.json"))
	sameRecords(t, "surface.json", []map[string]any{a}, []map[string]any{b}, "seconds")
}

// A second surface evaluation into the same directory is refused while the
// first runs; after the first is killed its lock is taken over, its
// temporary file removed, and a point log's cut last line reported.
func TestSurfaceLock(t *testing.T) {
	root := t.TempDir()
	run, out := filepath.Join(root, "run"), filepath.Join(root, "surface")
	runChild(t, trainArgs(run, 20)...)
	holder, hout := landscapeCmd([]string{rundir.PauseEnv + "=surface.json:1"}, surfaceArgs(run, out)...)
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- holder.Wait() }()
	for !hasTemp(out, "surface.json") {
		select {
		case err := <-exited:
			t.Fatalf("the holder ended: %v\n%s", err, hout)
		case <-time.After(time.Millisecond):
		}
	}
	cmd, cout := landscapeCmd(nil, surfaceArgs(run, out)...)
	if err := cmd.Run(); err == nil || !strings.Contains(cout.String(), "being written by another process: pid "+itoa(holder.Process.Pid)) {
		t.Errorf("a second surface beside a live one: %v\n%s", err, cout)
	}
	holder.Process.Kill()
	<-exited
	// And a point cut short, as a power cut leaves one.
	f, err := os.OpenFile(filepath.Join(out, "surface.points.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"i":3`)
	f.Close()
	msg := runChild(t, surfaceArgs(run, out)...)
	if !strings.Contains(msg, "took over the lock of pid "+itoa(holder.Process.Pid)) || !strings.Contains(msg, "(3721 reused)") || !strings.Contains(msg, "removed ") ||
		!strings.Contains(msg, "surface.points.jsonl: dropped its last line, a point cut short when an evaluation stopped (6 bytes)") {
		t.Errorf("after the holder was killed:\n%s", msg)
	}
}
