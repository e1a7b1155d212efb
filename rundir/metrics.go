package rundir

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// MetricsWriter appends records to a JSON Lines file (metrics.jsonl): one
// compact JSON object per line, each written with a single write call on a
// file opened with O_APPEND, so a crash leaves at most the last line
// incomplete. It is safe for concurrent use.
type MetricsWriter struct {
	mu   sync.Mutex
	f    *os.File
	path string
	buf  bytes.Buffer
	enc  *json.Encoder
}

// OpenMetrics opens the metrics file at path for appending, creating it (mode
// 0644) if needed. If the file ends in an incomplete line, left by a crash in
// the middle of a write, that line is cut off first, so that the next record
// starts on a line of its own; ReadMetrics ignores such a line anyway.
func OpenMetrics(path string) (*MetricsWriter, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	if err := cutPartialLine(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("metrics: open %s: %w", path, err)
	}
	m := &MetricsWriter{f: f, path: path}
	m.enc = json.NewEncoder(&m.buf)
	m.enc.SetEscapeHTML(false)
	return m, nil
}

// cutPartialLine truncates f just after its last newline (to empty if it has
// none).
func cutPartialLine(f *os.File) error {
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	end := fi.Size()
	chunk := make([]byte, 64<<10)
	for pos := end; pos > 0; {
		n := min(int64(len(chunk)), pos)
		pos -= n
		if _, err := f.ReadAt(chunk[:n], pos); err != nil {
			return err
		}
		if i := bytes.LastIndexByte(chunk[:n], '\n'); i >= 0 {
			if keep := pos + int64(i) + 1; keep != end {
				return f.Truncate(keep)
			}
			return nil
		}
	}
	if end > 0 {
		return f.Truncate(0)
	}
	return nil
}

// Path returns the path of the file being written.
func (m *MetricsWriter) Path() string { return m.path }

// Write appends v as one line. v must marshal to a JSON object (a struct or a
// map); HTML characters are not escaped. encoding/json cannot represent NaN or
// ±Inf, so a record holding such a float64 is an error and nothing is written:
// callers logging a loss that may diverge should check math.IsNaN and
// math.IsInf and record, say, null (a nil pointer or any(nil)) instead.
func (m *MetricsWriter) Write(v any) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buf.Reset()
	if err := m.enc.Encode(v); err != nil {
		return fmt.Errorf("metrics: write %s: %w", m.path, err)
	}
	line := m.buf.Bytes()
	if line[0] != '{' {
		return fmt.Errorf("metrics: write %s: record %s is not a JSON object", m.path, bytes.TrimSpace(line))
	}
	if _, err := m.f.Write(line); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// Sync commits the records written so far to stable storage.
func (m *MetricsWriter) Sync() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.f.Sync(); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// Close closes the file. It does not sync; call Sync first where durability
// matters.
func (m *MetricsWriter) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.f.Close(); err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// ReadMetrics reads every record of the metrics file at path, in file order,
// decoded as encoding/json decodes into map[string]any (numbers are float64).
// Blank lines and an incomplete final line are skipped as by ReadRecords.
//
// Deprecated: use ReadRecords or Dir.Metrics, whose typed records make a
// renamed field a compile error rather than a silent NaN.
func ReadMetrics(path string) ([]map[string]any, error) {
	lines, nums, err := readLines(path)
	if err != nil {
		return nil, err
	}
	recs := make([]map[string]any, 0, len(lines))
	for i, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			return nil, fmt.Errorf("metrics: read %s: line %d: %v", path, nums[i], err)
		}
		if rec == nil {
			return nil, fmt.Errorf("metrics: read %s: line %d: null is not a JSON object", path, nums[i])
		}
		recs = append(recs, rec)
	}
	return recs, nil
}

// readLines returns the non-blank complete lines of the file, trimmed, and
// their 1-based line numbers.
func readLines(path string) ([][]byte, []int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: %w", err)
	}
	defer f.Close()
	var (
		lines [][]byte
		nums  []int
	)
	r := bufio.NewReaderSize(f, 64<<10)
	for lineNo := 1; ; lineNo++ {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			break // an incomplete final line, or nothing
		}
		if err != nil {
			return nil, nil, fmt.Errorf("metrics: read %s: %w", path, err)
		}
		trimmed := bytes.TrimSpace(line)
		if len(trimmed) == 0 {
			continue
		}
		lines = append(lines, trimmed)
		nums = append(nums, lineNo)
	}
	return lines, nums, nil
}

// TruncateRecords rewrites the metrics file at path, atomically (see
// WriteFileAtomic), keeping only the records for which keep returns true, in
// order and byte for byte as they were written. An incomplete final line is
// dropped. On resume it removes the records logged after the checkpoint the
// run restarts from.
//
// Call it before OpenMetrics: a MetricsWriter already open on path would go on
// writing to the replaced file.
func TruncateRecords(path string, keep func(Record) bool) error {
	lines, nums, err := readLines(path)
	if err != nil {
		return err
	}
	keepLine := make([]bool, len(lines))
	for i, line := range lines {
		r, err := decodeRecord(line, nums[i])
		if err != nil {
			return fmt.Errorf("metrics: read %s: line %d: %v", path, nums[i], err)
		}
		keepLine[i] = keep(r)
	}
	return rewriteLines(path, lines, keepLine)
}

// TruncateMetrics is TruncateRecords with each record as ReadMetrics returns
// it.
//
// Deprecated: use TruncateRecords.
func TruncateMetrics(path string, keep func(map[string]any) bool) error {
	recs, err := ReadMetrics(path)
	if err != nil {
		return err
	}
	lines, _, err := readLines(path)
	if err != nil {
		return err
	}
	keepLine := make([]bool, len(lines))
	for i, r := range recs {
		keepLine[i] = keep(r)
	}
	return rewriteLines(path, lines, keepLine)
}

func rewriteLines(path string, lines [][]byte, keep []bool) error {
	err := WriteFileAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		for i, line := range lines {
			if keep[i] {
				bw.Write(line)
				bw.WriteByte('\n')
			}
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}
