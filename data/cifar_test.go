package data

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCIFAR writes n records of CIFAR-10's binary format: record r has
// label r%10 and pixel i of it is (r + i) % 256.
func writeCIFAR(t *testing.T, path string, n, first int) {
	t.Helper()
	b := make([]byte, 0, n*cifarRecord)
	for r := first; r < first+n; r++ {
		b = append(b, byte(r%10))
		for i := 0; i < cifarPixels; i++ {
			b = append(b, byte((r+i)%256))
		}
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// CIFARDir writes a tiny CIFAR-10 directory: two training files of 3 and 2
// records and a test file of 2.
func cifarDir(t *testing.T) string {
	dir := t.TempDir()
	writeCIFAR(t, filepath.Join(dir, "data_batch_1.bin"), 3, 0)
	writeCIFAR(t, filepath.Join(dir, "data_batch_2.bin"), 2, 3)
	writeCIFAR(t, filepath.Join(dir, "test_batch.bin"), 2, 7)
	return dir
}

func TestLoadCIFAR10(t *testing.T) {
	dir := cifarDir(t)
	train, test, err := Load("cifar10:"+dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 5 || test.Len() != 2 || train.Classes != 10 || len(train.Shape) != 3 || train.Shape[0] != 3 || train.Shape[1] != 32 {
		t.Fatalf("train %d, test %d, classes %d, shape %v", train.Len(), test.Len(), train.Classes, train.Shape)
	}
	for r := 0; r < 5; r++ {
		if train.Y[r] != r%10 {
			t.Errorf("label %d = %d", r, train.Y[r])
		}
	}
	if test.Y[0] != 7 || test.Y[1] != 8 {
		t.Errorf("test labels %v", test.Y)
	}
	// Record 4, pixel 2000 (green channel): (4 + 2000) % 256.
	want := (float64((4+2000)%256)/255 - 0.4822) / 0.1994
	if got := train.X[4*cifarPixels+2000]; math.Abs(got-want) > 1e-12 {
		t.Errorf("pixel = %v, want %v", got, want)
	}
	if z := train.ZeroPixel; len(z) != 3 || math.Abs(z[2]+0.4465/0.2010) > 1e-12 {
		t.Errorf("zero pixel %v", z)
	}
}

// TestLoadCIFAR10Bytes loads the same files keeping the bytes: every value
// X would hold is the byte's level, and the fingerprint is the same, so a
// run loaded either way matches its record; with Standardize the values are
// kept, as the scaler needs them.
func TestLoadCIFAR10Bytes(t *testing.T) {
	dir := cifarDir(t)
	for _, split := range []int{0, 1} {
		vals, _, err := Load("cifar10:"+dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		byts, _, err := Load("cifar10:"+dir, Options{Bytes: true})
		if err != nil {
			t.Fatal(err)
		}
		if split == 1 {
			_, vals, _ = Load("cifar10:"+dir, Options{})
			_, byts, _ = Load("cifar10:"+dir, Options{Bytes: true})
		}
		if byts.X != nil || len(byts.Pixels) != len(vals.X) {
			t.Fatalf("bytes: X %d values, %d pixels; want no values and %d pixels", len(byts.X), len(byts.Pixels), len(vals.X))
		}
		for i, b := range byts.Pixels {
			if v := byts.Levels[i%cifarPixels/(cifarSide*cifarSide)][b]; v != vals.X[i] {
				t.Fatalf("pixel %d: level %v, value %v", i, v, vals.X[i])
			}
		}
		if f, g := byts.Fingerprint(), vals.Fingerprint(); f != g {
			t.Fatalf("fingerprints differ: %s with bytes, %s with values", f, g)
		}
	}
	std, _, err := Load("cifar10:"+dir, Options{Bytes: true, Standardize: true})
	if err != nil {
		t.Fatal(err)
	}
	if std.X == nil || std.Pixels != nil {
		t.Fatal("Standardize kept bytes")
	}
}

func TestLoadCIFAR10Errors(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		want  string
	}{
		{"truncated", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "data_batch_1.bin")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:2*cifarRecord+1000], 0o644)
		}, "data_batch_1.bin is truncated or not CIFAR-10 binary: 7146 bytes are 2 whole records of 3073 bytes (1 label byte + 3072 pixels) and 1000 bytes more"},
		{"cifar-100 records", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "test_batch.bin"), make([]byte, 4*(cifarRecord+1)), 0o644)
		}, "test_batch.bin: 12296 bytes are whole records of 3074 bytes, not CIFAR-10's 3073"},
		{"bad label", func(t *testing.T, dir string) {
			p := filepath.Join(dir, "data_batch_2.bin")
			b, _ := os.ReadFile(p)
			b[cifarRecord] = 12
			os.WriteFile(p, b, 0o644)
		}, "data_batch_2.bin: record 1 has label 12, want 0-9"},
		{"no test file", func(t *testing.T, dir string) {
			os.Remove(filepath.Join(dir, "test_batch.bin"))
		}, "test_batch.bin not found"},
		{"empty", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "data_batch_1.bin"), nil, 0o644)
		}, "data_batch_1.bin is empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := cifarDir(t)
			c.setup(t, dir)
			_, _, err := Load("cifar10:"+dir, Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	if _, _, err := Load("cifar10:"+t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "data_batch_1.bin not found") {
		t.Errorf("empty directory: %v", err)
	}
}
