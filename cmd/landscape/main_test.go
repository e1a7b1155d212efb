package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/experiment"
)

func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	badCSV := filepath.Join(dir, "bad.csv")
	os.WriteFile(badCSV, []byte("a,b,label\n1,2,0\n3,0\n"), 0o644)
	out := func(name string) string { return filepath.Join(dir, name) }
	cases := []struct {
		args    []string
		code    int
		message string
	}{
		{[]string{}, 2, "usage"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"train", "--help"}, 0, "--batch-size"},
		{[]string{"bench", "--help"}, 0, "--workloads"},
		{[]string{"train", "--no-such-flag"}, 2, "no-such-flag"},
		{[]string{"train", "--steps", "1"}, 2, "--out is required"},
		{[]string{"train", "--steps", "x", "--out", out("x")}, 2, "invalid value"},
		{[]string{"train", "--steps", "1", "--model", "transformer9", "--out", out("m")}, 1, `unknown model "transformer9"`},
		{[]string{"train", "--steps", "1", "--optimizer", "lbfgs", "--out", out("o")}, 1, `unknown optimizer "lbfgs"`},
		{[]string{"train", "--steps", "1", "--dataset", "mnist3d", "--out", out("d")}, 1, "mnist3d"},
		{[]string{"train", "--steps", "1", "--batch-size", "-4", "--out", out("b")}, 1, "--batch-size -4"},
		{[]string{"train", "--steps", "1", "--lr", "0", "--out", out("l")}, 1, "--lr 0"},
		{[]string{"train", "--steps", "1", "--dataset", badCSV, "--out", out("c")}, 1, "line 3"},
		{[]string{"train", "--steps", "3", "--out", out("ok")}, 0, ""},
		{[]string{"train", "--steps", "3", "--dtype", "float32", "--model", "iris-toy", "--out", out("ok32")}, 0, ""},
		{[]string{"train", "--resume", out("ok"), "--steps", "5"}, 0, ""},
		{[]string{"train", "--resume", out("nothing")}, 1, "nothing"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String()+stdout.String(), c.message) {
			t.Errorf("landscape %s: exit %d, want %d; output %q, want it to contain %q", strings.Join(c.args, " "), code, c.code, stderr.String()+stdout.String(), c.message)
		}
	}
}

func TestInterpolateCommand(t *testing.T) {
	dir := t.TempDir()
	in, out := filepath.Join(dir, "p.csv"), filepath.Join(dir, "g.csv")
	// value = 2x - y + 1 on scattered points: reproduced inside the hull.
	os.WriteFile(in, []byte("x,y,value\n0,0,1\n1,0,3\n0,1,0\n1,1,2\n0.3,0.6,1\n"), 0o644)
	var stdout, stderr bytes.Buffer
	if code := run([]string{"interpolate", "--points", in, "--nx", "3", "--ny", "2", "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, _ := os.ReadFile(out)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 7 || lines[0] != "x,y,value" || lines[1] != "0,0,1" || !strings.HasPrefix(lines[3], "0.5,0,") || lines[6] != "1,1,2" {
		t.Fatalf("output:\n%s", b)
	}
	os.WriteFile(in, []byte("x,y,value\n0,0,1\n1,zero,3\n"), 0o644)
	if code := run([]string{"interpolate", "--points", in, "--out", out}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "line 3: column 2") {
		t.Fatalf("bad file: exit %d, %s", code, stderr.String())
	}
}

// landscape surface: each mode writes surface.json; a second run with the
// same settings reuses every saved point; the path's final point sits at
// the origin of a plane centred on the final weights.
func TestSurfaceCommand(t *testing.T) {
	dir := t.TempDir()
	runDir := filepath.Join(dir, "run")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"train", "--steps", "30", "--batch-size", "16", "--snapshot-every", "10", "--lr", "0.01", "--standardize", "--out", runDir}, &stdout, &stderr); code != 0 {
		t.Fatalf("train: %s", stderr.String())
	}
	for _, args := range [][]string{{"--mode", "random"}, {"--mode", "pca"}, {"--mode", "line", "--from", "10"}, {"--mode", "three", "--steps", "0,20,final"}} {
		stdout.Reset()
		if code := run(append([]string{"surface", runDir, "--resolution", "5"}, args...), &stdout, &stderr); code != 0 {
			t.Fatalf("surface %v: %s", args, stderr.String())
		}
	}
	stdout.Reset()
	if code := run([]string{"surface", runDir, "--mode", "random", "--resolution", "5"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "25 points (25 reused)") {
		t.Fatalf("second run: %q %s", stdout.String(), stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(runDir, "surface-pca", "surface.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res surfaceResult
	if err := json.Unmarshal(bytes.ReplaceAll(b, []byte("null"), []byte("0")), &res); err != nil {
		t.Fatal(err)
	}
	last := res.Path[len(res.Path)-1]
	if len(res.Loss) != 5 || len(res.Path) != 5 || last.Step != -1 || last.A != 0 || last.B != 0 || last.Distance != 0 {
		t.Fatalf("pca surface: %d rows, path %+v", len(res.Loss), res.Path)
	}
}

// landscape trajectory RUN RUN: one basis for both runs; centred on the
// first run's final weights, that run's last point is the origin.
func TestTrajectoryOfRuns(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	for _, opt := range []string{"adam", "sgd"} {
		if code := run([]string{"train", "--steps", "20", "--batch-size", "16", "--snapshot-every", "5", "--lr", "0.05", "--optimizer", opt, "--out", filepath.Join(dir, opt)}, &stdout, &stderr); code != 0 {
			t.Fatalf("train: %s", stderr.String())
		}
	}
	out := filepath.Join(dir, "traj")
	if code := run([]string{"trajectory", filepath.Join(dir, "adam"), filepath.Join(dir, "sgd"), "--out", out, "--resolution", "6"}, &stdout, &stderr); code != 0 {
		t.Fatalf("trajectory: %s", stderr.String())
	}
	b, err := os.ReadFile(filepath.Join(out, "trajectory.json"))
	if err != nil {
		t.Fatal(err)
	}
	var res experiment.RunsTrajectory
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	first := res.Runs[0]
	n := len(first.A)
	if len(res.Runs) != 2 || n != 6 || first.A[n-1] != 0 || first.B[n-1] != 0 || first.Distance[n-1] != 0 || len(res.Loss) != 6 {
		t.Fatalf("result %+v", res.Runs)
	}
	if s := res.Share[0] + res.Share[1]; !(s > 0.5 && s <= 1+1e-12) {
		t.Fatalf("explained share %v", res.Share)
	}
}
