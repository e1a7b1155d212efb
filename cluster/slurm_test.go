package cluster

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// SlurmEnv, when "1", says a Slurm cluster is up for the tests (.ci/run brings
// up a single-node one with scripts/slurm-up.sh and sets it); in CI the Slurm
// tests then must run, elsewhere they skip without it.
const SlurmEnv = "LANDSCAPE_SLURM"

// needSlurm skips the test unless a Slurm cluster is up, failing it instead
// when CI=true and LANDSCAPE_SLURM=1 promise one.
func needSlurm(t *testing.T) {
	t.Helper()
	_, err := exec.LookPath("sbatch")
	up := err == nil && exec.Command("sinfo", "-h").Run() == nil
	if !up {
		if os.Getenv(SlurmEnv) == "1" {
			t.Fatalf("%s=1 but sbatch/sinfo do not work (is scripts/slurm-up.sh running?)", SlurmEnv)
		}
		t.Skip("no Slurm cluster here (scripts/slurm-up.sh DIR starts one)")
	}
}

// A 4-shard job on a real Slurm: each array task runs its shard, and the
// summary job runs only after all of them succeeded.
func TestSlurmArrayAndSummary(t *testing.T) {
	needSlurm(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	j := Job{Name: "cluster-test", Shards: 4, WorkDir: dir,
		Command: []string{os.Args[0], "-test.run=^TestSlurmChild$", "--", dir}}
	s, err := WriteScripts(filepath.Join(dir, "slurm"), j)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ids, err := Submit(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("array job %s, summary job %s", ids.Array, ids.Summary)
	summary := filepath.Join(dir, "summary")
	for ctx.Err() == nil {
		if b, err := os.ReadFile(summary); err == nil {
			if got := strings.TrimSpace(string(b)); got != "0/4 1/4 2/4 3/4" {
				t.Fatalf("the summary job saw shards %q, want all four done before it", got)
			}
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	logs, _ := filepath.Glob(filepath.Join(dir, "*.out"))
	for _, l := range logs {
		b, _ := os.ReadFile(l)
		t.Logf("%s:\n%s", l, b)
	}
	t.Fatal("the summary job did not finish within 2 minutes")
}

// TestSlurmChild is what the Slurm tasks of TestSlurmArrayAndSummary run: with
// --shard K/N it records its shard; without, it lists the recorded shards.
func TestSlurmChild(t *testing.T) {
	args := flag.Args()
	if len(args) == 0 {
		t.Skip("runs only as a Slurm task of TestSlurmArrayAndSummary")
	}
	dir := args[0]
	if len(args) == 3 && args[1] == "--shard" {
		sh, err := ParseShard(args[2])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "shard-"+fmt.Sprint(sh.K)), []byte(sh.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	var seen []string
	for k := 0; k < 4; k++ {
		if b, err := os.ReadFile(filepath.Join(dir, fmt.Sprint("shard-", k))); err == nil {
			seen = append(seen, string(b))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "summary"), []byte(strings.Join(seen, " ")), 0o644); err != nil {
		t.Fatal(err)
	}
}
