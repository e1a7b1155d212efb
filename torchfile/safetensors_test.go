package torchfile

import (
	"bytes"
	"path/filepath"
	"slices"
	"testing"

	"github.com/adafisher-go/landscape/rundir"
)

// TestConvertRoundTrip converts PyTorch's resnet8.pt to safetensors and
// back, and finds the same tensors, bit for bit, at each stage.
func TestConvertRoundTrip(t *testing.T) {
	dir := t.TempDir()
	st, pt := filepath.Join(dir, "r.safetensors"), filepath.Join(dir, "r.pt")
	if err := ConvertToSafetensors(td("resnet8.pt"), st); err != nil {
		t.Fatal(err)
	}
	if err := ConvertToStateDict(st, pt); err != nil {
		t.Fatal(err)
	}
	want, err := LoadStateDict(td("resnet8.pt"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := rundir.Read(st)
	if err != nil {
		t.Fatal(err)
	}
	if f.Metadata["format"] != "pt" {
		t.Errorf("metadata %v", f.Metadata)
	}
	back, err := LoadStateDict(pt)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range want {
		s, ok := f.Get(w.Name)
		if !ok || !slices.Equal(s.Shape, w.Shape) || !bytes.Equal(s.Data, w.Data) || s.DType != toST[w.DType] {
			t.Errorf("safetensors %s differs", w.Name)
		}
		i := slices.IndexFunc(back, func(b Tensor) bool { return b.Name == w.Name })
		if i < 0 || back[i].DType != w.DType || !slices.Equal(back[i].Shape, w.Shape) || !bytes.Equal(back[i].Data, w.Data) {
			t.Errorf(".pt %s differs", w.Name)
		}
	}
	if len(back) != len(want) {
		t.Errorf("%d tensors back, want %d", len(back), len(want))
	}
}

// A .pt loaded as a safetensors file holds what the same weights saved as
// safetensors hold.
func TestLoadAsSafetensors(t *testing.T) {
	got, err := LoadAsSafetensors(td("resnet8_checkpoint.pt"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := rundir.Read(td("resnet8.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tensors) != len(want.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
	}
	for _, w := range want.Tensors {
		g, ok := got.Get(w.Name)
		if !ok || g.DType != w.DType || !slices.Equal(g.Shape, w.Shape) || !bytes.Equal(g.Data, w.Data) {
			t.Errorf("%s differs", w.Name)
		}
	}
}
