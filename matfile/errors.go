package matfile

import (
	"errors"
	"fmt"
)

// The kinds of problem an *Error wraps; see the package documentation.
var (
	ErrEmptyFile        = errors.New("empty file")
	ErrTruncated        = errors.New("truncated file")
	ErrBadHeader        = errors.New("bad header")
	ErrUnsupportedDType = errors.New("unsupported dtype")
	ErrNot2D            = errors.New("not a 2-D matrix")
	ErrNotFinite        = errors.New("entry is not finite")
	ErrNotSquare        = errors.New("matrix is not square")
	ErrUnknownFormat    = errors.New("unknown file format")
)

// Error is a problem with one file, or one tensor in it.
type Error struct {
	File   string // the path as given
	Tensor string // the tensor within the file, "" for the whole file or a .npy
	Err    error  // wraps one of the Err* kinds
}

func (e *Error) Error() string {
	if e.Tensor == "" {
		return fmt.Sprintf("matfile: %s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("matfile: %s: tensor %q: %v", e.File, e.Tensor, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// fail returns an *Error for file and tensor wrapping kind, with details.
func fail(file, tensor string, kind error, format string, args ...any) *Error {
	return &Error{File: file, Tensor: tensor, Err: fmt.Errorf("%w: "+format, append([]any{kind}, args...)...)}
}
