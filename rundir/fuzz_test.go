package rundir_test

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/rundir"
)

// The fuzz targets feed outside files to the run directory's readers:
// safetensors files (weights, checkpoints, factor snapshots, or any a user
// hands in) and metrics.jsonl. The properties: no input panics or hangs; a
// reader allocates at most a small multiple of the file's size (a header that
// claims 2^63-element tensors or offsets past the end must not make it
// allocate them); an error names the file; an accepted file is consistent and
// survives a round trip through the writer. Run one for a while with
//
//	go test -run XXX -fuzz FuzzReadSafetensors -fuzztime 30s ./rundir
//
// and scripts/fuzz.sh runs them all.

func fuzzAllocBound(n int) uint64 { return 64*uint64(n) + 1<<20 }

func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// safetensorsFile encodes a safetensors file with the given header.
func safetensorsFile(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

// safetensorsSeeds are well-formed files and the malformations the format
// invites.
var safetensorsSeeds = []struct{ header, data string }{
	{`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}`, strings.Repeat("\x01", 16)},
	{`{"__metadata__":{"step":"5","layers":"[{\"layer\":\"fc1\",\"kind\":\"Linear\",\"tensors\":[\"fc1.H_D\"]}]"},"fc1.H_D":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},"fc1.S_D":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}`, strings.Repeat("\x00\x00\x80\x3f", 4)},
	{`{"s":{"dtype":"I64","shape":[],"data_offsets":[0,8]},"e":{"dtype":"BF16","shape":[0,4],"data_offsets":[8,8]}}  `, "\x07\x00\x00\x00\x00\x00\x00\x00"},
	// header length larger than the file
	{`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}`, ""},
	// overlapping, gapped and out-of-range offsets
	{`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}}`, "\x00\x01\x02"},
	{`{"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, "\x00\x01"},
	{`{"a":{"dtype":"U8","shape":[1],"data_offsets":[9223372036854775806,9223372036854775807]}}`, "\x00"},
	{`{"a":{"dtype":"U8","shape":[1],"data_offsets":[2,1]}}`, "\x00"},
	{`{"a":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}`, "\x00"},
	// dtype, shape and size mismatches
	{`{"a":{"dtype":"F64","shape":[2],"data_offsets":[0,8]}}`, strings.Repeat("\x00", 8)},
	{`{"a":{"dtype":"F65","shape":[1],"data_offsets":[0,8]}}`, strings.Repeat("\x00", 8)},
	{`{"a":{"dtype":"F64","shape":[1.5],"data_offsets":[0,8]}}`, strings.Repeat("\x00", 8)},
	{`{"a":{"dtype":"F64","shape":[-1],"data_offsets":[0,8]}}`, strings.Repeat("\x00", 8)},
	// 2^63 dimensions and products that overflow
	{`{"a":{"dtype":"F64","shape":[9223372036854775808],"data_offsets":[0,8]}}`, strings.Repeat("\x00", 8)},
	{`{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,0]}}`, ""},
	{`{"a":{"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,0]}}`, ""},
	{`{"a":{"dtype":"F64","shape":[0,9223372036854775807,9223372036854775807],"data_offsets":[0,0]}}`, ""},
	// duplicate keys, unknown fields, bad metadata
	{`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}`, "\x00"},
	{`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"x":1}}`, "\x00"},
	{`{"__metadata__":{"k":1}}`, ""},
	{`{"__metadata__":null}`, ""},
	{`[]`, ""},
}

func FuzzDecodeSafetensors(f *testing.F) {
	for _, s := range safetensorsSeeds {
		f.Add(safetensorsFile(s.header, []byte(s.data)))
	}
	f.Add([]byte("\xff\xff\xff\xff\xff\xff\xff\xff{}"))
	f.Add([]byte("\x02\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var file *rundir.File
		var err error
		if n := allocated(func() { file, err = rundir.DecodeBytes(b) }); n > fuzzAllocBound(len(b)) {
			t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
		}
		if err != nil {
			return
		}
		checkRoundTrip(t, file)
	})
}

// checkRoundTrip checks a decoded file's tensors and that encoding and
// decoding them again gives the same tensors and metadata.
func checkRoundTrip(t *testing.T, file *rundir.File) {
	t.Helper()
	for _, tn := range file.Tensors {
		if err := tn.Validate(); err != nil {
			t.Fatalf("decoded tensor %q is invalid: %v", tn.Name, err)
		}
		if _, err := tn.Float64s(); err != nil && tn.DType != rundir.BOOL {
			t.Fatalf("tensor %q of %s: %v", tn.Name, tn.DType, err)
		}
	}
	var buf bytes.Buffer
	if err := rundir.Encode(&buf, file.Tensors, file.Metadata); err != nil {
		t.Fatalf("encoding a decoded file: %v", err)
	}
	again, err := rundir.DecodeBytes(buf.Bytes())
	if err != nil {
		t.Fatalf("decoding an encoded file: %v", err)
	}
	if len(again.Metadata) != len(file.Metadata) {
		t.Fatalf("metadata %v became %v", file.Metadata, again.Metadata)
	}
	for k, v := range file.Metadata {
		if again.Metadata[k] != v {
			t.Fatalf("metadata %q: %q became %q", k, v, again.Metadata[k])
		}
	}
	if len(again.Tensors) != len(file.Tensors) {
		t.Fatalf("%d tensors became %d", len(file.Tensors), len(again.Tensors))
	}
	for _, want := range file.Tensors {
		got, ok := again.Get(want.Name)
		if !ok || got.DType != want.DType || !slices.Equal(got.Shape, want.Shape) || !bytes.Equal(got.Data, want.Data) {
			t.Fatalf("tensor %q did not survive the round trip", want.Name)
		}
	}
}

func FuzzReadSafetensors(f *testing.F) {
	for _, s := range safetensorsSeeds[:6] {
		f.Add(safetensorsFile(s.header, []byte(s.data)))
	}
	f.Add([]byte{})
	path := filepath.Join(f.TempDir(), "step-000100.safetensors")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		var file *rundir.File
		var err error
		if n := allocated(func() { file, err = rundir.Read(path) }); n > fuzzAllocBound(len(b)) {
			t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
		}
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkRoundTrip(t, file)
	})
}

