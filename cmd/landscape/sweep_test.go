package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adafisher-go/landscape/experiment"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/report/reporttest"
)

var sweepArgs = []string{"sweep", "--dataset", "iris", "--standardize", "--test-fraction", "0.2", "--model", "mlp", "--hidden", "4",
	"--optimizer", "adam,sgd", "--lr", "0.01,0.1", "--batch-size", "16,32", "--seeds", "2", "--epochs", "3"}

// A sweep writes its runs, summary.json and a report that draws; run again,
// it trains nothing.
func TestSweepCommand(t *testing.T) {
	_, jsErr := report.LoadJS("")
	reporttest.NeedJS(t, jsErr)
	out := filepath.Join(t.TempDir(), "sw")
	text := runLandscape(t, 0, append(sweepArgs, "--out", out)...)
	for _, want := range []string{"adam", "sgd", "0.01", "summary.json", "ddof=1"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	s, err := experiment.ReadSweepSummary(filepath.Join(out, experiment.SummaryFile))
	if err != nil || len(s.Settings) != 8 || len(s.Settings[0].Seeds) != 2 {
		t.Fatalf("summary: %+v, %v", s, err)
	}
	var run map[string]any
	b, err := os.ReadFile(filepath.Join(out, "runs", "sgd_lr0.1_bs32_seed1", "run.json"))
	if err != nil || json.Unmarshal(b, &run) != nil {
		t.Fatalf("run.json: %v", err)
	}
	cfg := run["config"].(map[string]any)
	if cfg["optimizer"] != "sgd" || cfg["seed"] != 1.0 || cfg["batch_size"] != 32.0 || cfg["hyper"].(map[string]any)["lr"] != 0.1 {
		t.Errorf("sgd_lr0.1_bs32_seed1 has settings %v", cfg)
	}
	if text := runLandscape(t, 0, append(sweepArgs, "--out", out)...); strings.Count(text, "finished already") != 16 {
		t.Errorf("second call:\n%s", text)
	}
	reporttest.Chromium(t)
	st := reporttest.Open(t, filepath.Join(out, "report", "index.html"), reporttest.Options{})
	if errs := st.AllErrors(); len(errs) > 0 || !st.Done || st.Rendered != st.Charts || st.Charts != 7 {
		t.Errorf("%d of %d charts drawn (want 7), errors %v", st.Rendered, st.Charts, errs)
	}
}

func TestSweepUsage(t *testing.T) {
	dir := t.TempDir()
	base := []string{"sweep", "--dataset", "iris", "--epochs", "1", "--out", dir}
	for _, c := range []struct {
		args    []string
		message string
	}{
		{[]string{"--lr", "1e-3,abc"}, `--lr "1e-3,abc": "abc" is not a positive number`},
		{[]string{"--lr", "0.1,-1"}, `"-1" is not a positive number`},
		{[]string{"--batch-size", "32,x"}, `--batch-size "32,x": "x" is not`},
		{[]string{"--seed", "0,one"}, `--seed "0,one": "one"`},
		{[]string{"--seeds", "2", "--seed", "1"}, "not both"},
		{[]string{"--optimizer", "adam,"}, `--optimizer "adam,": "" is not an optimizer`},
		{[]string{"--optimizer", "adam,lbfgs"}, `--optimizer "adam,lbfgs": unknown optimizer "lbfgs"`},
		{[]string{"--shard", "4/4"}, "--shard 4/4: index out of range"},
		{[]string{"--shard", "1/x"}, `--shard "1/x"`},
		{[]string{"--resume", dir}, "--resume does not apply"},
	} {
		if text := runLandscape(t, 2, append(base, c.args...)...); !strings.Contains(text, c.message) {
			t.Errorf("%v: output %q, want %q", c.args, text, c.message)
		}
	}
}

// The flags are split between the grid and the train flags, values and all.
func TestSweepSplitFlags(t *testing.T) {
	f := newSweepFlags(os.Stderr)
	grid, rest := f.split([]string{"--lr", "0.1,0.2", "--epochs", "3", "--standardize", "--seed=1,2", "-shard", "0/2", "--slurm", "--dataset", "iris"})
	if strings.Join(grid, " ") != "--lr 0.1,0.2 --seed=1,2 -shard 0/2 --slurm" || strings.Join(rest, " ") != "--epochs 3 --standardize --dataset iris" {
		t.Errorf("grid %q, rest %q", grid, rest)
	}
}

// --slurm writes an array of --shards tasks running this command with
// --shard, and the summary script without it.
func TestSweepSlurmScripts(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sw")
	text := runLandscape(t, 0, append(sweepArgs, "--out", out, "--slurm", "--shards", "4", "--slurm-time", "5:00", "--slurm-mem", "1G", "--slurm-extra", "--qos=short")...)
	if !strings.Contains(text, "16 cells in 4 array tasks") {
		t.Errorf("output:\n%s", text)
	}
	arr, err := os.ReadFile(filepath.Join(out, "slurm", "sweep-sw.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(out, "slurm", "sweep-sw-summary.sbatch"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"#SBATCH --array=0-3", "#SBATCH --time=5:00", "#SBATCH --mem=1G", "#SBATCH --qos=short", `--shard "${SLURM_ARRAY_TASK_ID}/4"`, " sweep --dataset iris"} {
		if !strings.Contains(string(arr), want) {
			t.Errorf("array script lacks %q:\n%s", want, arr)
		}
	}
	if strings.Contains(string(sum), "--shard") || strings.Contains(string(arr), "--slurm") || strings.Contains(string(arr), "--shards") {
		t.Errorf("scripts carry --shard or --slurm where they should not:\n%s\n%s", arr, sum)
	}
	if _, err := os.Stat(filepath.Join(out, "runs")); err == nil {
		t.Error("--slurm trained runs itself")
	}
}

// needSlurm skips the test unless a Slurm cluster is up, failing it when
// LANDSCAPE_SLURM=1 promises one (as .ci/run does).
func needSlurm(t *testing.T) {
	t.Helper()
	_, err := exec.LookPath("sbatch")
	if err != nil || exec.Command("sinfo", "-h").Run() != nil {
		if os.Getenv("LANDSCAPE_SLURM") == "1" {
			t.Fatal("LANDSCAPE_SLURM=1 but sbatch/sinfo do not work (is scripts/slurm-up.sh running?)")
		}
		t.Skip("no Slurm cluster here (scripts/slurm-up.sh DIR starts one)")
	}
}

// A 4-shard sweep submitted to a real Slurm gives the summary of the same
// sweep in one process (but for epoch times).
func TestSweepSlurm(t *testing.T) {
	needSlurm(t)
	_, jsErr := report.LoadJS("")
	reporttest.NeedJS(t, jsErr)
	root := t.TempDir()
	os.Chmod(root, 0o755)
	bin := filepath.Join(root, "landscape")
	if b, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	local, remote := filepath.Join(root, "local"), filepath.Join(root, "slurm")
	start := time.Now()
	runLandscape(t, 0, append(sweepArgs, "--out", local)...)
	t.Logf("one process: %.2fs", time.Since(start).Seconds())
	start = time.Now()
	cmd := exec.Command(bin, append(sweepArgs, "--out", remote, "--slurm", "--submit", "--shards", "4", "--slurm-time", "10:00")...)
	cmd.Dir = root
	b, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(b), "submitted: array job") {
		t.Fatalf("submit: %v\n%s", err, b)
	}
	t.Logf("%s", b)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	summary := filepath.Join(remote, experiment.SummaryFile)
	for ctx.Err() == nil {
		if _, err := os.Stat(filepath.Join(remote, "report", "index.html")); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if ctx.Err() != nil {
		logs, _ := filepath.Glob(filepath.Join(remote, "slurm", "*.out"))
		for _, l := range logs {
			b, _ := os.ReadFile(l)
			t.Logf("%s:\n%s", l, b)
		}
		t.Fatal("the summary job did not finish within 3 minutes")
	}
	t.Logf("4 shards on Slurm, submit to report: %.2fs", time.Since(start).Seconds())
	a, err := experiment.ReadSweepSummary(filepath.Join(local, experiment.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	s, err := experiment.ReadSweepSummary(summary)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []*experiment.SweepSummary{a, s} {
		for i := range x.Settings {
			x.Settings[i].EpochTime = experiment.Stat{}
			for j := range x.Settings[i].Runs {
				x.Settings[i].Runs[j].EpochTime = 0
			}
		}
	}
	ja, _ := json.Marshal(a)
	js, _ := json.Marshal(s)
	if string(ja) != string(js) {
		t.Errorf("the Slurm sweep's summary differs from the local one:\n%s\n%s", js, ja)
	}
}
