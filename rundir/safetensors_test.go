package rundir

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fileBytes assembles a safetensors file from a header and a data buffer,
// with the header length computed from the header as given.
func fileBytes(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	b = append(b, header...)
	return append(b, data...)
}

// pattern returns n bytes of a repeating, non-constant pattern.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + 3)
	}
	return b
}

func TestRoundTripEveryDType(t *testing.T) {
	dtypes := []DType{F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL, U16, U32, U64}
	var tensors []Tensor
	for i, d := range dtypes {
		shape := []int{2, i + 1}
		data := pattern(2 * (i + 1) * d.Size())
		if d == BOOL {
			for j := range data {
				data[j] &= 1
			}
		}
		tensors = append(tensors, Tensor{Name: "layer." + string(d), DType: d, Shape: shape, Data: data})
	}
	tensors = append(tensors,
		Tensor{Name: "scalar", DType: F32, Shape: []int{}, Data: pattern(4)},
		Tensor{Name: "empty", DType: F64, Shape: []int{0, 3}, Data: []byte{}},
		Tensor{Name: "quote\"back\\slash\nnewline\x01ctl é ∑ \u2028", DType: U8, Shape: []int{1}, Data: []byte{9}},
	)
	meta := map[string]string{"format": "pt", "step": "10", "note": "<&> \"quoted\"\n"}

	path := filepath.Join(t.TempDir(), "all.safetensors")
	if err := Write(path, tensors, meta); err != nil {
		t.Fatal(err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(f.Metadata, meta) {
		t.Errorf("metadata = %v, want %v", f.Metadata, meta)
	}
	if len(f.Tensors) != len(tensors) {
		t.Fatalf("read %d tensors, want %d", len(f.Tensors), len(tensors))
	}
	for i, want := range tensors {
		got := f.Tensors[i] // written in order, so offset order is the same
		if got.Name != want.Name || got.DType != want.DType || !reflect.DeepEqual(got.Shape, want.Shape) || !bytes.Equal(got.Data, want.Data) {
			t.Errorf("tensor %d: got %+v, want %+v", i, got, want)
		}
		byName, ok := f.Get(want.Name)
		if !ok || byName.Name != want.Name {
			t.Errorf("Get(%q) = %v, %v", want.Name, byName.Name, ok)
		}
		if _, err := got.Float64s(); err != nil {
			t.Errorf("%s: Float64s: %v", want.Name, err)
		}
	}
	if _, ok := f.Get("missing"); ok {
		t.Error("Get(missing) found something")
	}
	if names := f.Names(); len(names) != len(tensors) || names[0] != "layer.F64" {
		t.Errorf("Names() = %v", names)
	}

	// Encode/Decode through a stream gives the same bytes as Write.
	var buf bytes.Buffer
	if err := Encode(&buf, tensors, meta); err != nil {
		t.Fatal(err)
	}
	onDisk, _ := os.ReadFile(path)
	if !bytes.Equal(buf.Bytes(), onDisk) {
		t.Error("Encode and Write produce different bytes")
	}
	if hl := binary.LittleEndian.Uint64(onDisk); hl%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", hl)
	}
	g, err := Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, f) {
		t.Error("Decode and Read disagree")
	}
}

// TestGolden compares Encode's output byte for byte with files of the
// reference implementation, as its own test suites spell them out
// (bindings/python/tests/test_simple.py and safetensors/src/tensor.rs of
// huggingface/safetensors). Headers are padded with spaces to a multiple of 8.
func TestGolden(t *testing.T) {
	zeros16 := make([]byte, 16)
	f32s := []byte{0, 0, 0, 0, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40, 0, 0, 0x40, 0x40, 0, 0, 0x80, 0x40, 0, 0, 0xa0, 0x40} // 0..5
	tests := []struct {
		name    string
		tensors []Tensor
		meta    map[string]string
		want    []byte
	}{
		{
			"numpy int32 zeros",
			[]Tensor{{Name: "test", DType: I32, Shape: []int{2, 2}, Data: zeros16}},
			nil,
			append([]byte("@\x00\x00\x00\x00\x00\x00\x00"+
				`{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}`+"    "), zeros16...),
		},
		{
			"with metadata",
			[]Tensor{{Name: "test1", DType: I32, Shape: []int{2, 2}, Data: zeros16}},
			map[string]string{"framework": "pt"},
			append([]byte("`\x00\x00\x00\x00\x00\x00\x00"+
				`{"__metadata__":{"framework":"pt"},"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}`+" "), zeros16...),
		},
		{
			"two dtypes, largest first",
			[]Tensor{
				{Name: "test1", DType: I32, Shape: []int{2, 2}, Data: zeros16},
				{Name: "test2", DType: F16, Shape: []int{2, 2}, Data: make([]byte, 8)},
			},
			nil,
			append([]byte("\x80\x00\x00\x00\x00\x00\x00\x00"+
				`{"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]},"test2":{"dtype":"F16","shape":[2,2],"data_offsets":[16,24]}}`+"      "), make([]byte, 24)...),
		},
		{
			"no padding needed",
			[]Tensor{{Name: "attn.0", DType: F32, Shape: []int{1, 2, 3}, Data: f32s}},
			nil,
			append([]byte("\x40\x00\x00\x00\x00\x00\x00\x00"+
				`{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}`), f32s...),
		},
		{
			"seven spaces",
			[]Tensor{{Name: "attn0", DType: F32, Shape: []int{1, 1, 2, 3}, Data: f32s}},
			nil,
			append([]byte("\x48\x00\x00\x00\x00\x00\x00\x00"+
				`{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}`+"       "), f32s...),
		},
		{
			"empty",
			nil,
			nil,
			[]byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      "),
		},
		{
			"empty with metadata",
			nil,
			map[string]string{"framework": "pt"},
			[]byte("\x28\x00\x00\x00\x00\x00\x00\x00" + `{"__metadata__":{"framework":"pt"}}` + "     "),
		},
		{
			"metadata keys sorted, strings escaped",
			[]Tensor{{Name: "a\"b", DType: U8, Shape: []int{}, Data: []byte{7}}},
			map[string]string{"z": "1", "a": "<\t>"},
			append([]byte("\x60\x00\x00\x00\x00\x00\x00\x00"+
				`{"__metadata__":{"a":"<\t>","z":"1"},"a\"b":{"dtype":"U8","shape":[],"data_offsets":[0,1]}}`+"     "), 7),
		},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := Encode(&buf, tt.tensors, tt.meta); err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !bytes.Equal(buf.Bytes(), tt.want) {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, buf.Bytes(), tt.want)
		}
		f, err := DecodeBytes(tt.want)
		if err != nil {
			t.Errorf("%s: decode: %v", tt.name, err)
			continue
		}
		if len(f.Tensors) != len(tt.tensors) || len(f.Metadata) != len(tt.meta) {
			t.Errorf("%s: decoded %d tensors and %d metadata keys", tt.name, len(f.Tensors), len(f.Metadata))
		}
	}
}

