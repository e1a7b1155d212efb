package matfile_test

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/matfile"
)

// The fuzz targets feed outside files to each reader. The properties: no input
// panics or hangs; a reader allocates at most a small multiple of the bytes it
// decodes (a header that claims a huge array in a short file must not make it
// allocate one); an error is an *Error naming the file and wrapping one of the
// Err* kinds; an accepted file gives 2-D matrices of finite entries. Run one
// for a while with
//
//	go test -run XXX -fuzz FuzzReadNPY -fuzztime 30s ./matfile
//
// and scripts/fuzz.sh runs them all.

// fuzzAllocBound is the most a reader may allocate for n bytes: every
// element becomes a float64, so a file of bytes (bool, int8) takes 8 times
// its size as matrices.
func fuzzAllocBound(n int) uint64 { return 64*uint64(n) + 1<<20 }

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

var errKinds = []error{
	matfile.ErrEmptyFile, matfile.ErrTruncated, matfile.ErrBadHeader, matfile.ErrUnsupportedDType,
	matfile.ErrNot2D, matfile.ErrNotFinite, matfile.ErrNotSquare, matfile.ErrUnknownFormat,
}

// fuzzRead runs read on b written to path and checks the properties; size is
// the number of bytes the file decodes to (its own size but for archives).
func fuzzRead(t *testing.T, path string, b []byte, size int, read func(string) ([]matfile.Matrix, error)) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	var ms []matfile.Matrix
	var err error
	if n := allocated(func() { ms, err = read(path) }); n > fuzzAllocBound(size) {
		t.Fatalf("%d bytes allocated for a file of %d (decoded) bytes", n, size)
	}
	if err != nil {
		var me *matfile.Error
		if !errors.As(err, &me) || me.File != path || !strings.Contains(err.Error(), path) {
			t.Fatalf("error is not an *Error naming %s: %v", path, err)
		}
		known := false
		for _, k := range errKinds {
			known = known || errors.Is(err, k)
		}
		if !known && !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("error wraps no kind: %v", err)
		}
		return
	}
	if len(ms) == 0 {
		t.Fatal("no matrices and no error")
	}
	for _, m := range ms {
		if m.Rows <= 0 || m.Cols <= 0 || len(m.Data) != m.Rows*m.Cols || m.File != path {
			t.Fatalf("matrix %q: %dx%d with %d entries, file %q", m.Name, m.Rows, m.Cols, len(m.Data), m.File)
		}
		for _, v := range m.Data {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("matrix %q holds %v", m.Name, v)
			}
		}
	}
}

// addFiles adds the test files matching pattern to the seed corpus.
func addFiles(f *testing.F, pattern string) {
	names, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// npyBytes encodes a version 1.0 .npy file with the given header dictionary.
func npyBytes(header string, payload []byte) []byte {
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	return append(append(b, header...), payload...)
}

func FuzzReadNPY(f *testing.F) {
	addFiles(f, "*.npy")
	eight := make([]byte, 8)
	for _, h := range []string{
		"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 2), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (9223372036854775807, 9223372036854775807), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999, 1), }",
		"{'descr': '<f8', 'fortran_order': True, 'shape': (-1, 1), }",
		"{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': ((((((((1,),),),),),),), 1), }",
		"{'descr': '<f8', 'fortran_order': False, 'shape': (1, 1), 'descr': 'x'}",
		"{'descr': '<f8'",
	} {
		f.Add(npyBytes(h, eight))
	}
	f.Add([]byte("\x93NUM"))
	f.Add([]byte("\x93NUMPY\x02\x00\xff\xff\xff\xff{"))
	path := filepath.Join(f.TempDir(), "a.npy")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzRead(t, path, b, len(b), matfile.ReadNPY)
	})
}

