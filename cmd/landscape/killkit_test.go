package main

// The kill harness: it runs a landscape command as a real child process (this
// test binary re-executed, see TestMain), SIGKILLs it at seeded random points,
// checks after every kill that each file of the output can be read, and
// continues the job as the documentation says until it finishes. The tests
// then compare the output with an uninterrupted run's.
//
// A job is a killJob: the command that starts it, the one that continues it,
// how far it has got, and the files whose atomic writes a kill may interrupt.
// Another command (compare, trajectory) is covered by describing it as a
// killJob and calling killRun, then comparing its output with sameFiles and
// sameRecords.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/rundir"
)

// childEnv marks a re-executed test binary that is to run the command.
const childEnv = "LANDSCAPE_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// landscapeCmd is `landscape args...` in a child process, with extra
// environment variables.
func landscapeCmd(env []string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), childEnv+"=1"), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	return cmd, &out
}

// runLandscape runs `landscape args...` in a child process to its end.
func runChild(t *testing.T, args ...string) string {
	t.Helper()
	cmd, out := landscapeCmd(nil, args...)
	if err := cmd.Run(); err != nil {
		t.Fatalf("landscape %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out.String()
}

// killJob is a command that the harness interrupts and continues.
type killJob struct {
	dir   string   // the output directory, checked after every kill
	start []string // the command that starts the job
	// again is the command that continues it after a kill.
	again func() []string
	// progress says how far the job has got (steps, points written), -1
	// when it cannot tell yet.
	progress func() int
	total    int
	// pauses are the files whose atomic writes kills interrupt.
	pauses []pause
}

// pause is a file whose atomic write a kill interrupts: one of the first
// writes of it in a process, or, for a file written once at a known point
// of the job, its write then.
type pause struct {
	name   string
	writes int // the kill comes during one of the first writes
	at     int // the progress at which it is written, 0 for anywhere
}

// killPoint is where one kill lands.
type killPoint struct {
	delay time.Duration // after the start: during start-up, loading, repair
	at    int           // when progress reaches this
	pause string        // during the n-th write of this file
	n     int
}

func (k killPoint) String() string {
	switch {
	case k.pause != "" && k.at > 0:
		return fmt.Sprintf("during write %d of %s (at progress %d)", k.n, k.pause, k.at)
	case k.pause != "":
		return fmt.Sprintf("during write %d of %s", k.n, k.pause)
	case k.at > 0:
		return fmt.Sprintf("at progress %d", k.at)
	}
	return fmt.Sprintf("%v after the start", k.delay)
}

// killPlan draws the kill points of a job: early kills, kills in the middle
// of atomic writes, and kills spread over its progress, shuffled.
func killPlan(rng *rand.Rand, j *killJob, early, atProgress int) []killPoint {
	var ks []killPoint
	for range early {
		ks = append(ks, killPoint{delay: time.Duration(rng.IntN(40)) * time.Millisecond})
	}
	var ats []killPoint
	for _, p := range j.pauses {
		if p.at > 0 {
			ats = append(ats, killPoint{pause: p.name, n: 1 + rng.IntN(p.writes), at: p.at})
			continue
		}
		for range 2 {
			ks = append(ks, killPoint{pause: p.name, n: 1 + rng.IntN(p.writes)})
		}
	}
	for range atProgress {
		ats = append(ats, killPoint{at: 1 + rng.IntN(j.total-1)})
	}
	slices.SortStableFunc(ats, func(a, b killPoint) int { return a.at - b.at })
	rng.Shuffle(len(ks), func(a, b int) { ks[a], ks[b] = ks[b], ks[a] })
	// Kills at a point of the job in its order, the others spread among
	// them.
	var out []killPoint
	for i, k := range ats {
		out = append(out, k)
		for len(ks) > 0 && rng.IntN(len(ats)-i) < len(ks) {
			out, ks = append(out, ks[0]), ks[1:]
			if rng.IntN(2) == 0 {
				break
			}
		}
	}
	return append(out, ks...)
}

// killStats is what a job's kills did.
type killStats struct {
	kills, finished int // processes killed, and ended by themselves first
	temps           int // temporary files found after kills
	notes           []string
}

// killRun runs the job through the kill points, then continues it to its
// end, checking every file of the output after every kill.
func killRun(t *testing.T, j *killJob, plan []killPoint) killStats {
	t.Helper()
	var st killStats
	args := j.start
	for _, k := range plan {
		var env []string
		if k.pause != "" {
			env = append(env, fmt.Sprintf("%s=%s:%d", rundir.PauseEnv, k.pause, k.n))
		}
		cmd, out := landscapeCmd(env, args...)
		before := j.progress()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		killed, err := killAt(k, j, cmd, exited)
		if errors.Is(err, errUnreadable) {
			t.Fatalf("while landscape %s ran: %v", strings.Join(args, " "), err)
		}
		if !killed {
			if err != nil {
				t.Fatalf("landscape %s (kill point %v): %v\n%s", strings.Join(args, " "), k, err, out)
			}
			st.finished++
		} else {
			st.kills++
		}
		temps, err := checkReadable(j.dir)
		if err != nil {
			t.Fatalf("after a kill %v (progress %d -> %d): %v\noutput: %s", k, before, j.progress(), err, out)
		}
		st.temps += temps
		st.notes = append(st.notes, fmt.Sprintf("%v: progress %d -> %d, killed %v, %d temp files", k, before, j.progress(), killed, temps))
		args = j.again()
	}
	if out := runChild(t, args...); strings.Contains(out, "panic") {
		t.Fatalf("final run: %s", out)
	}
	if temps, err := checkReadable(j.dir); err != nil || temps > 0 {
		filepath.WalkDir(j.dir, func(p string, d fs.DirEntry, _ error) error {
			if strings.Contains(p, ".tmp-") {
				t.Log(p)
			}
			return nil
		})
		t.Fatalf("after the last run: %v; %d temporary files left", err, temps)
	}
	return st
}

// killAt kills the process at the kill point, unless it exits first: it
// returns whether it killed it, and the process's error when it did not.
func killAt(k killPoint, j *killJob, cmd *exec.Cmd, exited chan error) (bool, error) {
	deadline := time.Now().Add(20 * time.Second)
	var stale []string // temporary files of earlier kills, not this process's
	if k.pause != "" {
		stale = temps(j.dir, k.pause)
	}
	due := func() bool {
		switch {
		case k.pause != "":
			for _, name := range temps(j.dir, k.pause) {
				if !slices.Contains(stale, name) {
					return true
				}
			}
			return false
		case k.at > 0:
			return j.progress() >= k.at
		}
		return true
	}
	if k.delay > 0 {
		select {
		case err := <-exited:
			return false, err
		case <-time.After(k.delay):
		}
	}
	for i := 0; !due(); i++ {
		select {
		case err := <-exited:
			return false, err
		case <-time.After(time.Millisecond):
		}
		if i%20 == 19 { // a reader beside the writer sees whole files too
			if _, err := checkReadable(j.dir); err != nil {
				cmd.Process.Kill()
				<-exited
				return false, fmt.Errorf("%w: %v", errUnreadable, err)
			}
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			<-exited
			return false, fmt.Errorf("kill point %v not reached in 20 s", k)
		}
	}
	cmd.Process.Kill() // SIGKILL
	<-exited
	return true, nil
}

// hasTemp reports whether a temporary file of an atomic write of the file
// name is anywhere in dir.
func hasTemp(dir, name string) bool { return len(temps(dir, name)) > 0 }

// temps lists the temporary files of atomic writes of the file name
// anywhere in dir.
func temps(dir, name string) []string {
	var found []string
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), "."+name+".tmp-") {
			found = append(found, path)
		}
		return nil
	})
	return found
}

