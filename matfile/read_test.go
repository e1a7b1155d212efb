package matfile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type expectedArray struct {
	Tensor string    `json:"tensor"`
	Rows   int       `json:"rows"`
	Cols   int       `json:"cols"`
	Data   []float64 `json:"data"`
}

// Every good file numpy wrote (testdata/generate.py) reads back exactly.
func TestReadNumpyFiles(t *testing.T) {
	raw, err := os.ReadFile("testdata/expected.json")
	if err != nil {
		t.Fatal(err)
	}
	var expected map[string][]expectedArray
	if err := json.Unmarshal(raw, &expected); err != nil {
		t.Fatal(err)
	}
	if len(expected) < 20 {
		t.Fatalf("only %d golden files", len(expected))
	}
	for file, arrays := range expected {
		t.Run(file, func(t *testing.T) {
			path := filepath.Join("testdata", file)
			got, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(arrays) {
				t.Fatalf("%d matrices, want %d", len(got), len(arrays))
			}
			for i, want := range arrays {
				m := got[i]
				wantName := path
				if want.Tensor != "" {
					wantName = path + ":" + want.Tensor
				}
				if m.Name != wantName || m.File != path || m.Tensor != want.Tensor {
					t.Errorf("name %q (%q, %q), want %q", m.Name, m.File, m.Tensor, wantName)
				}
				if m.Rows != want.Rows || m.Cols != want.Cols || !slices.Equal(m.Data, want.Data) {
					t.Errorf("%s: got %dx%d %v, want %dx%d %v", m.Name, m.Rows, m.Cols, m.Data, want.Rows, want.Cols, want.Data)
				}
			}
		})
	}
}

// Files numpy writes that the reader refuses, each with an error naming the
// file and, inside archives, the tensor.
func TestReadNumpyFilesRefused(t *testing.T) {
	tests := []struct {
		file, tensor string
		kind         error
		detail       string
	}{
		{"complex.npy", "", ErrUnsupportedDType, "complex"},
		{"object.npy", "", ErrUnsupportedDType, "Python objects"},
		{"strings.npy", "", ErrUnsupportedDType, "strings"},
		{"structured.npy", "", ErrUnsupportedDType, "structured"},
		{"longdouble.npy", "", ErrUnsupportedDType, "128-bit float"},
		{"vector.npy", "", ErrNot2D, "(4,)"},
		{"cube.npy", "", ErrNot2D, "(2, 2, 2)"},
		{"scalar.npy", "", ErrNot2D, "()"},
		{"no-entries.npy", "", ErrNot2D, "(0, 3) has no entries"},
		{"nan.npy", "", ErrNotFinite, "entry (1, 0) is NaN"},
		{"inf.npy", "", ErrNotFinite, "entry (0, 1) is -Inf"},
		{"nan-inside.npz", "bad", ErrNotFinite, "entry (0, 1) is +Inf"},
		{"not-npy-member.npz", "notes.txt", ErrBadHeader, "not a .npy"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			checkError(t, filepath.Join("testdata", tt.file), tt.tensor, tt.kind, tt.detail)
		})
	}
}

// checkError reads path and checks the error's kind, its file and tensor,
// and that its message names both and contains detail.
func checkError(t *testing.T, path, tensor string, kind error, detail string) {
	t.Helper()
	ms, err := Read(path)
	if err == nil {
		t.Fatalf("no error; read %d matrices", len(ms))
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not %v", err, kind)
	}
	if e.File != path || e.Tensor != tensor {
		t.Errorf("error names file %q tensor %q, want %q and %q", e.File, e.Tensor, path, tensor)
	}
	msg := err.Error()
	if !strings.Contains(msg, path) || !strings.Contains(msg, tensor) || !strings.Contains(msg, detail) {
		t.Errorf("message %q should name %q, %q and say %q", msg, path, tensor, detail)
	}
}

func TestRequireSquare(t *testing.T) {
	ms, err := ReadAll([]string{"testdata/square.npy", "testdata/stored.npz", "testdata/deflated.npz"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 5 {
		t.Fatalf("%d matrices, want 5", len(ms))
	}
	err = RequireSquare(ms)
	if !errors.Is(err, ErrNotSquare) {
		t.Fatalf("RequireSquare = %v", err)
	}
	for _, name := range []string{`stored.npz: tensor "first": matrix is not square: shape (3, 4)`, `deflated.npz: tensor "G"`} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q should mention %s", err, name)
		}
	}
	if strings.Contains(err.Error(), `"second"`) || strings.Contains(err.Error(), "square.npy") {
		t.Errorf("error %q names a square matrix", err)
	}
	if err := RequireSquare(ms[:1]); err != nil {
		t.Errorf("square.npy: %v", err)
	}
	if d := ms[0].Dense(); d.At(1, 2) != 0.125 || ms[0].At(2, 0) != 0.25 {
		t.Errorf("Dense/At disagree with the file")
	}
}