func FuzzReadNPZ(f *testing.F) {
	addFiles(f, "*.npz")
	for _, deflate := range []bool{false, true} {
		var buf bytes.Buffer
		z := zip.NewWriter(&buf)
		method := zip.Store
		if deflate {
			method = zip.Deflate
		}
		w, _ := z.CreateHeader(&zip.FileHeader{Name: "m.npy", Method: method})
		w.Write(npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", make([]byte, 16)))
		w, _ = z.CreateHeader(&zip.FileHeader{Name: "dir/", Method: zip.Store})
		z.Close()
		f.Add(buf.Bytes())
	}
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("PK\x05\x06" + strings.Repeat("\x00", 18)))
	path := filepath.Join(f.TempDir(), "a.npz")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzRead(t, path, b, len(b)+zipContentSize(b), matfile.ReadNPZ)
	})
}

// zipContentSize is the uncompressed size of b's members as far as they
// decompress (a member may expand a thousandfold, legitimately).
func zipContentSize(b []byte) int {
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return 0
	}
	var n int64
	buf := make([]byte, 32<<10)
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			continue
		}
		for n < 1<<31 {
			k, err := r.Read(buf)
			n += int64(k)
			if err != nil {
				break
			}
		}
		r.Close()
	}
	return int(n)
}

// safetensorsBytes encodes a safetensors file with the given header.
func safetensorsBytes(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func FuzzReadSafetensors(f *testing.F) {
	for _, s := range []struct{ header, data string }{
		{`{"a":{"dtype":"F64","shape":[1,1],"data_offsets":[0,8]}}`, "\x00\x00\x00\x00\x00\x00\xf0\x3f"},
		{`{"__metadata__":{"k":"v"},"a":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]},"b":{"dtype":"BF16","shape":[1,1],"data_offsets":[8,10]}}`, "\x00\x00\x80\x3f\x00\x00\x00\x40\x80\x3f"},
		{`{"a":{"dtype":"U8","shape":[2,2],"data_offsets":[0,4]}}`, "\x01\x02\x03\x04"},
		{`{"a":{"dtype":"F64","shape":[3],"data_offsets":[0,24]}}`, strings.Repeat("\x00", 24)},
		{`{"a":{"dtype":"F64","shape":[9223372036854775807,2],"data_offsets":[0,8]}}`, strings.Repeat("\x00", 8)},
		{`{"a":{"dtype":"F16","shape":[1,1],"data_offsets":[0,2]}}`, "\x00\x7c"},
		{`{"a":{"dtype":"BOOL","shape":[1,1],"data_offsets":[0,1]}}`, "\x01"},
		{`{}`, ""},
	} {
		f.Add(safetensorsBytes(s.header, []byte(s.data)))
	}
	f.Add([]byte("\xff\xff\xff\xff\xff\xff\xff\x7f{}"))
	path := filepath.Join(f.TempDir(), "a.safetensors")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzRead(t, path, b, len(b), matfile.ReadSafetensors)
	})
}

// FuzzRead reads files without a telling extension, recognised by their first
// bytes.
func FuzzRead(f *testing.F) {
	addFiles(f, "square.npy")
	addFiles(f, "stored.npz")
	f.Add(safetensorsBytes(`{"a":{"dtype":"I64","shape":[1,1],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add([]byte("plain text"))
	path := filepath.Join(f.TempDir(), "matrix.bin")
	f.Fuzz(func(t *testing.T, b []byte) {
		fuzzRead(t, path, b, len(b)+zipContentSize(b), matfile.Read)
	})
}

// A header of millions of '(' once recursed until Go's stack limit, a fatal
// error that no recover catches (found by reasoning about FuzzReadNPY, whose
// inputs stay too small to reach it). It is now an ErrBadHeader.
func TestReadNPYDeepNesting(t *testing.T) {
	header := "{'descr': '<f8', 'fortran_order': False, 'shape': " + strings.Repeat("(", 4<<20)
	b := []byte("\x93NUMPY\x02\x00")
	b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	path := filepath.Join(t.TempDir(), "deep.npy")
	if err := os.WriteFile(path, append(b, header...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := matfile.ReadNPY(path)
	if !errors.Is(err, matfile.ErrBadHeader) || !strings.Contains(err.Error(), "nested") {
		t.Fatalf("got %v, want a bad header nested too deep", err)
	}
}
