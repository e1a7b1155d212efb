package torchfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// oneTensorPickle is data.pkl for {"w": tensor} with the given storage
// size, tensor offset, size and stride, for crafting hostile files.
func oneTensorPickle(dt DType, numel, offset int, size, stride []int) []byte {
	p := &pickler{}
	p.op(0x80)
	p.op(2)
	p.orderedDict()
	p.str("w")
	p.global("torch._utils", "_rebuild_tensor_v2")
	p.op('(')
	p.op('(')
	p.str("storage")
	p.global("torch", dt.storageClass())
	p.str("0")
	p.str("cpu")
	p.int(numel)
	p.op('t')
	p.op('Q')
	p.int(offset)
	p.ints(size)
	p.ints(stride)
	p.op(0x89)
	p.orderedDict()
	p.op('t')
	p.op('R')
	p.op('s')
	p.op('.')
	return p.b
}

func zipOf(t testing.TB, pkl, data []byte) []byte {
	var buf bytes.Buffer
	if err := writeZip(&buf, []record{{"data.pkl", pkl}, {"data/0", data}, {"version", []byte("3\n")}}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestHostileSizes: sizes declared far beyond the file are errors, found
// before anything of that size is allocated.
func TestHostileSizes(t *testing.T) {
	cases := map[string][]byte{
		"storage of 2^40 elements": zipOf(t, oneTensorPickle(Float32, 1<<40, 0, []int{1 << 20, 1 << 20}, []int{1 << 20, 1}), make([]byte, 16)),
		"view beyond its storage":  zipOf(t, oneTensorPickle(Float32, 4, 2, []int{2, 2}, []int{2, 1}), make([]byte, 16)),
		"expanded view":            zipOf(t, oneTensorPickle(Float32, 1, 0, []int{1 << 30, 1 << 10}, []int{0, 0}), make([]byte, 4)),
		"size overflowing int64":   zipOf(t, oneTensorPickle(Float32, 1, 0, []int{1 << 62, 1 << 62}, []int{0, 0}), make([]byte, 4)),
		"BINUNICODE8 of 2^60":      append([]byte{0x80, 4, 0x8d}, binary.LittleEndian.AppendUint64(nil, 1<<60)...),
		"LONG4 of 2^31":            append([]byte{0x80, 2, 0x8b}, binary.LittleEndian.AppendUint32(nil, 1<<31)...),
		"FRAME of 2^62":            append([]byte{0x80, 4, 0x95}, binary.LittleEndian.AppendUint64(nil, 1<<62)...),
		"legacy storage of 2^40": func() []byte {
			b, err := legacyOf(oneTensorPickle(Float32, 1<<40, 0, []int{1}, []int{1})[2:], 1<<40)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}(),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := DecodeStateDict(b)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error %v, want ErrMalformed", err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
				t.Errorf("allocated %d bytes for a %d-byte file", n, len(b))
			}
		})
	}
}

// legacyOf wraps a protocol-2 pickle body (after PROTO) in the legacy
// format with one storage "0" whose recorded element count is count.
func legacyOf(body []byte, count uint64) ([]byte, error) {
	var b []byte
	b = append(b, legacyMagic...)
	b = append(b, '.')
	b = append(b, 0x80, 2, 'M', 0xe9, 0x03, '.') // 1001
	b = append(b, 0x80, 2, '}', '.')             // sys_info
	b = append(b, 0x80, 2)
	b = append(b, body...)
	b = append(b, 0x80, 2, '(', 'X', 1, 0, 0, 0, '0', 'l', '.')
	b = binary.LittleEndian.AppendUint64(b, count)
	return append(b, 1, 2, 3, 4), nil
}

func TestLegacyCrafted(t *testing.T) {
	// The crafted legacy writer above is right: a storage of 1 float32 reads.
	b, _ := legacyOf(oneTensorPickle(Float32, 1, 0, []int{1}, []int{1})[2:], 1)
	ts, err := DecodeStateDict(b)
	if err != nil || len(ts) != 1 || !bytes.Equal(ts[0].Data, []byte{1, 2, 3, 4}) {
		t.Fatalf("%v %v", ts, err)
	}
}

