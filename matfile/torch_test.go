package matfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/torchfile"
)

const torchData = "../testdata/torch/"

// A state_dict .pt of 2-D tensors reads as matrices equal to the dump
// directory's layer-paired factors, whatever the file is called.
func TestReadTorch(t *testing.T) {
	d, err := torchfile.ReadDumps(torchData+"dumps", torchfile.PairLayer)
	if err != nil {
		t.Fatal(err)
	}
	var want []torchfile.DumpLayer
	for _, s := range d.Steps {
		if s.Step == 50 {
			want = s.Layers
		}
	}
	src := torchData + "dumps/step50_by_layer.pt"
	noExt := filepath.Join(t.TempDir(), "pairs")
	if err := os.WriteFile(noExt, mustRead(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{src, noExt} {
		ms, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 2*len(want) {
			t.Fatalf("%s: %d matrices, want %d", path, len(ms), 2*len(want))
		}
		for i, l := range want {
			for side, w := range []*torchfile.Tensor{l.H, l.S} {
				m := ms[2*i+side]
				name := l.Name(torchfile.PairLayer) + "/" + [2]string{"H", "S"}[side]
				if m.Name != path+":"+name || m.Rows != w.Shape[0] || m.Cols != w.Shape[1] || !slices.Equal(m.Data, w.Float64s()) {
					t.Errorf("%s: matrix %s (%dx%d) differs from the dump's %s", path, m.Name, m.Rows, m.Cols, name)
				}
			}
		}
	}
}

// One dump file reads in its dict's order, named by index and class.
func TestReadTorchDump(t *testing.T) {
	var g struct {
		Steps []struct {
			Step int `json:"step"`
			S    []struct {
				Class  string    `json:"class"`
				Values []float64 `json:"values"`
			} `json:"S"`
		} `json:"steps"`
	}
	if err := json.Unmarshal(mustRead(t, torchData+"dumps/matrices.json"), &g); err != nil {
		t.Fatal(err)
	}
	path := torchData + "dumps/S_resnet/S_100.pkl"
	ms, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	want := g.Steps[2].S
	if g.Steps[2].Step != 100 || len(ms) != len(want) {
		t.Fatalf("%d matrices, want %d", len(ms), len(want))
	}
	for i, m := range ms {
		if m.Tensor != fmt.Sprintf("%d:%s", i, want[i].Class) || !slices.Equal(m.Data, want[i].Values) {
			t.Errorf("matrix %d: %s differs from %d:%s", i, m.Tensor, i, want[i].Class)
		}
	}
}

func TestReadTorchErrors(t *testing.T) {
	cases := []struct {
		file   string
		kinds  []error
		naming string
	}{
		{"iris_mlp.pt", []error{ErrNot2D}, `"fc1.bias"`},
		{"evil.pt", []error{ErrBadHeader, torchfile.ErrGlobal}, "posix.system"},
		{"whole_model.pt", []error{ErrBadHeader, torchfile.ErrGlobal}, "__main__.IrisMLP"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, err := Read(torchData + c.file)
			var e *Error
			if !errors.As(err, &e) || e.File != torchData+c.file {
				t.Fatalf("error %v is not an *Error naming the file", err)
			}
			for _, k := range c.kinds {
				if !errors.Is(err, k) {
					t.Errorf("error %v does not wrap %v", err, k)
				}
			}
			if !strings.Contains(err.Error(), c.naming) || strings.Count(err.Error(), c.file) != 1 {
				t.Errorf("error %q should name %s and the file once", err, c.naming)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
