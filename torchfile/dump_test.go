package torchfile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dumpGolden is dumps/matrices.json: what pickle.load gave in Python.
type dumpGolden struct {
	Steps []struct {
		Step int          `json:"step"`
		HRaw []goldMatrix `json:"H"`
		SRaw []goldMatrix `json:"S"`
	} `json:"steps"`
	ModelOrder []string `json:"model_order"`
	HOrder     []int    `json:"H_order"`
	SOrder     []int    `json:"S_order"`
}

type goldMatrix struct {
	Class  string    `json:"class"`
	Shape  []int     `json:"shape"`
	Values []float64 `json:"values"`
}

func checkMatrix(t *testing.T, where string, got *Tensor, want goldMatrix) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: no matrix, want %s %v", where, want.Class, want.Shape)
		return
	}
	if !slices.Equal(got.Shape, want.Shape) || !slices.Equal(got.Float64s(), want.Values) {
		t.Errorf("%s: %v matrix differs from %s %v", where, got.Shape, want.Class, want.Shape)
	}
}

func TestReadDumps(t *testing.T) {
	var g dumpGolden
	if err := json.Unmarshal(readTestFile(t, td("dumps/matrices.json")), &g); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(g.HOrder, []int{0, 1, 2, 3}) || !slices.Equal(g.SOrder, []int{3, 2, 1, 0}) {
		t.Fatalf("the generated dumps should have H in model order and S reversed: %v %v", g.HOrder, g.SOrder)
	}
	for _, p := range []Pairing{PairReference, PairLayer} {
		t.Run(string(p), func(t *testing.T) {
			d, err := ReadDumps(td("dumps"), p)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Steps) != len(g.Steps) {
				t.Fatalf("%d steps, want %d", len(d.Steps), len(g.Steps))
			}
			for k, st := range d.Steps {
				gs := g.Steps[k]
				if st.Step != gs.Step || len(st.Layers) != len(gs.HRaw) {
					t.Fatalf("step %d with %d layers, want step %d with %d", st.Step, len(st.Layers), gs.Step, len(gs.HRaw))
				}
				for i, l := range st.Layers {
					checkMatrix(t, l.Name(p)+"/H", l.H, gs.HRaw[i])
					wantS := i // the notebooks' index pairing
					if p == PairLayer {
						wantS = slices.Index(g.SOrder, i)
					}
					checkMatrix(t, l.Name(p)+"/S", l.S, gs.SRaw[wantS])
					if l.HModule.Position != i || l.HModule.Class != g.ModelOrder[i] {
						t.Errorf("H module %+v, want %s at %d", l.HModule, g.ModelOrder[i], i)
					}
					if pos := g.SOrder[wantS]; l.SModule.Position != pos || l.SModule.Class != g.ModelOrder[pos] {
						t.Errorf("S module %+v, want %s at %d", l.SModule, g.ModelOrder[pos], pos)
					}
				}
			}
			if p == PairReference {
				if got := d.Steps[0].Layers[3].Name(p); got != "#3 H=03.Linear S=00.Conv2d" {
					t.Errorf("name %q", got)
				}
			} else if got := d.Steps[0].Layers[1].Name(p); got != "01.BatchNorm2d" {
				t.Errorf("name %q", got)
			}
		})
	}
}

func TestReadDumpsErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadDumps(dir, PairLayer); err == nil || !strings.Contains(err.Error(), "H_bar_resnet") {
		t.Errorf("empty directory: %v", err)
	}
	if _, err := ReadDumps(td("dumps"), "index"); err == nil {
		t.Error("unknown pairing accepted")
	}
	// A step with an H file and no S file.
	for _, sub := range []string{"H_bar_resnet", "S_resnet"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, td("dumps/H_bar_resnet/H_bar_50.pkl"), filepath.Join(dir, "H_bar_resnet", "H_bar_50.pkl"))
	if _, err := ReadDumps(dir, PairLayer); err == nil || !strings.Contains(err.Error(), "S_50.pkl") {
		t.Errorf("missing S file: %v", err)
	}
	d, err := OpenDumps(td("dumps"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Steps, []int{0, 50, 100}) {
		t.Errorf("steps %v", d.Steps)
	}
	if _, err := d.Step(75, PairLayer); err == nil || !strings.Contains(err.Error(), "no step 75") {
		t.Errorf("step 75: %v", err)
	}
	// Without the admitted globals, a dump is refused by name.
	b := readTestFile(t, td("dumps/S_resnet/S_50.pkl"))
	if _, err := decodeDump(b, admit([]string{"torch.nn.modules."})); !errors.Is(err, ErrGlobal) || !strings.Contains(err.Error(), "builtins.getattr") {
		t.Errorf("narrow allow-list: %v", err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	if err := os.WriteFile(to, readTestFile(t, from), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestPositions pairs S entries with H entries by fingerprint, falls back to
// backward (reversed) order only when fingerprints repeat, and reports a
// module whose S is missing (a backward hook that never fired).
func TestPositions(t *testing.T) {
	e := func(class string, print byte) dumpEntry {
		return dumpEntry{class: class, print: [32]byte{print}, matrix: &Tensor{Shape: []int{1, 1}, DType: Float64, Data: make([]byte, 8)}}
	}
	cases := []struct {
		name string
		h, s []dumpEntry
		want []int
		err  string
	}{
		{"by fingerprint", []dumpEntry{e("Conv2d", 1), e("Linear", 2), e("Linear", 3)}, []dumpEntry{e("Linear", 2), e("Linear", 3), e("Conv2d", 1)}, []int{1, 2, 0}, ""},
		{"stem S missing", []dumpEntry{e("Conv2d", 1), e("Linear", 2)}, []dumpEntry{e("Linear", 2)}, []int{1}, ""},
		{"unknown S", []dumpEntry{e("Conv2d", 1)}, []dumpEntry{e("Linear", 9)}, []int{-1}, ""},
		{"twins, reversed", []dumpEntry{e("BatchNorm2d", 1), e("BatchNorm2d", 1), e("Linear", 2)}, []dumpEntry{e("Linear", 2), e("BatchNorm2d", 1), e("BatchNorm2d", 1)}, []int{2, 1, 0}, ""},
		{"twins, not reversed", []dumpEntry{e("BatchNorm2d", 1), e("BatchNorm2d", 1), e("Linear", 2)}, []dumpEntry{e("BatchNorm2d", 1), e("BatchNorm2d", 1), e("Linear", 2)}, nil, "reversed"},
		{"twins, counts differ", []dumpEntry{e("BatchNorm2d", 1), e("BatchNorm2d", 1)}, []dumpEntry{e("BatchNorm2d", 1)}, nil, "2 H against 1 S"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := positions(c.h, c.s)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one saying %q", err, c.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Fatalf("positions %v (%v), want %v", got, err, c.want)
			}
			layers, err := pair(c.h, c.s, PairLayer)
			if err != nil {
				t.Fatal(err)
			}
			extra := len(c.h)
			for j, p := range c.want {
				if p < 0 {
					p, extra = extra, extra+1 // after the H modules
				}
				if layers[p].S != c.s[j].matrix || layers[p].SModule.Position != p || layers[p].SModule.Class != c.s[j].class {
					t.Errorf("layer %d (%+v) does not hold S entry %d", p, layers[p].SModule, j)
				}
			}
		})
	}
}

// Dumps written with torch.save (zip) read as the pickle.dump ones do.
func TestReadDumpsTorchSave(t *testing.T) {
	a, err := ReadDumps(td("dumps"), PairLayer)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadDumps(td("dumps_torchsave"), PairLayer)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Steps) != 1 || b.Steps[0].Step != 50 || a.Steps[1].Step != 50 {
		t.Fatalf("steps %+v", b.Steps)
	}
	la, lb := a.Steps[1].Layers, b.Steps[0].Layers
	if len(la) != len(lb) {
		t.Fatalf("%d layers, want %d", len(lb), len(la))
	}
	for i := range la {
		if la[i].Name(PairLayer) != lb[i].Name(PairLayer) ||
			!slices.Equal(la[i].H.Float64s(), lb[i].H.Float64s()) || !slices.Equal(la[i].S.Float64s(), lb[i].S.Float64s()) {
			t.Errorf("layer %d: %s differs from %s", i, lb[i].Name(PairLayer), la[i].Name(PairLayer))
		}
	}
}
