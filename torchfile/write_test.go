package torchfile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"flag"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/torch/go_written.pt")

func f32Tensor(name string, shape []int, v ...float32) Tensor {
	b := make([]byte, 0, 4*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return Tensor{Name: name, DType: Float32, Shape: shape, Data: b}
}

func f64Tensor(name string, shape []int, v ...float64) Tensor {
	b := make([]byte, 0, 8*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return Tensor{Name: name, DType: Float64, Shape: shape, Data: b}
}

func u16Tensor(name string, dt DType, shape []int, v ...uint16) Tensor {
	b := make([]byte, 0, 2*len(v))
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return Tensor{Name: name, DType: dt, Shape: shape, Data: b}
}

// goWritten are the tensors of testdata/torch/go_written.pt; the generating
// script's go_written_tensors() builds the same in PyTorch and checks that
// torch.load(weights_only=True) reads the file as them.
func goWritten() []Tensor {
	return []Tensor{
		f32Tensor("fc.weight", []int{2, 3}, -0.625, -0.375, -0.125, 0.125, 0.375, 0.625),
		f64Tensor("fc.bias", []int{2}, 0.5, -1.5),
		{Name: "bn.num_batches_tracked", DType: Int64, Shape: []int{}, Data: binary.LittleEndian.AppendUint64(nil, 7)},
		u16Tensor("half", Float16, []int{2}, 0x3e00, 0xc000),   // 1.5, -2
		u16Tensor("bf", BFloat16, []int{2, 1}, 0x3e80, 0x4040), // 0.25, 3
	}
}

func TestWriteRoundTrip(t *testing.T) {
	cases := map[string][]Tensor{
		"mixed": goWritten(),
		"empty and large ints": {
			{Name: "e", DType: Float32, Shape: []int{0, 4}, Data: []byte{}},
			{Name: "big", DType: Uint8, Shape: []int{70000}, Data: make([]byte, 70000)},
		},
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := EncodeStateDict(&buf, in); err != nil {
				t.Fatal(err)
			}
			out, err := DecodeStateDict(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if len(out) != len(in) {
				t.Fatalf("%d tensors, want %d", len(out), len(in))
			}
			for i := range in {
				a, b := in[i], out[i]
				if a.Name != b.Name || a.DType != b.DType || !slices.Equal(a.Shape, b.Shape) || !bytes.Equal(a.Data, b.Data) {
					t.Errorf("tensor %d: %s %s %v came back as %s %s %v", i, a.Name, a.DType, a.Shape, b.Name, b.DType, b.Shape)
				}
			}
		})
	}
}

// TestWriteOpcodes checks the writer uses only opcodes and globals that
// PyTorch 1.13's weights_only unpickler accepts.
func TestWriteOpcodes(t *testing.T) {
	allowed := map[byte]bool{}
	for _, op := range []byte{0x80, 'c', ')', 'R', '(', 'X', 't', 'Q', 'K', 'M', 'J', 0x8a, 0x89, 'u', '.'} {
		allowed[op] = true
	}
	pkl := statePickle(goWritten())
	m := &machine{buf: pkl, env: &env{}, trace: func(op byte) {
		if !allowed[op] {
			t.Errorf("opcode 0x%02x", op)
		}
	}, persistent: func(any) (any, error) { return &storage{dtype: Float32, numel: 0}, nil }}
	if _, err := m.run(); err != nil {
		t.Fatal(err)
	}
	if m.pos != len(pkl) {
		t.Errorf("%d bytes after STOP", len(pkl)-m.pos)
	}
}

// TestWriteGolden pins the writer's bytes to go_written.pt, which the
// generating script has loaded with torch.load(weights_only=True).
func TestWriteGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := EncodeStateDict(&buf, goWritten()); err != nil {
		t.Fatal(err)
	}
	p := td("go_written.pt")
	if *update {
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(buf.Bytes(), readTestFile(t, p)) {
		t.Fatal("the writer's output differs from go_written.pt (run with -update, then scripts/gen_torch_testdata.py to check it in PyTorch)")
	}
	// Every record's data starts 64-byte aligned, as torch.save lays it out.
	b := buf.Bytes()
	for off := 0; off+30 <= len(b) && binary.LittleEndian.Uint32(b[off:]) == 0x04034b50; {
		size := int(binary.LittleEndian.Uint32(b[off+18:]))
		start := off + 30 + int(binary.LittleEndian.Uint16(b[off+26:])) + int(binary.LittleEndian.Uint16(b[off+28:]))
		if start%64 != 0 {
			t.Errorf("record at %d: data at %d, not 64-byte aligned", off, start)
		}
		off = start + size
	}
}

// TestWriteTorchLoads has PyTorch read a written file; it is skipped where
// /usr/bin/python3 has no torch.
func TestWriteTorchLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("starts PyTorch")
	}
	py := "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3")
	}
	p := filepath.Join(t.TempDir(), "w.pt")
	in := goWritten()
	if err := WriteStateDict(p, in); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", `import json, sys, torch
sd = torch.load(sys.argv[1], weights_only=True)
print(json.dumps([[k, str(v.dtype)[6:], list(v.shape), v.double().flatten().tolist()] for k, v in sd.items()]))`, p).CombinedOutput()
	if err != nil && bytes.Contains(out, []byte("No module named 'torch'")) {
		t.Skip("no PyTorch at /usr/bin/python3")
	}
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var got [][]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if len(got) != len(in) {
		t.Fatalf("PyTorch read %d tensors, want %d", len(got), len(in))
	}
	for i, want := range in {
		js, _ := json.Marshal([]any{want.Name, want.DType, want.Shape, want.Float64s()})
		gs, _ := json.Marshal(got[i])
		if string(js) != string(gs) {
			t.Errorf("PyTorch read %s, want %s", gs, js)
		}
	}
}
