package matfile

import (
	"bytes"
	"strings"

	"github.com/adafisher-go/landscape/rundir"
)

// ReadSafetensors reads every tensor of a safetensors file, in file order.
func ReadSafetensors(path string) ([]Matrix, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	f, err := rundir.DecodeBytes(b)
	if err != nil {
		return nil, fail(path, "", safetensorsErrorKind(err), "%v", err)
	}
	if len(f.Tensors) == 0 {
		return nil, fail(path, "", ErrEmptyFile, "the file holds no tensors")
	}
	out := make([]Matrix, 0, len(f.Tensors))
	for _, t := range f.Tensors {
		rows, cols, err := matrixShape(path, t.Name, t.Shape)
		if err != nil {
			return nil, err
		}
		data, err := t.Float64s()
		if err != nil {
			return nil, fail(path, t.Name, ErrUnsupportedDType, "%v", err)
		}
		m, err := newMatrix(path, t.Name, rows, cols, data)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// isSafetensors reports whether b looks like a safetensors file: an 8-byte
// header length followed by a JSON object.
func isSafetensors(b []byte) bool {
	return len(b) > 8 && bytes.HasPrefix(bytes.TrimLeft(b[8:], " "), []byte("{"))
}

// safetensorsErrorKind sorts an error of rundir.DecodeBytes into this package's
// kinds by its message (run does not export kinds).
func safetensorsErrorKind(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "unknown dtype"):
		return ErrUnsupportedDType
	case strings.Contains(msg, "truncated"), strings.Contains(msg, "shorter than"):
		return ErrTruncated
	}
	return ErrBadHeader
}
