package rundir

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

type stepRecord struct {
	Kind  string  `json:"kind"`
	Step  int     `json:"step"`
	Epoch int     `json:"epoch"`
	Loss  float64 `json:"loss"`
	LR    float64 `json:"lr"`
	TimeS float64 `json:"time_s"`
}

func TestMetricsWriteRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	m, err := OpenMetrics(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Path() != path {
		t.Errorf("Path() = %q", m.Path())
	}
	records := []any{
		stepRecord{"step", 1, 1, 2.25, 0.1, 0.5},
		map[string]any{"kind": "epoch", "epoch": 1, "train_loss": 0.75, "test_accuracy": 0.5, "note": "<a&b>"},
		&stepRecord{"step", 2, 1, 1e-7, 0.1, 1},
	}
	for _, r := range records {
		if err := m.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if !strings.Contains(string(raw), `"note":"<a&b>"`) || strings.Count(string(raw), "\n") != 3 {
		t.Errorf("file:\n%s", raw)
	}

	// Reopening appends.
	m, _ = OpenMetrics(path)
	m.Write(map[string]int{"step": 3})
	m.Close()

	got, err := ReadMetrics(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"kind": "step", "step": 1.0, "epoch": 1.0, "loss": 2.25, "lr": 0.1, "time_s": 0.5},
		{"kind": "epoch", "epoch": 1.0, "train_loss": 0.75, "test_accuracy": 0.5, "note": "<a&b>"},
		{"kind": "step", "step": 2.0, "epoch": 1.0, "loss": 1e-7, "lr": 0.1, "time_s": 1.0},
		{"step": 3.0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ReadMetrics =\n%v\nwant\n%v", got, want)
	}
}

func TestMetricsWriteRejects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	m, err := OpenMetrics(path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"number", 5, "not a JSON object"},
		{"array", []int{1}, "not a JSON object"},
		{"nil", nil, "not a JSON object"},
		{"nil map", map[string]any(nil), "not a JSON object"},
		{"NaN", map[string]float64{"loss": math.NaN()}, "unsupported value: NaN"},
		{"Inf", stepRecord{Loss: math.Inf(1)}, "unsupported value: +Inf"},
		{"channel", map[string]any{"c": make(chan int)}, "unsupported type"},
	}
	for _, tt := range tests {
		err := m.Write(tt.v)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: Write error %v, want one containing %q and the path", tt.name, err, tt.want)
		}
	}
	if raw, _ := os.ReadFile(path); len(raw) != 0 {
		t.Errorf("rejected records wrote %q", raw)
	}
	m.Close()
	if err := m.Write(map[string]int{"a": 1}); err == nil {
		t.Error("Write after Close succeeded")
	}
}

func TestReadMetrics(t *testing.T) {
	tests := []struct {
		name    string
		content string
		n       int    // records expected
		wantErr string // "" for no error
	}{
		{"empty", "", 0, ""},
		{"two lines", "{\"a\":1}\n{\"a\":2}\n", 2, ""},
		{"crash mid-write", "{\"a\":1}\n{\"a\":2}\n{\"a\":", 2, ""},
		{"complete object without newline", "{\"a\":1}\n{\"a\":2}", 1, ""},
		{"only a partial line", "{\"loss\":0.", 0, ""},
		{"blank lines", "\n{\"a\":1}\n  \n{\"a\":2}\r\n", 2, ""},
		{"bad line in the middle", "{\"a\":1}\n{\"a\":\n{\"a\":3}\n", 0, "line 2"},
		{"bad last line with newline", "{\"a\":1}\n{oops}\n", 0, "line 2"},
		{"array line", "[1,2]\n", 0, "line 1"},
		{"null line", "{}\n{}\nnull\n", 0, "line 3: null is not a JSON object"},
		{"two objects on a line", "{\"a\":1}{\"a\":2}\n", 0, "line 1"},
		{"NaN literal", "{\"loss\":NaN}\n", 0, "line 1"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "metrics.jsonl")
		os.WriteFile(path, []byte(tt.content), 0o644)
		recs, err := ReadMetrics(path)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.wantErr == "" && len(recs) != tt.n:
			t.Errorf("%s: %d records, want %d", tt.name, len(recs), tt.n)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), path)):
			t.Errorf("%s: error %v, want one naming %s and containing %q", tt.name, err, path, tt.wantErr)
		}
	}
	_, err := ReadMetrics(filepath.Join(t.TempDir(), "none.jsonl"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadMetrics(missing) = %v", err)
	}
}