// FuzzDecode feeds arbitrary bytes to the checkpoint and dump readers: no
// input may panic, and none may allocate far beyond its size.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"iris_mlp.pt", "iris_mlp_legacy.pt", "dtypes.pt", "dtypes_legacy.pt", "evil.pt", "go_written.pt", "dumps/S_resnet/S_0.pkl"} {
		f.Add(readTestFile(f, td(name)))
	}
	f.Add(zipOf(f, oneTensorPickle(Float64, 6, 1, []int{2, 2}, []int{1, 2}), make([]byte, 48)))
	opaque := admit(DumpGlobals)
	f.Fuzz(func(t *testing.T, b []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		ts, err := DecodeStateDict(b)
		if err == nil {
			for _, x := range ts {
				if len(x.Data) != x.NumElements()*x.DType.Size() {
					t.Fatalf("tensor %s: %d bytes for shape %v", x.Name, len(x.Data), x.Shape)
				}
			}
		} else if strings.Contains(err.Error(), "%!") {
			t.Fatalf("badly formatted error: %v", err)
		}
		if _, err := decodeDump(b, opaque); err != nil && strings.Contains(err.Error(), "%!") {
			t.Fatalf("badly formatted error: %v", err)
		}
		runtime.ReadMemStats(&after)
		if n := after.TotalAlloc - before.TotalAlloc; n > uint64(64*len(b))+4<<20 {
			t.Fatalf("allocated %d bytes for a %d-byte input", n, len(b))
		}
	})
}

// FuzzPickle feeds arbitrary pickles to the interpreter, as a checkpoint's
// data.pkl (with storages of any declared size up to 64 KiB) and as a dump.
func FuzzPickle(f *testing.F) {
	f.Add(statePickle(goWritten()))
	f.Add(oneTensorPickle(Float64, 6, 1, []int{2, 2}, []int{1, 2}))
	f.Add(readTestFile(f, td("dumps/S_resnet/S_0.pkl")))
	f.Add(readTestFile(f, td("plain_p0.pkl")))
	f.Add(readTestFile(f, td("plain_p2.pkl")))
	f.Add(readTestFile(f, td("plain_p4.pkl")))
	f.Add([]byte("\x80\x02}q\x00(X\x01\x00\x00\x00aq\x01]q\x02(K\x01G?\xf0\x00\x00\x00\x00\x00\x00\x88N\x8a\x01\xffe\x85q\x03u."))
	opaque := admit(DumpGlobals)
	f.Fuzz(func(t *testing.T, b []byte) {
		persistent, _ := storageCache(func(st *storage) error {
			n := uint64(st.numel) * uint64(st.dtype.Size())
			if n > 1<<16 {
				return ErrMalformed
			}
			st.data = make([]byte, n)
			return nil
		})
		limit := workFactor*len(b) + 1<<20
		for _, e := range []*env{{limit: limit}, {opaque: opaque, limit: limit}} {
			m := &machine{buf: b, env: e, persistent: persistent}
			top, err := m.run()
			if err != nil {
				continue
			}
			stateDict(top, len(b)+1<<16)
		}
		decodeDump(b, opaque)
	})
}

// TestLoadFromBytesOnce: a storage pickled as bytes and named many times
// through the memo is parsed once (and so shared), not once per use.
func TestLoadFromBytesOnce(t *testing.T) {
	p := &pickler{}
	p.op('(')
	p.str("storage")
	p.global("torch", "FloatStorage")
	p.str("0")
	p.str("cpu")
	p.int(1)
	p.op('t')
	p.op('Q')
	p.op('.')
	inner, _ := legacyOf(p.b, 1)
	outer := []byte{0x80, 4, 'B'}
	outer = binary.LittleEndian.AppendUint32(outer, uint32(len(inner)))
	outer = append(outer, inner...)
	outer = append(outer, 'q', 0, '0', ']', '(')
	for i := 0; i < 1000; i++ {
		outer = append(outer, "ctorch.storage\n_load_from_bytes\nh\x00\x85R"...)
	}
	outer = append(outer, 'e', '.')
	m := &machine{buf: outer, env: &env{}}
	v, err := m.run()
	if err != nil {
		t.Fatal(err)
	}
	l := v.(*pyList)
	if len(l.items) != 1000 || l.items[0] != l.items[999] {
		t.Fatalf("%d storages, first and last shared: %v", len(l.items), l.items[0] == l.items[len(l.items)-1])
	}
	if st := l.items[0].(*storage); !bytes.Equal(st.data, []byte{1, 2, 3, 4}) {
		t.Errorf("storage bytes %v", st.data)
	}
}

// TestWorkLimit: one long list passed, through the memo, to many calls is
// refused once the calls' work outgrows the file.
func TestWorkLimit(t *testing.T) {
	const call = "c__builtin__\nset\nh\x00\x85R"
	pickle := func(calls int) []byte {
		b := []byte{0x80, 2, '('}
		b = append(b, bytes.Repeat([]byte{'N'}, 20000)...)
		b = append(b, 'l', 'q', 0, '0', ']', '(')
		b = append(b, strings.Repeat(call, calls)...)
		return append(b, 'e', '.')
	}
	_, err := DecodeStateDict(pickle(2000))
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "size justifies") {
		t.Fatalf("error %v", err)
	}
	// The same with 10 calls is fine (and not a state_dict).
	if _, err := DecodeStateDict(pickle(10)); !errors.Is(err, ErrNotStateDict) {
		t.Fatalf("10 calls: %v", err)
	}
}
