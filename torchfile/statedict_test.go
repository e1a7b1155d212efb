package torchfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/rundir"
)

func td(name string) string { return filepath.Join("..", "testdata", "torch", name) }

// golden is dtypes.json: each tensor's dtype, shape and values as PyTorch
// gave them (int64 values as JSON integers, non-finite ones as strings).
type golden struct {
	DType  string            `json:"dtype"`
	Shape  []int             `json:"shape"`
	Values []json.RawMessage `json:"values"`
}

func readGolden(t *testing.T) (names []string, g map[string]golden) {
	t.Helper()
	b := readTestFile(t, td("dtypes.json"))
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch tok := tok.(type) {
		case json.Delim:
			if tok == '{' || tok == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if depth == 1 {
				names = append(names, tok)
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return names, g
}

// TestDTypesAndViews reads tensors of every dtype, and transposed, sliced,
// offset and storage-sharing views, from both formats, against the values
// PyTorch printed.
func TestDTypesAndViews(t *testing.T) {
	names, want := readGolden(t)
	for _, file := range []string{"dtypes.pt", "dtypes_legacy.pt"} {
		t.Run(file, func(t *testing.T) {
			ts, err := LoadStateDict(td(file))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ten := range ts {
				got = append(got, ten.Name)
			}
			if !slices.Equal(got, names) {
				t.Fatalf("names %v, want %v", got, names)
			}
			for _, ten := range ts {
				w := want[ten.Name]
				if string(ten.DType) != w.DType || !slices.Equal(ten.Shape, w.Shape) {
					t.Errorf("%s: %s %v, want %s %v", ten.Name, ten.DType, ten.Shape, w.DType, w.Shape)
					continue
				}
				if len(ten.Data) != ten.NumElements()*ten.DType.Size() {
					t.Errorf("%s: %d bytes for %d elements", ten.Name, len(ten.Data), ten.NumElements())
				}
				if ten.DType == Int64 {
					v, err := ten.Int64s()
					if err != nil {
						t.Fatal(err)
					}
					for i, raw := range w.Values {
						var x int64
						if err := json.Unmarshal(raw, &x); err != nil || v[i] != x {
							t.Errorf("%s[%d] = %d, want %s", ten.Name, i, v[i], raw)
						}
					}
					continue
				}
				v := ten.Float64s()
				for i, raw := range w.Values {
					var x float64
					var s string
					if json.Unmarshal(raw, &s) == nil {
						x = map[string]float64{"inf": math.Inf(1), "-inf": math.Inf(-1)}[s]
					} else if err := json.Unmarshal(raw, &x); err != nil {
						t.Fatal(err)
					}
					if v[i] != x {
						t.Errorf("%s[%d] = %v, want %v", ten.Name, i, v[i], x)
					}
				}
			}
		})
	}
}

// TestSameAsSafetensors reads checkpoints PyTorch saved, bare, wrapped and
// in the legacy format, and finds exactly the bits of the same state_dict
// written as safetensors.
func TestSameAsSafetensors(t *testing.T) {
	for _, c := range []struct{ pt, st string }{
		{"iris_mlp.pt", "iris_mlp.safetensors"},
		{"iris_mlp_legacy.pt", "iris_mlp.safetensors"},
		{"iris_mlp_proto4.pt", "iris_mlp.safetensors"},
		{"iris_mlp_wrapped.pt", "iris_mlp.safetensors"},
		{"resnet8.pt", "resnet8.safetensors"},
		{"resnet8_checkpoint.pt", "resnet8.safetensors"},
	} {
		t.Run(c.pt, func(t *testing.T) {
			ts, err := LoadStateDict(td(c.pt))
			if err != nil {
				t.Fatal(err)
			}
			f, err := rundir.Read(td(c.st))
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != len(f.Tensors) {
				t.Fatalf("%d tensors, want %d", len(ts), len(f.Tensors))
			}
			for i, ten := range ts {
				w := f.Tensors[i]
				if ten.Name != w.Name || !slices.Equal(ten.Shape, w.Shape) || !bytes.Equal(ten.Data, w.Data) {
					t.Errorf("tensor %d: %s %v differs from %s %v", i, ten.Name, ten.Shape, w.Name, w.Shape)
				}
			}
		})
	}
}

func TestRefusals(t *testing.T) {
	for _, c := range []struct {
		file string
		kind error
		msg  string
	}{
		{"evil.pt", ErrGlobal, "posix.system"},
		{"whole_model.pt", ErrGlobal, "__main__.IrisMLP"},
		{"dumps/S_resnet/S_0.pkl", ErrGlobal, "torch.nn.modules.linear.Linear"},
		{"dtypes.json", ErrMalformed, "not a torch.save file"},
	} {
		t.Run(c.file, func(t *testing.T) {
			_, err := LoadStateDict(td(c.file))
			if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.msg) || !strings.Contains(err.Error(), c.file) {
				t.Fatalf("error %v, want %v naming %q and the file", err, c.kind, c.msg)
			}
		})
	}
}
