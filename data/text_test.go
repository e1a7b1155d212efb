package data

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadText(t *testing.T) {
	p := filepath.Join(t.TempDir(), "corpus.txt")
	text := "abcdefghijklmnopqrstuvwxyz0123456789ABCD" // 40 bytes: 30 train, 10 validation
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	train, test, err := Load("text:"+p, Options{Context: 4, TestFraction: 0.25})
	if err != nil {
		t.Fatal(err)
	}
	// 30 training bytes: (30-1)/4 = 7 windows; 10 validation bytes: 2.
	if train.Len() != 7 || train.Targets != 4 || train.Classes != 256 || train.Shape[0] != 4 {
		t.Fatalf("train: %d windows, targets %d, classes %d, shape %v", train.Len(), train.Targets, train.Classes, train.Shape)
	}
	if test.Len() != 2 || test.X[0] != '4' {
		t.Fatalf("validation: %d windows", test.Len())
	}
	// Window 1 is "efgh" with targets "fghi".
	for i, c := range "efgh" {
		if train.X[4+i] != float64(c) || train.Labels(1)[i] != int("fghi"[i]) {
			t.Fatalf("window 1: %v -> %v", train.X[4:8], train.Labels(1))
		}
	}
	// A batch carries every target of its windows.
	b, err := NewBatcher(train, 2, true, 1)
	if err != nil {
		t.Fatal(err)
	}
	x, y := b.Batch(0, 1, nil, nil)
	if len(x) != 8 || len(y) != 8 {
		t.Fatalf("batch of %d values and %d labels, want 8 and 8", len(x), len(y))
	}
	for i := range x {
		if y[i] != int(x[i])+1 && !(x[i] == 'z' && y[i] == '0') {
			t.Fatalf("target %c after %c", y[i], int(x[i]))
		}
	}
	sub := train.Subset([]int{2, 0})
	if sub.Len() != 2 || sub.Targets != 4 || sub.Labels(1)[0] != 'b' {
		t.Errorf("subset: %d windows, labels %v", sub.Len(), sub.Y)
	}
}

func TestLoadTextErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "short.txt")
	os.WriteFile(p, []byte("tiny"), 0o644)
	if _, _, err := Load("text:"+p, Options{Context: 8}); err == nil || !strings.Contains(err.Error(), "want at least one of each") {
		t.Errorf("short text: %v", err)
	}
	if _, _, err := Load("text:"+p, Options{Standardize: true}); err == nil {
		t.Error("--standardize on tokens: no error")
	}
	if _, _, err := Load("text:/nonexistent/file", Options{}); err == nil {
		t.Error("missing file: no error")
	}
}