// errUnreadable marks a file found unreadable while the job ran.
var errUnreadable = errors.New("a file could not be read")

// checkReadable reads every file under dir as what its name says it is:
// JSON, metrics JSON Lines (whose step records must count 1, 2, 3, ...
// without a gap or a repeat), other JSON Lines, safetensors. It returns the
// number of temporary files of interrupted atomic writes, which no reader
// opens.
func checkReadable(dir string) (int, error) {
	temps := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // not made yet, or removed since the listing
		}
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		if strings.HasPrefix(name, ".") && strings.Contains(name, ".tmp-") {
			temps++
			return nil
		}
		b, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // replaced or removed since the listing: a writer is at work
		}
		if err != nil {
			return err
		}
		switch {
		case name == rundir.LockFile:
			if len(b) > 0 && !json.Valid(b) {
				return fmt.Errorf("%s: %q is not JSON", path, b)
			}
		case strings.HasSuffix(name, ".json"):
			if !json.Valid(b) {
				return fmt.Errorf("%s is not JSON", path)
			}
		case name == rundir.MetricsFile:
			recs, err := rundir.ReadMetrics(path)
			if err != nil {
				return err
			}
			return consecutiveSteps(path, recs)
		case strings.HasSuffix(name, ".jsonl"):
			lines := bytes.Split(b, []byte("\n"))
			for i, l := range lines[:len(lines)-1] { // the last, after the final newline, may be cut
				if !json.Valid(l) {
					return fmt.Errorf("%s: line %d is not JSON: %q", path, i+1, l)
				}
			}
		case strings.HasSuffix(name, ".safetensors"):
			if _, err := rundir.Read(path); err != nil {
				return err
			}
		}
		return nil
	})
	return temps, err
}