func FuzzReadMetrics(f *testing.F) {
	for _, s := range []string{
		`{"kind":"step","step":1,"epoch":1,"loss":2.3,"lr":0.001,"time_s":0.01}` + "\n" +
			`{"kind":"epoch","epoch":1,"step":15,"train_loss":1.1,"train_accuracy":0.5}` + "\n" +
			`{"kind":"curvature","step":1,"layers":[{"layer":"fc1","f_min":0.001,"f_max":0.00107}]}` + "\n",
		`{"kind":"step","step":1}` + "\n" + `{"kind":"step","st`, // cut by a crash
		"\n\n  \n",
		`{"kind":"step"}` + "\nnull\n",
		`[1,2]` + "\n",
		`{"a":1} {"b":2}` + "\n",
		`{"a":1e999}` + "\n",
		`{"a":"\ud800"}` + "\n",
		strings.Repeat("[", 1000) + "\n",
		"\xff\xfe\n",
		"",
	} {
		f.Add([]byte(s))
	}
	path := filepath.Join(f.TempDir(), "metrics.jsonl")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		var recs []map[string]any
		var err error
		if n := allocated(func() { recs, err = rundir.ReadMetrics(path) }); n > fuzzAllocBound(len(b)) {
			t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
		}
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		complete := bytes.Count(b, []byte("\n"))
		if len(recs) > complete {
			t.Fatalf("%d records from %d complete lines", len(recs), complete)
		}
		for i, r := range recs {
			if r == nil {
				t.Fatalf("record %d is nil", i)
			}
		}
	})
}

// A shape of millions of dimensions once cost some 80 bytes of allocation per
// byte of file, beyond what the fuzz targets' small inputs reach.
func TestDecodeManyDimensions(t *testing.T) {
	b := safetensorsFile(`{"a":{"dtype":"F64","shape":[`+strings.Repeat("0,", 1<<20)+`0],"data_offsets":[0,0]}}`, nil)
	var err error
	if n := allocated(func() { _, err = rundir.DecodeBytes(b) }); n > fuzzAllocBound(len(b)) {
		t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
	}
	if err == nil || !strings.Contains(err.Error(), `tensor "a": shape`) {
		t.Fatalf("got %v, want an error about tensor a's shape", err)
	}
}
