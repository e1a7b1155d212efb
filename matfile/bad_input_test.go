package matfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/rundir"
)

// npyFile builds .npy bytes by hand: magic, version, header length, the
// header dictionary padded with spaces to a multiple of 64 bytes, and data.
func npyFile(major byte, header string, data []byte) []byte {
	lenBytes := 2
	if major > 1 {
		lenBytes = 4
	}
	prefix := 8 + lenBytes
	total := (prefix + len(header) + 1 + 63) / 64 * 64
	header += string(bytes.Repeat([]byte(" "), total-prefix-len(header)-1)) + "\n"
	b := append([]byte(npyMagic), major, 0)
	if lenBytes == 2 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(header)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(header)))
	}
	return append(append(b, header...), data...)
}

func float64Bytes(vs ...float64) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}

func writeFile(t *testing.T, name string, b []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func npzFile(t *testing.T, method uint16, members map[string][]byte, order ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, name := range order {
		w, err := z.CreateHeader(&zip.FileHeader{Name: name, Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(members[name])
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const header2x2 = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }"

func TestHandWrittenNPY(t *testing.T) {
	data := float64Bytes(1, 2, 3, 4)
	tests := []struct {
		name   string
		file   []byte
		rows   int
		cols   int
		values []float64
	}{
		{"version 1", npyFile(1, header2x2, data), 2, 2, []float64{1, 2, 3, 4}},
		{"version 2", npyFile(2, header2x2, data), 2, 2, []float64{1, 2, 3, 4}},
		{"version 3", npyFile(3, header2x2, data), 2, 2, []float64{1, 2, 3, 4}},
		{"fortran", npyFile(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", data), 2, 2, []float64{1, 3, 2, 4}},
		{"fortran 1x4", npyFile(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (1, 4), }", data), 1, 4, []float64{1, 2, 3, 4}},
		{"keys reordered, double quotes, no trailing comma", npyFile(1, `{"shape": (2,2), "fortran_order": False, "descr": "<f8"}`, data), 2, 2, []float64{1, 2, 3, 4}},
		{"python 2 long dimensions", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2L, 2L), }", data), 2, 2, []float64{1, 2, 3, 4}},
		{"native byte order", npyFile(1, "{'descr': '=f8', 'fortran_order': False, 'shape': (2, 2), }", data), 2, 2, []float64{1, 2, 3, 4}},
		{"trailing bytes ignored", npyFile(1, header2x2, append(data, 9, 9)), 2, 2, []float64{1, 2, 3, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms, err := Read(writeFile(t, "m.npy", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			m := ms[0]
			if m.Rows != tt.rows || m.Cols != tt.cols || !equal(m.Data, tt.values) {
				t.Errorf("got %dx%d %v, want %dx%d %v", m.Rows, m.Cols, m.Data, tt.rows, tt.cols, tt.values)
			}
		})
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBadNPY(t *testing.T) {
	data := float64Bytes(1, 2, 3, 4)
	good := npyFile(1, header2x2, data)
	tests := []struct {
		name   string
		file   []byte
		kind   error
		detail string
	}{
		{"empty", nil, ErrEmptyFile, "0 bytes"},
		{"inside magic", []byte("\x93NUM"), ErrTruncated, "magic"},
		{"bad magic", []byte("PK\x03\x04 not numpy at all"), ErrBadHeader, "magic"},
		{"no version", []byte(npyMagic + "\x01"), ErrTruncated, "version"},
		{"version 4", npyFile(4, header2x2, data), ErrBadHeader, "version 4.0"},
		{"cut in header length", good[:9], ErrTruncated, "header length"},
		{"cut in header", good[:40], ErrTruncated, "header needs"},
		{"cut in data", good[:len(good)-1], ErrTruncated, "needs 32 data bytes, the file has 31"},
		{"no data", good[:len(good)-32], ErrTruncated, "the file has 0"},
		{"header not a dict", npyFile(1, "('<f8', False, (2, 2))", data), ErrBadHeader, "not a dictionary"},
		{"header garbage", npyFile(1, "{'descr': <f8}", data), ErrBadHeader, "unexpected"},
		{"missing shape", npyFile(1, "{'descr': '<f8', 'fortran_order': False}", data), ErrBadHeader, "'shape'"},
		{"missing descr", npyFile(1, "{'fortran_order': False, 'shape': (2, 2)}", data), ErrBadHeader, "'descr'"},
		{"negative dimension", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-2, 2), }", data), ErrBadHeader, "dimension -2"},
		{"huge shape", npyFile(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", data), ErrTruncated, "needs"},
		{"complex64", npyFile(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1, 2), }", data), ErrUnsupportedDType, "complex"},
		{"datetime", npyFile(1, "{'descr': '<M8', 'fortran_order': False, 'shape': (1, 2), }", data), ErrUnsupportedDType, "dates"},
		{"f3", npyFile(1, "{'descr': '<f3', 'fortran_order': False, 'shape': (1, 2), }", data), ErrUnsupportedDType, "24-bit"},
		{"no size", npyFile(1, "{'descr': '<f', 'fortran_order': False, 'shape': (1, 2), }", data), ErrUnsupportedDType, "not a numeric type"},
		{"NaN", npyFile(1, header2x2, float64Bytes(1, 2, math.NaN(), 4)), ErrNotFinite, "entry (1, 0) is NaN"},
		{"Inf", npyFile(1, header2x2, float64Bytes(1, 2, 3, math.Inf(1))), ErrNotFinite, "entry (1, 1) is +Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, writeFile(t, "bad.npy", tt.file), "", tt.kind, tt.detail)
		})
	}
}

func TestNPZ(t *testing.T) {
	a := npyFile(1, header2x2, float64Bytes(1, 2, 3, 4))
	b := npyFile(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }", []byte{0, 0, 0x80, 0x3f, 0, 0, 0, 0x40})
	for _, method := range []uint16{zip.Store, zip.Deflate} {
		file := npzFile(t, method, map[string][]byte{"A.npy": a, "dir/G.npy": b}, "A.npy", "dir/G.npy")
		path := writeFile(t, "both.npz", file)
		ms, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2 || ms[0].Name != path+":A" || ms[1].Name != path+":dir/G" || !equal(ms[1].Data, []float64{1, 2}) {
			t.Errorf("method %d: got %+v", method, ms)
		}

		bad := npzFile(t, method, map[string][]byte{"A.npy": a, "B.npy": a[:len(a)-3]}, "A.npy", "B.npy")
		checkError(t, writeFile(t, "bad.npz", bad), "B", ErrTruncated, "needs 32 data bytes")
		empty := npzFile(t, method, map[string][]byte{"E.npy": nil}, "E.npy")
		checkError(t, writeFile(t, "empty-member.npz", empty), "E", ErrEmptyFile, "0 bytes")
	}
	whole := npzFile(t, zip.Deflate, map[string][]byte{"A.npy": a}, "A.npy")
	tests := []struct {
		name   string
		file   []byte
		kind   error
		detail string
	}{
		{"empty file", nil, ErrEmptyFile, "0 bytes"},
		{"no members", npzFile(t, zip.Store, nil), ErrEmptyFile, "no arrays"},
		{"truncated archive", whole[:len(whole)-10], ErrTruncated, "zip"},
		{"not a zip", []byte("hello, world"), ErrBadHeader, "not a .npz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkError(t, writeFile(t, "x.npz", tt.file), "", tt.kind, tt.detail)
		})
	}
}

func TestSafetensors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "factors.safetensors")
	tensors := []rundir.Tensor{
		rundir.FromFloat64("fc1.A", []int{2, 2}, []float64{1, 0.5, 0.5, 2}),
		rundir.FromFloat32("fc1.G", []int{1, 3}, []float32{1, 2, 3}),
		{Name: "half", DType: rundir.F16, Shape: []int{1, 2}, Data: []byte{0x00, 0x3c, 0x00, 0xc0}}, // 1, -2
		{Name: "brain", DType: rundir.BF16, Shape: []int{1, 1}, Data: []byte{0x80, 0x3f}},           // 1
		rundir.FromInt64("count", []int{1, 2}, []int64{-3, 7}),
	}
	if err := rundir.Write(path, tensors, nil); err != nil {
		t.Fatal(err)
	}
	ms, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{1, 0.5, 0.5, 2}, {1, 2, 3}, {1, -2}, {1}, {-3, 7}}
	for i, m := range ms {
		if m.Name != path+":"+tensors[i].Name || !equal(m.Data, want[i]) || m.Rows != tensors[i].Shape[0] {
			t.Errorf("tensor %d: %+v", i, m)
		}
	}
	checkSquare := RequireSquare(ms)
	if checkSquare == nil || !bytes.Contains([]byte(checkSquare.Error()), []byte(`"fc1.G"`)) {
		t.Errorf("RequireSquare = %v", checkSquare)
	}

	for _, tc := range []struct {
		name, tensor string
		t            rundir.Tensor
		kind         error
		detail       string
	}{
		{"vector", "bias", rundir.FromFloat64("bias", []int{3}, []float64{1, 2, 3}), ErrNot2D, "(3,)"},
		{"NaN", "fc.A", rundir.FromFloat32("fc.A", []int{2, 2}, []float32{1, float32(math.NaN()), 0, 1}), ErrNotFinite, "entry (0, 1) is NaN"},
		{"Inf", "fc.G", rundir.FromFloat64("fc.G", []int{1, 2}, []float64{math.Inf(-1), 0}), ErrNotFinite, "-Inf"},
		{"empty tensor", "z", rundir.FromFloat64("z", []int{0, 2}, nil), ErrNot2D, "no entries"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "bad.safetensors")
			if err := rundir.Write(p, []rundir.Tensor{tensors[0], tc.t}, nil); err != nil {
				t.Fatal(err)
			}
			checkError(t, p, tc.tensor, tc.kind, tc.detail)
		})
	}

	full, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	complexHeader := `{"z":{"dtype":"C64","shape":[1,1],"data_offsets":[0,8]}}`
	complexFile := binary.LittleEndian.AppendUint64(nil, uint64(len(complexHeader)))
	complexFile = append(append(complexFile, complexHeader...), make([]byte, 8)...)
	for _, tc := range []struct {
		name   string
		file   []byte
		kind   error
		detail string
	}{
		{"empty", nil, ErrEmptyFile, "0 bytes"},
		{"truncated data", full[:len(full)-4], ErrTruncated, "truncated"},
		{"truncated length", full[:5], ErrTruncated, "shorter"},
		{"bad header", append(binary.LittleEndian.AppendUint64(nil, 4), "[1] "...), ErrBadHeader, "JSON"},
		{"complex dtype", complexFile, ErrUnsupportedDType, `"z"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkError(t, writeFile(t, "x.safetensors", tc.file), "", tc.kind, tc.detail)
		})
	}
}

func TestReadByContent(t *testing.T) {
	a := npyFile(1, header2x2, float64Bytes(1, 2, 3, 4))
	for name, file := range map[string][]byte{
		"matrix.bin":   a,
		"archive.data": npzFile(t, zip.Store, map[string][]byte{"A.npy": a}, "A.npy"),
	} {
		ms, err := Read(writeFile(t, name, file))
		if err != nil || len(ms) != 1 || !equal(ms[0].Data, []float64{1, 2, 3, 4}) {
			t.Errorf("%s: %v %v", name, ms, err)
		}
	}
	checkError(t, writeFile(t, "notes.txt", []byte("just text")), "", ErrUnknownFormat, "not .npy")
	checkError(t, writeFile(t, "zero.bin", nil), "", ErrEmptyFile, "0 bytes")
	checkError(t, filepath.Join(t.TempDir(), "missing.npy"), "", os.ErrNotExist, "no such file")
}
