package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/torchfile"
)

// A PyTorch checkpoint converts to the same tensors as the safetensors file
// PyTorch wrote beside it, and back to a .pt with the same tensors.
func TestConvert(t *testing.T) {
	td := filepath.Join("..", "..", "testdata", "torch")
	dir := t.TempDir()
	st, pt := filepath.Join(dir, "w.safetensors"), filepath.Join(dir, "w.pt")
	var out, errb bytes.Buffer
	for _, args := range [][]string{{"convert", filepath.Join(td, "iris_mlp_wrapped.pt"), st}, {"convert", st, pt}} {
		if code := run(args, &out, &errb); code != 0 {
			t.Fatalf("landscape %s: exit %d: %s", strings.Join(args, " "), code, errb.String())
		}
	}
	got, err := rundir.Read(st)
	if err != nil {
		t.Fatal(err)
	}
	want, err := rundir.Read(filepath.Join(td, "iris_mlp.safetensors"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Tensors) != len(want.Tensors) {
		t.Fatalf("%d tensors, want %d", len(got.Tensors), len(want.Tensors))
	}
	for _, w := range want.Tensors {
		g, ok := got.Get(w.Name)
		if !ok || g.DType != w.DType || !bytes.Equal(g.Data, w.Data) || len(g.Shape) != len(w.Shape) {
			t.Errorf("tensor %s differs after conversion", w.Name)
		}
	}
	back, err := torchfile.LoadStateDict(pt)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range back {
		w, ok := want.Get(b.Name)
		if !ok || !bytes.Equal(b.Data, w.Data) {
			t.Errorf("tensor %s differs after the round trip through .pt", b.Name)
		}
	}
	if code := run([]string{"convert", st, filepath.Join(dir, "w.npy")}, &out, &errb); code != 2 {
		t.Errorf("an output that is neither .pt nor .safetensors: exit %d, want 2", code)
	}
}
