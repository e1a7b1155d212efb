package rundir

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// MetricsTail returns exactly what follows the last newline, however far
// back it starts.
func TestMetricsTail(t *testing.T) {
	dir := t.TempDir()
	long := string(make([]byte, 70<<10)) // longer than one read chunk
	for _, c := range []struct{ content, tail string }{
		{"", ""},
		{"{\"a\":1}\n", ""},
		{"{\"a\":1}\n{\"b\":", "{\"b\":"},
		{"no newline at all", "no newline at all"},
		{"{}\n" + long, long},
	} {
		path := filepath.Join(dir, "m.jsonl")
		os.WriteFile(path, []byte(c.content), 0o644)
		got, err := MetricsTail(path)
		if err != nil || string(got) != c.tail {
			t.Errorf("%.20q: tail %.20q (%d bytes), %v; want %.20q (%d bytes)", c.content, got, len(got), err, c.tail, len(c.tail))
		}
	}
	if got, err := MetricsTail(filepath.Join(dir, "none")); err != nil || len(got) != 0 {
		t.Errorf("a missing file: %q, %v", got, err)
	}
}

// RemoveTemps removes the temporary files of atomic writes and nothing else.
func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{".checkpoint.safetensors.tmp-123", ".run.json.tmp-9", "run.json", ".hidden", "step-000001.safetensors"} {
		os.WriteFile(filepath.Join(dir, name), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, ".x.tmp-dir"), 0o755)
	removed := RemoveTemps(dir)
	slices.Sort(removed)
	want := []string{filepath.Join(dir, ".checkpoint.safetensors.tmp-123"), filepath.Join(dir, ".run.json.tmp-9")}
	if !slices.Equal(removed, want) {
		t.Errorf("removed %v, want %v", removed, want)
	}
	left, _ := os.ReadDir(dir)
	var names []string
	for _, e := range left {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{".hidden", ".x.tmp-dir", "run.json", "step-000001.safetensors"}) {
		t.Errorf("left %v", names)
	}
}
