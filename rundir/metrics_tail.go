package rundir

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// MetricsTail returns what follows the last newline of the metrics file at
// path: the start of a record whose write a crash cut short (nil when the
// file ends with a whole line or does not exist). OpenMetrics and
// TruncateMetrics drop it; a caller that repairs a file reports it with this.
func MetricsTail(path string) ([]byte, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	var tail []byte
	chunk := make([]byte, 64<<10)
	for pos := fi.Size(); pos > 0; {
		n := min(int64(len(chunk)), pos)
		pos -= n
		if _, err := f.ReadAt(chunk[:n], pos); err != nil {
			return nil, fmt.Errorf("metrics: read %s: %w", path, err)
		}
		if i := bytes.LastIndexByte(chunk[:n], '\n'); i >= 0 {
			return append(bytes.Clone(chunk[i+1:n]), tail...), nil
		}
		tail = append(bytes.Clone(chunk[:n]), tail...)
	}
	return tail, nil
}