// consecutiveSteps checks that the step records count 1, 2, 3, ...
func consecutiveSteps(path string, recs []map[string]any) error {
	want := 1.0
	for i, r := range recs {
		if r["kind"] != "step" {
			continue
		}
		if r["step"] != want {
			return fmt.Errorf("%s: record %d is step %v, want step %v", path, i+1, r["step"], want)
		}
		want++
	}
	return nil
}

// sameFiles checks that the files named in both directories are byte for
// byte the same, and that each directory has the same files under the
// given subdirectories.
func sameFiles(t *testing.T, want, got string, names []string, subdirs []string) {
	t.Helper()
	for _, sub := range subdirs {
		a, _ := os.ReadDir(filepath.Join(want, sub))
		b, _ := os.ReadDir(filepath.Join(got, sub))
		var an, bn []string
		for _, e := range a {
			an = append(an, e.Name())
		}
		for _, e := range b {
			if !strings.HasPrefix(e.Name(), ".") || !strings.Contains(e.Name(), ".tmp-") {
				bn = append(bn, e.Name())
			}
		}
		if !slices.Equal(an, bn) {
			t.Errorf("%s: files %v, want %v", sub, bn, an)
			continue
		}
		for _, n := range an {
			names = append(names, filepath.Join(sub, n))
		}
	}
	for _, n := range names {
		a, err := os.ReadFile(filepath.Join(want, n))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(got, n))
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the uninterrupted run's (%d and %d bytes)", n, len(b), len(a))
		}
	}
}

// sameRecords checks that two lists of JSON records are equal but for the
// fields named (wall-clock times).
func sameRecords(t *testing.T, what string, want, got []map[string]any, ignore ...string) {
	t.Helper()
	for _, rs := range [][]map[string]any{want, got} {
		for _, r := range rs {
			for _, k := range ignore {
				delete(r, k)
			}
		}
	}
	if len(want) != len(got) {
		t.Errorf("%s: %d records, want %d", what, len(got), len(want))
	}
	for i := range min(len(want), len(got)) {
		if !reflect.DeepEqual(want[i], got[i]) {
			t.Errorf("%s: record %d is %v, want %v", what, i+1, got[i], want[i])
			return
		}
	}
}

// exists reports whether path exists.
func exists(path string) bool {
	_, err := os.Stat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// readJSONObject reads a JSON object file, for comparing outputs field by
// field.
func readJSONObject(t *testing.T, path string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// killRunChecked runs the plan, logs what each kill found, and requires at
// least 20 processes killed.
func killRunChecked(t *testing.T, j *killJob, plan []killPoint) killStats {
	t.Helper()
	st := killRun(t, j, plan)
	t.Logf("%d kill points: %d processes killed, %d ended first; %d temporary files left by kills", len(plan), st.kills, st.finished, st.temps)
	for _, n := range st.notes {
		t.Log(n)
	}
	if st.kills < 20 {
		t.Errorf("%d kills, want at least 20", st.kills)
	}
	return st
}

// runsSteps is the progress of a job of several runs (out/runs/NAME): the
// step records they have written.
func runsSteps(out string) int {
	n := 0
	paths, _ := filepath.Glob(filepath.Join(out, "runs", "*", rundir.MetricsFile))
	for _, p := range paths {
		b, _ := os.ReadFile(p)
		n += bytes.Count(b, []byte(`"kind":"step"`))
	}
	return n
}

// sameJobRuns compares the n runs of a job (out/runs/NAME) with those of
// the uninterrupted job, as sameTrainRuns compares one run.
func sameJobRuns(t *testing.T, ref, got string, n int) {
	t.Helper()
	runs, _ := filepath.Glob(filepath.Join(ref, "runs", "*"))
	if len(runs) != n {
		t.Fatalf("%d runs in the reference, want %d", len(runs), n)
	}
	for _, r := range runs {
		t.Run(filepath.Base(r), func(t *testing.T) { sameTrainRuns(t, r, filepath.Join(got, "runs", filepath.Base(r))) })
	}
}
