package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Values out of range are refused up front, named by their flags and with
// the limit; a run whose loss turns NaN exits 1 saying where, unless
// --on-nan continue.
func TestSettingLimitsAndNaN(t *testing.T) {
	dir := t.TempDir()
	out := func(name string) string { return filepath.Join(dir, name) }
	diverge := []string{"train", "--optimizer", "sgd", "--lr", "1e150", "--steps", "30", "--checkpoint-every", "1"}
	cases := []struct {
		args    []string
		code    int
		message string
	}{
		{append(diverge, "--out", out("nan")), 1, "step 3 (epoch 1): non-finite value: the loss is NaN; training stopped. " + out("nan") +
			" keeps the checkpoint of step 2, the last good state, and the metrics up to step 2; --on-nan continue trains on regardless"},
		{append(diverge, "--on-nan", "continue", "--out", out("cont")), 0, "last batch loss NaN"},
		{[]string{"train", "--on-nan", "maybe", "--steps", "3", "--out", out("m")}, 1, `--on-nan "maybe", want stop or continue`},
		{[]string{"train", "--epochs", "-2", "--out", out("e")}, 1, "--epochs -2, want a number of epochs from 1 to 1000000"},
		{[]string{"train", "--epochs", "5000000", "--out", out("e")}, 1, "--epochs 5000000, want a number of epochs from 1 to 1000000"},
		{[]string{"train", "--steps", "3000000000", "--out", out("s")}, 1, "--steps 3000000000, want a number of steps from 1 to 2147483648"},
		{[]string{"train", "--steps", "200000", "--snapshot-every", "1", "--out", out("sn")}, 1,
			"--snapshot-every 1 writes 200001 snapshots in 200000 steps, more than the limit of 100000"},
		{[]string{"train", "--steps", "3", "--lr", "-1", "--out", out("l")}, 1, "--lr -1"},
		{[]string{"train", "--steps", "3", "--batch-size", "-1", "--out", out("b")}, 1, "--batch-size -1, want a positive size"},
		{[]string{"surface", out("none"), "--resolution", "317"}, 2, "--resolution 317 makes a plane of 317 x 317 points, more than the limit of 65536 (at most 256 per axis)"},
		{[]string{"surface", out("none"), "--mode", "line", "--resolution", "100000"}, 2, "--resolution 100000, more than the limit of 65536 points on a line"},
		{[]string{"surface", out("none"), "--resolution", "1"}, 2, "--resolution 1, want at least 2"},
		{[]string{"surface", out("none"), "--one-d", "half"}, 2, `--one-d "half"`},
		{[]string{"surface", out("none"), "--mode", "three", "--steps", "1,2"}, 2, "--mode three needs three checkpoints in --steps, got 2"},
		{[]string{"surface", out("none"), "--workers", "-1"}, 2, "--workers -1"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(c.args, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String()+stdout.String(), c.message) {
			t.Errorf("landscape %s: exit %d, want %d; output %q, want it to contain %q", strings.Join(c.args, " "), code, c.code, stderr.String()+stdout.String(), c.message)
		}
	}
	for _, name := range []string{"e", "s", "sn", "b", "none"} {
		if _, err := os.Stat(out(name)); err == nil {
			t.Errorf("%s was made by a command refused", out(name))
		}
	}
}
