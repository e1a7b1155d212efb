package rundir

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestDecodeReference reads files as the reference writer produced them
// before it padded headers, and as other writers lay them out.
func TestDecodeReference(t *testing.T) {
	tests := []struct {
		name  string
		file  []byte
		names []string
	}{
		{"unpadded header", fileBytes(`{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}`, make([]byte, 16)), []string{"test"}},
		{"header order differs from offset order",
			fileBytes(`{"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]},"__metadata__":null,"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{1, 2, 3}),
			[]string{"a", "b"}},
		{"whitespace in JSON", fileBytes("{ \"a\" : { \"shape\" : [ 1 , 2 ] , \"dtype\" : \"U8\" , \"data_offsets\" : [ 0 , 2 ] } }\n\t ", []byte{1, 2}), []string{"a"}},
		{"zero-size tensors share offsets",
			fileBytes(`{"e2":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"e1":{"dtype":"F64","shape":[3,0],"data_offsets":[4,4]},"e0":{"dtype":"F64","shape":[0],"data_offsets":[0,0]}}`, make([]byte, 4)),
			[]string{"e0", "x", "e2", "e1"}},
		{"no tensors", fileBytes(`{}`, nil), []string{}},
	}
	for _, tt := range tests {
		f, err := DecodeBytes(tt.file)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := f.Names(); !reflect.DeepEqual(got, tt.names) {
			t.Errorf("%s: names %v, want %v", tt.name, got, tt.names)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	huge := binary.LittleEndian.AppendUint64(nil, 100_000_001)
	tests := []struct {
		name string
		file []byte
		want string
	}{
		{"empty file", nil, "file is 0 bytes, shorter than the 8-byte header length"},
		{"seven bytes", []byte{1, 0, 0, 0, 0, 0, 0}, "shorter than the 8-byte"},
		{"header too large", append(huge, '{', '}'), "header length 100000001 exceeds the 100000000-byte limit"},
		{"header length max uint64", append(bytes.Repeat([]byte{0xff}, 8), "{}"...), "exceeds"},
		{"header beyond file", append(binary.LittleEndian.AppendUint64(nil, 100), "{}"...), "header length 100 but only 2 bytes follow it"},
		{"header not UTF-8", fileBytes("{\"a\xff\":1}", nil), "not valid UTF-8"},
		{"empty header", fileBytes("", nil), "not a JSON object"},
		{"header is an array", fileBytes("[]", nil), "not a JSON object"},
		{"header starts with space", fileBytes(" {}", nil), "not a JSON object"},
		{"header not JSON", fileBytes(`{"a":`, nil), "not a valid JSON object"},
		{"header trailing comma", fileBytes(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},}`, []byte{1}), "not a valid JSON object"},
		{"header two objects", fileBytes(`{}{}`, nil), "data after the closing brace"},
		{"header trailing garbage", fileBytes(`{}  x`, nil), "not a valid JSON object"},
		{"duplicate tensor", fileBytes(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{1}), `duplicate key "a"`},
		{"entry not object", fileBytes(`{"a":[1]}`, nil), `tensor "a": header entry is not an object`},
		{"entry null", fileBytes(`{"a":null}`, nil), `tensor "a": header entry is not an object`},
		{"empty name", fileBytes(`{"":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, []byte{1}), "empty name"},
		{"unknown dtype", fileBytes(`{"w":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}`, []byte{1}), `tensor "w": unknown dtype "F8_E4M3"`},
		{"lowercase dtype", fileBytes(`{"w":{"dtype":"f32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `unknown dtype "f32"`},
		{"dtype not string", fileBytes(`{"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), "dtype 4 is not a string"},
		{"missing dtype", fileBytes(`{"w":{"shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `tensor "w": missing dtype`},
		{"missing shape", fileBytes(`{"w":{"dtype":"F32","data_offsets":[0,4]}}`, make([]byte, 4)), "missing shape"},
		{"missing offsets", fileBytes(`{"w":{"dtype":"F32","shape":[1]}}`, make([]byte, 4)), "missing data_offsets"},
		{"unknown field", fileBytes(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"stride":[1]}}`, make([]byte, 4)), `unknown field "stride"`},
		{"field in other case", fileBytes(`{"w":{"DTYPE":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `unknown field "DTYPE"`},
		{"duplicate field", fileBytes(`{"w":{"dtype":"F32","dtype":"F64","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)), `duplicate key "dtype"`},
		{"negative shape", fileBytes(`{"w":{"dtype":"F32","shape":[-1,2],"data_offsets":[0,0]}}`, nil), `tensor "w": negative dimension in shape [-1 2]`},
		{"fractional shape", fileBytes(`{"w":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}}`, make([]byte, 4)), "element 1.5 is not an integer"},
		{"exponent shape", fileBytes(`{"w":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}`, make([]byte, 4)), "not an integer"},
		{"string shape", fileBytes(`{"w":{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}}`, make([]byte, 4)), "not an integer"},
		{"shape not array", fileBytes(`{"w":{"dtype":"F32","shape":4,"data_offsets":[0,16]}}`, make([]byte, 16)), "not an array"},
		{"shape null", fileBytes(`{"w":{"dtype":"F32","shape":null,"data_offsets":[0,4]}}`, make([]byte, 4)), "not an array"},
		{"huge shape", fileBytes(`{"w":{"dtype":"F32","shape":[99999999999999999999],"data_offsets":[0,4]}}`, make([]byte, 4)), "not an integer"},
		{"shape overflow", fileBytes(`{"w":{"dtype":"F64","shape":[4294967296,4294967296,4],"data_offsets":[0,8]}}`, make([]byte, 8)), "overflows"},
		{"one offset", fileBytes(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[4]}}`, make([]byte, 4)), "must be two integers"},
		{"three offsets", fileBytes(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}`, make([]byte, 4)), "must be two integers"},
		{"offsets not ints", fileBytes(`{"w":{"dtype":"F32","shape":[1],"data_offsets":["0","4"]}}`, make([]byte, 4)), "not an integer"},
		{"offsets object", fileBytes(`{"w":{"dtype":"F32","shape":[1],"data_offsets":{"begin":0}}}`, make([]byte, 4)), "not an array"},
		{"negative offset", fileBytes(`{"w":{"dtype":"F32","shape":[0],"data_offsets":[-4,-4]}}`, nil), "negative data_offsets [-4 -4]"},
		{"begin after end", fileBytes(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}`, make([]byte, 8)), `tensor "w": data_offsets [8 4] begin after end`},
		{"end beyond buffer", fileBytes(`{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 7)), `tensor "w": data_offsets [0 8] end beyond the 7-byte data buffer`},
		{"size mismatch", fileBytes(`{"fc1.weight":{"dtype":"F32","shape":[4,16],"data_offsets":[0,64]}}`, make([]byte, 64)),
			`tensor "fc1.weight": data_offsets [0 64] but dtype F32 shape [4 16] needs 256 bytes`},
		{"overlap", fileBytes(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 12)),
			`tensor "b": data_offsets [4 12] overlap tensor "a" at [0 8]`},
		{"same range twice", fileBytes(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, make([]byte, 8)),
			"overlap"},
		{"empty tensor inside another", fileBytes(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]}}`, make([]byte, 8)),
			`tensor "e": data_offsets [4 4] overlap tensor "a"`},
		{"gap", fileBytes(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}`, make([]byte, 12)),
			`tensor "b": data_offsets [8 12] leave a gap: bytes [4 8)`},
		{"gap at start", fileBytes(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), "leave a gap: bytes [0 4)"},
		{"trailing bytes", fileBytes(ok, make([]byte, 11)), "3 trailing bytes after the last tensor"},
		{"bytes but no tensors", fileBytes(`{}`, []byte{0}), "1 trailing bytes"},
		{"metadata not object", fileBytes(`{"__metadata__":"pt"}`, nil), "__metadata__"},
		{"metadata value not string", fileBytes(`{"__metadata__":{"step":10}}`, nil), `value of "step" is 10, not a string`},
		{"metadata duplicate key", fileBytes(`{"__metadata__":{"a":"1","a":"2"}}`, nil), `duplicate key "a"`},
		{"metadata twice", fileBytes(`{"__metadata__":{},"__metadata__":{}}`, nil), "duplicate key"},
	}
	for _, tt := range tests {
		f, err := DecodeBytes(tt.file)
		if err == nil {
			t.Errorf("%s: decoded %+v, want an error", tt.name, f)
			continue
		}
		if !strings.HasPrefix(err.Error(), "safetensors: decode: ") || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant an error containing %q", tt.name, err, tt.want)
		}
	}
}

// TestReadErrorNamesFile checks the full message of a Read error.
func TestReadErrorNamesFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "weights", "step-000010.safetensors")
	os.MkdirAll(filepath.Dir(path), 0o755)
	os.WriteFile(path, fileBytes(`{"fc1.weight":{"dtype":"F32","shape":[4,16],"data_offsets":[0,64]}}`, make([]byte, 64)), 0o644)
	_, err := Read(path)
	want := "safetensors: read " + path + `: tensor "fc1.weight": data_offsets [0 64] but dtype F32 shape [4 16] needs 256 bytes`
	if err == nil || err.Error() != want {
		t.Errorf("Read error\n got %v\nwant %s", err, want)
	}
	_, err = Read(filepath.Join(dir, "missing.safetensors"))
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.safetensors") {
		t.Errorf("Read(missing) = %v", err)
	}
}

// TestDecodeTruncated cuts a valid file at every length: each prefix must be
// rejected, with no panic.
func TestDecodeTruncated(t *testing.T) {
	var buf bytes.Buffer
	err := Encode(&buf, []Tensor{
		FromFloat32("a", []int{3}, []float32{1, 2, 3}),
		FromInt64("b", []int{2}, []int64{4, 5}),
	}, map[string]string{"k": "v"})
	if err != nil {
		t.Fatal(err)
	}
	full := buf.Bytes()
	for n := 0; n < len(full); n++ {
		if _, err := DecodeBytes(full[:n]); err == nil {
			t.Errorf("prefix of %d of %d bytes decoded without error", n, len(full))
		}
	}
	if _, err := DecodeBytes(full); err != nil {
		t.Fatal(err)
	}
}

func TestDecodedDataIsCapped(t *testing.T) {
	var buf bytes.Buffer
	Encode(&buf, []Tensor{FromFloat32("a", []int{1}, []float32{1}), FromFloat32("b", []int{1}, []float32{2})}, nil)
	f, err := DecodeBytes(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	a, _ := f.Get("a")
	_ = append(a.Data, 0xff, 0xff, 0xff, 0xff) // must not write into b
	b, _ := f.Get("b")
	if v, _ := b.Float32s(); v[0] != 2 {
		t.Errorf("appending to a.Data changed b to %v", v)
	}
}

func FuzzDecode(f *testing.F) {
	seeds := [][]Tensor{
		nil,
		{FromFloat32("a", []int{2, 2}, []float32{1, 2, 3, 4})},
		{FromFloat64("w", []int{}, []float64{1}), FromInt64("n", []int{0}, nil), {Name: "h", DType: F16, Shape: []int{2}, Data: []byte{0, 0x3c, 0, 0xc1}}},
		{{Name: "b", DType: BOOL, Shape: []int{3}, Data: []byte{0, 1, 0}}, {Name: "u", DType: U8, Shape: []int{1, 1}, Data: []byte{9}}},
	}
	for i, ts := range seeds {
		var buf bytes.Buffer
		var meta map[string]string
		if i%2 == 1 {
			meta = map[string]string{"format": "pt"}
		}
		if err := Encode(&buf, ts, meta); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add(fileBytes(`{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}`, make([]byte, 16)))
	f.Add(fileBytes(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}`, make([]byte, 12)))
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := DecodeBytes(data)
		if err != nil {
			return
		}
		// Whatever decodes must encode again and decode to the same thing.
		var buf bytes.Buffer
		if err := Encode(&buf, file.Tensors, file.Metadata); err != nil {
			t.Fatalf("decoded file does not encode: %v", err)
		}
		again, err := DecodeBytes(buf.Bytes())
		if err != nil {
			t.Fatalf("re-encoded file does not decode: %v", err)
		}
		if len(again.Metadata) != len(file.Metadata) || (len(file.Metadata) > 0 && !reflect.DeepEqual(again.Metadata, file.Metadata)) {
			t.Fatalf("metadata %v became %v", file.Metadata, again.Metadata)
		}
		if len(again.Tensors) != len(file.Tensors) {
			t.Fatalf("%d tensors became %d", len(file.Tensors), len(again.Tensors))
		}
		for i, a := range file.Tensors {
			b := again.Tensors[i]
			if a.Name != b.Name || a.DType != b.DType || !reflect.DeepEqual(a.Shape, b.Shape) || !bytes.Equal(a.Data, b.Data) {
				t.Fatalf("tensor %d: %+v became %+v", i, a, b)
			}
			if _, err := a.Float64s(); err != nil {
				t.Fatalf("tensor %q: Float64s: %v", a.Name, err)
			}
		}
	})
}
