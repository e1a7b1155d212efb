package cluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Scripts are the two sbatch scripts of a job, written to disk.
type Scripts struct {
	Array, Summary string // paths
}

// WriteScripts writes the array and summary scripts of j into dir as
// NAME.sbatch and NAME-summary.sbatch (each written to a temporary name and
// renamed) and returns their paths.
func WriteScripts(dir string, j Job) (Scripts, error) {
	arr, err := ArrayScript(j)
	if err != nil {
		return Scripts{}, err
	}
	sum, err := SummaryScript(j)
	if err != nil {
		return Scripts{}, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Scripts{}, err
	}
	s := Scripts{Array: filepath.Join(dir, j.Name+".sbatch"), Summary: filepath.Join(dir, j.Name+"-summary.sbatch")}
	for _, f := range []struct{ path, text string }{{s.Array, arr}, {s.Summary, sum}} {
		tmp := f.path + ".tmp"
		if err := os.WriteFile(tmp, []byte(f.text), 0o755); err != nil {
			return Scripts{}, err
		}
		if err := os.Rename(tmp, f.path); err != nil {
			return Scripts{}, err
		}
	}
	return s, nil
}

// Submitted are the ids of a submitted job's array and summary jobs.
type Submitted struct {
	Array, Summary string
}

// Submit runs sbatch on the array script, then on the summary script with
// --dependency=afterok on the array, and returns both job ids. sbatch is
// looked up on PATH.
func Submit(ctx context.Context, s Scripts) (Submitted, error) {
	arr, err := sbatch(ctx, s.Array)
	if err != nil {
		return Submitted{}, err
	}
	sum, err := sbatch(ctx, "--dependency=afterok:"+arr, s.Summary)
	if err != nil {
		return Submitted{Array: arr}, fmt.Errorf("array job %s submitted, summary job not: %w", arr, err)
	}
	return Submitted{Array: arr, Summary: sum}, nil
}

func sbatch(ctx context.Context, args ...string) (string, error) {
	path, err := exec.LookPath("sbatch")
	if err != nil {
		return "", fmt.Errorf("sbatch not found on PATH: submit from a Slurm login node, or run the written scripts there")
	}
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, path, append([]string{"--parsable"}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("sbatch %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return ParseJobID(out.String())
}

// ParseJobID reads the output of sbatch --parsable: "ID" or "ID;CLUSTER".
func ParseJobID(out string) (string, error) {
	line := strings.TrimSpace(out)
	if i := strings.LastIndexByte(line, '\n'); i >= 0 {
		line = strings.TrimSpace(line[i+1:])
	}
	id, _, _ := strings.Cut(line, ";")
	if id == "" || strings.Trim(id, "0123456789_") != "" {
		return "", fmt.Errorf("sbatch printed %q, want a job id", strings.TrimSpace(out))
	}
	return id, nil
}
