package cluster

import (
	"os/exec"
	"strings"
	"testing"
)

// Quoted words come back unchanged through a real shell.
func TestQuoteThroughShell(t *testing.T) {
	words := []string{"landscape", "sweep", "--lr", "1e-3,3e-3", "", "it's", `a "b" $HOME`, "x;y|z", "tab\there", "new\nline", "*"}
	out, err := exec.Command("sh", "-c", "printf '%s\\0' "+Quote(words...)).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
	if len(got) != len(words) {
		t.Fatalf("shell saw %d words %q, want %d", len(got), got, len(words))
	}
	for i := range words {
		if got[i] != words[i] {
			t.Errorf("word %d: shell saw %q, want %q", i, got[i], words[i])
		}
	}
}

func TestArrayScript(t *testing.T) {
	j := Job{Name: "sweep-iris", Command: []string{"/opt/bin/landscape", "sweep", "--out", "/shared/runs/my sweep"}, Shards: 4,
		WorkDir: "/shared", Resources: Resources{Partition: "cpu", Time: "1:00:00", CPUsPerTask: 2, Mem: "4G", Extra: []string{"--qos=short"}}}
	s, err := ArrayScript(j)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"#!/bin/bash\n", "#SBATCH --job-name=sweep-iris\n", "#SBATCH --array=0-3\n", "#SBATCH --partition=cpu\n",
		"#SBATCH --time=1:00:00\n", "#SBATCH --cpus-per-task=2\n", "#SBATCH --mem=4G\n", "#SBATCH --qos=short\n",
		"#SBATCH --chdir=/shared\n", "#SBATCH --output=/shared/sweep-iris-%A_%a.out\n",
		`exec /opt/bin/landscape sweep --out '/shared/runs/my sweep' --shard "${SLURM_ARRAY_TASK_ID}/4"` + "\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("array script lacks %q:\n%s", want, s)
		}
	}
	sum, err := SummaryScript(j)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sum, "--shard") || strings.Contains(sum, "--array") || !strings.Contains(sum, "#SBATCH --job-name=sweep-iris-summary\n") {
		t.Errorf("summary script:\n%s", sum)
	}
	for _, bad := range []Job{{Name: "x", Shards: 2}, {Name: "x", Command: []string{"a"}}, {Name: "a b", Command: []string{"a"}, Shards: 1}} {
		if _, err := ArrayScript(bad); err == nil {
			t.Errorf("ArrayScript(%+v) accepted", bad)
		}
	}
}

func TestParseJobID(t *testing.T) {
	for in, want := range map[string]string{"12345\n": "12345", "77;cluster\n": "77", "warning: x\n42\n": "42"} {
		if got, err := ParseJobID(in); err != nil || got != want {
			t.Errorf("ParseJobID(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "sbatch: error: x", "12a"} {
		if _, err := ParseJobID(in); err == nil {
			t.Errorf("ParseJobID(%q) accepted", in)
		}
	}
}