func TestEncodeErrors(t *testing.T) {
	good := FromFloat32("w", []int{2}, []float32{1, 2})
	tests := []struct {
		name    string
		tensors []Tensor
		meta    map[string]string
		want    string
	}{
		{"duplicate", []Tensor{good, good}, nil, `tensor "w": duplicate name`},
		{"empty name", []Tensor{{DType: F32, Shape: []int{1}, Data: make([]byte, 4)}}, nil, "empty name"},
		{"reserved name", []Tensor{{Name: "__metadata__", DType: U8, Shape: []int{1}, Data: []byte{1}}}, nil, "reserved"},
		{"unknown dtype", []Tensor{{Name: "x", DType: "F8_E5M2", Shape: []int{1}, Data: []byte{1}}}, nil, "unknown dtype"},
		{"negative shape", []Tensor{{Name: "x", DType: U8, Shape: []int{-1}}}, nil, "negative dimension"},
		{"size mismatch", []Tensor{FromFloat32("fc1.weight", []int{4, 16}, make([]float32, 16))}, nil,
			`tensor "fc1.weight": 64 data bytes but dtype F32 shape [4 16] needs 256 bytes`},
		{"bad metadata", []Tensor{good}, map[string]string{"k": "\xff"}, "not valid UTF-8"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		err := Encode(&buf, tt.tensors, tt.meta)
		if err == nil || !strings.HasPrefix(err.Error(), "safetensors: encode: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Encode error %v, want one containing %q", tt.name, err, tt.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: Encode wrote %d bytes before failing", tt.name, buf.Len())
		}
	}
}

// TestWriteErrorKeepsOldFile checks that a failed Write leaves the previous
// file and no temporary file behind.
func TestWriteErrorKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "final.safetensors")
	old := []Tensor{FromFloat64("w", []int{1}, []float64{42})}
	if err := Write(path, old, nil); err != nil {
		t.Fatal(err)
	}
	err := Write(path, []Tensor{FromFloat64("w", []int{3}, []float64{1})}, nil)
	if err == nil || !strings.Contains(err.Error(), "safetensors: write "+path+`: tensor "w"`) {
		t.Errorf("Write error = %v", err)
	}
	f, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Tensors[0].Float64s(); v[0] != 42 {
		t.Errorf("old file changed: %v", v)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only the file", len(entries))
	}
	if err := Write(filepath.Join(dir, "no", "such", "dir.safetensors"), old, nil); err == nil {
		t.Error("Write into a missing directory succeeded")
	}
}

func TestSortForAlignment(t *testing.T) {
	tensors := []Tensor{
		{Name: "u8", DType: U8, Shape: []int{3}, Data: make([]byte, 3)},
		{Name: "f32a", DType: F32, Shape: []int{1}, Data: make([]byte, 4)},
		{Name: "f16", DType: F16, Shape: []int{1}, Data: make([]byte, 2)},
		{Name: "f64", DType: F64, Shape: []int{1}, Data: make([]byte, 8)},
		{Name: "i32", DType: I32, Shape: []int{1}, Data: make([]byte, 4)},
		{Name: "bool", DType: BOOL, Shape: []int{1}, Data: make([]byte, 1)},
		{Name: "i64", DType: I64, Shape: []int{1}, Data: make([]byte, 8)},
	}
	SortForAlignment(tensors)
	var names []string
	for _, tt := range tensors {
		names = append(names, tt.Name)
	}
	want := []string{"f64", "i64", "f32a", "i32", "f16", "u8", "bool"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("order %v, want %v", names, want)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, tensors, map[string]string{"odd": "x"}); err != nil {
		t.Fatal(err)
	}
	f, err := DecodeBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	start := 8 + int(binary.LittleEndian.Uint64(buf.Bytes()))
	pos := start
	for _, tt := range f.Tensors {
		if pos%tt.DType.Size() != 0 {
			t.Errorf("tensor %s at file offset %d, not aligned to %d", tt.Name, pos, tt.DType.Size())
		}
		pos += len(tt.Data)
	}
}