func TestOpenMetricsCutsPartialLine(t *testing.T) {
	long := strings.Repeat("x", 200<<10) // longer than the backward-scan chunk
	tests := []struct {
		name    string
		content string
		after   string // file content after OpenMetrics and one Write
	}{
		{"clean", "{\"a\":1}\n", "{\"a\":1}\n{\"b\":2}\n"},
		{"partial", "{\"a\":1}\n{\"a\":", "{\"a\":1}\n{\"b\":2}\n"},
		{"only partial", "{\"a\":", "{\"b\":2}\n"},
		{"long partial", "{\"a\":1}\n{\"s\":\"" + long, "{\"a\":1}\n{\"b\":2}\n"},
		{"long complete line", "{\"s\":\"" + long + "\"}\n", "{\"s\":\"" + long + "\"}\n{\"b\":2}\n"},
		{"new file", "", "{\"b\":2}\n"},
	}
	for _, tt := range tests {
		path := filepath.Join(t.TempDir(), "metrics.jsonl")
		if tt.content != "" {
			os.WriteFile(path, []byte(tt.content), 0o644)
		}
		m, err := OpenMetrics(path)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		m.Write(map[string]int{"b": 2})
		m.Close()
		if got, _ := os.ReadFile(path); string(got) != tt.after {
			t.Errorf("%s: file %.80q..., want %.80q...", tt.name, got, tt.after)
		}
		if _, err := ReadMetrics(path); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestTruncateMetrics(t *testing.T) {
	content := "{\"kind\":\"step\",\"step\":1,\"lr\":1e-05,\"z\":0}\n" +
		"{\"kind\":\"epoch\",\"epoch\":1}\n" +
		"{\"z\":9,\"kind\":\"step\",\"step\":2,\"big\":12345678901234567890}\n" +
		"{\"kind\":\"step\",\"step\":3}\n" +
		"{\"kind\":\"step\",\"st"
	tests := []struct {
		name string
		keep func(map[string]any) bool
		want string
	}{
		{"up to step 2", func(r map[string]any) bool {
			s, ok := r["step"].(float64)
			return !ok || s <= 2
		}, "{\"kind\":\"step\",\"step\":1,\"lr\":1e-05,\"z\":0}\n" +
			"{\"kind\":\"epoch\",\"epoch\":1}\n" +
			"{\"z\":9,\"kind\":\"step\",\"step\":2,\"big\":12345678901234567890}\n"},
		{"keep all", func(map[string]any) bool { return true }, content[:strings.LastIndex(content, "\n")+1]},
		{"keep none", func(map[string]any) bool { return false }, ""},
		{"epochs only", func(r map[string]any) bool { return r["kind"] == "epoch" }, "{\"kind\":\"epoch\",\"epoch\":1}\n"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		path := filepath.Join(dir, "metrics.jsonl")
		os.WriteFile(path, []byte(content), 0o644)
		if err := TruncateMetrics(path, tt.keep); err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got, _ := os.ReadFile(path); string(got) != tt.want {
			t.Errorf("%s: file\n%s\nwant\n%s", tt.name, got, tt.want)
		}
		if names := entries(t, dir); len(names) != 1 {
			t.Errorf("%s: directory holds %v", tt.name, names)
		}
	}

	// A bad line aborts without touching the file.
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	bad := "{\"a\":1}\nnot json\n"
	os.WriteFile(path, []byte(bad), 0o644)
	if err := TruncateMetrics(path, func(map[string]any) bool { return true }); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("TruncateMetrics on a bad file: %v", err)
	}
	if got, _ := os.ReadFile(path); string(got) != bad {
		t.Errorf("bad file changed to %q", got)
	}
	if err := TruncateMetrics(filepath.Join(t.TempDir(), "none"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("TruncateMetrics(missing) = %v", err)
	}
}

func TestMetricsConcurrentWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	m, err := OpenMetrics(path)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				if err := m.Write(map[string]int{"g": g, "i": i}); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	m.Close()
	recs, err := ReadMetrics(path)
	if err != nil || len(recs) != 800 {
		t.Errorf("%d records, %v; want 800", len(recs), err)
	}
}
