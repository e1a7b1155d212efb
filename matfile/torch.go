package matfile

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/adafisher-go/landscape/torchfile"
)

// ReadTorch reads every tensor of the state_dict of a torch.save file (.pt,
// .pth: zip or legacy format, wrappers and a "module." prefix removed as
// torchfile.LoadStateDict does), in file order. Every tensor must be 2-D.
func ReadTorch(path string) ([]Matrix, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	ts, err := torchfile.DecodeStateDict(b)
	if err != nil {
		return nil, torchError(path, err)
	}
	out := make([]Matrix, 0, len(ts))
	for _, t := range ts {
		rows, cols, err := matrixShape(path, t.Name, t.Shape)
		if err != nil {
			return nil, err
		}
		m, err := newMatrix(path, t.Name, rows, cols, t.Float64s())
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// ReadTorchDump reads one file of the official AdaFisher analysis dumps
// (H_bar_resnet/H_bar_{step}.pkl or S_resnet/S_{step}.pkl), a pickled dict
// {module: matrix}. The matrices are named "INDEX:CLASS" by their position
// in the dict: the dumps hold no module names, and the S dict is in
// backward order (see torchfile.ReadDumps to pair the two by layer).
func ReadTorchDump(path string) ([]Matrix, error) {
	if _, err := readFile(path); err != nil {
		return nil, err
	}
	es, err := torchfile.ReadDumpFile(path)
	if err != nil {
		return nil, torchError(path, err)
	}
	out := make([]Matrix, 0, len(es))
	for _, e := range es {
		name := fmt.Sprintf("%d:%s", e.Index, e.Class)
		m, err := newMatrix(path, name, e.Matrix.Shape[0], e.Matrix.Shape[1], e.Matrix.Float64s())
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// torchError wraps an error of package torchfile as a bad header, keeping
// its kind (errors.Is(err, torchfile.ErrGlobal) still holds).
func torchError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "torchfile: ")
	msg = strings.TrimPrefix(msg, path+": ")
	return fail(path, "", ErrBadHeader, "%w", &torchErr{msg: msg, err: err})
}

// torchErr is a torchfile error with the file's name taken out of its
// message (the *Error names it).
type torchErr struct {
	msg string
	err error
}

func (e *torchErr) Error() string { return e.msg }
func (e *torchErr) Unwrap() error { return e.err }

// isTorchZip reports whether a zip archive is a torch.save file: its first
// record is ARCHIVE/data.pkl.
func isTorchZip(b []byte) bool {
	if len(b) < 30 {
		return false
	}
	n := int(binary.LittleEndian.Uint16(b[26:]))
	return len(b) >= 30+n && bytes.HasSuffix(b[30:30+n], []byte("/data.pkl"))
}
