package data_test

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/data"
)

// The fuzz targets below feed outside files to every parser of this package.
// The properties: no input panics or hangs; a parser allocates at most a small
// multiple of what it reads (float64 samples take 8 bytes per input byte, so
// the bound is generous, but a header that claims gigabytes must not make it
// allocate them); an accepted file gives a consistent dataset; an error names
// the file. Run one for a while with
//
//	go test -run XXX -fuzz FuzzLoadCSV -fuzztime 30s ./data
//
// and scripts/fuzz.sh runs them all.

// fuzzAllocBound is the most a parser may allocate for n input bytes.
func fuzzAllocBound(n int) uint64 { return 64*uint64(n) + 1<<20 }

// allocated returns the bytes that f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// checkDataset checks the invariants every loader promises.
func checkDataset(t *testing.T, d *data.Dataset) {
	t.Helper()
	per := 1
	for _, s := range d.Shape {
		if s <= 0 {
			t.Fatalf("shape %v has a non-positive dimension", d.Shape)
		}
		per *= s
	}
	targets := max(d.Targets, 1)
	if len(d.Y)%targets != 0 || len(d.X) != per*(len(d.Y)/targets) {
		t.Fatalf("%d features and %d labels for shape %v, %d targets per sample", len(d.X), len(d.Y), d.Shape, d.Targets)
	}
	for _, y := range d.Y {
		if y < 0 || y >= d.Classes {
			t.Fatalf("label %d outside [0, %d)", y, d.Classes)
		}
	}
}

func writeFuzzFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func FuzzLoadCSV(f *testing.F) {
	for _, s := range []string{
		"a,b,label\n1,2,0\n3,4,1\n",
		"\ufeffx,y\r\n1.5,0\r\n\r\n-2e3,2\r\n",
		"a,b,label\n1,2\n",
		"a,b,label\n1,NaN,0\n",
		"a,b,label\n1,1e999,0\n",
		"a,b,label\n1,2,-1\n",
		"a,b,label\n1,2,2.5\n",
		"a,b,label\n1,2,1e300\n",
		"a,b,label\n1,2,1048577\n",
		"a,\"b\nc\",label\n1,2,0\n",
		"a,b,label\n\"1,2,0\n",
		"label\n0\n",
		"a,b,label\n",
		"",
	} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile(filepath.Join("bundled", "iris.csv")); err == nil {
		f.Add(b)
	}
	path := filepath.Join(f.TempDir(), "table.csv")
	f.Fuzz(func(t *testing.T, b []byte) {
		writeFuzzFile(t, path, b)
		var d *data.Dataset
		var err error
		if n := allocated(func() { d, err = data.LoadCSV(path) }); n > fuzzAllocBound(len(b)) {
			t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
		}
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkDataset(t, d)
		if len(d.Shape) != 1 || len(d.FeatureNames) != d.Shape[0] {
			t.Fatalf("shape %v with %d feature names", d.Shape, len(d.FeatureNames))
		}
	})
}

// idxBytes encodes an IDX file of unsigned bytes.
func idxBytes(dims []int, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, 0x0800|uint32(len(dims)))
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, payload...)
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func FuzzLoadIDX(f *testing.F) {
	images := idxBytes([]int{3, 2, 2}, []byte{0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
	labels := idxBytes([]int{3}, []byte{0, 9, 1})
	f.Add(images, labels)
	f.Add(gzipBytes(images), gzipBytes(labels))
	f.Add(gzipBytes(images), labels)
	f.Add(labels, images)                                      // swapped
	f.Add(images[:10], labels)                                 // truncated header
	f.Add(images[:len(images)-1], labels)                      // truncated data
	f.Add(append(images[:len(images):len(images)], 7), labels) // trailing byte
	f.Add(idxBytes([]int{0xffffffff, 0xffff, 0xffff}, nil), labels)
	f.Add(idxBytes([]int{1 << 20, 32, 64}, nil), labels) // claims 2 GiB
	f.Add(images, idxBytes([]int{1 << 30}, nil))
	gz := gzipBytes(images)
	f.Add(gz[:len(gz)-4], labels) // no gzip trailer
	gz[len(gz)-6] ^= 0xff
	f.Add(gz, labels) // bad checksum
	dir := f.TempDir()
	imagesPath := filepath.Join(dir, "train-images-idx3-ubyte")
	labelsPath := filepath.Join(dir, "train-labels-idx1-ubyte")
	f.Fuzz(func(t *testing.T, images, labels []byte) {
		writeFuzzFile(t, imagesPath, images)
		writeFuzzFile(t, labelsPath, labels)
		var d *data.Dataset
		var err error
		n := allocated(func() { d, err = data.LoadIDX(imagesPath, labelsPath) })
		// A gzip stream may legitimately expand; bound by what it holds.
		size := decompressedSize(images) + decompressedSize(labels)
		if n > fuzzAllocBound(size) {
			t.Fatalf("%d bytes allocated for files of %d (decompressed) bytes", n, size)
		}
		if err != nil {
			if msg := err.Error(); !strings.Contains(msg, imagesPath) && !strings.Contains(msg, labelsPath) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkDataset(t, d)
		for _, x := range d.X {
			if x < 0 || x > 1 {
				t.Fatalf("pixel %v outside [0, 1]", x)
			}
		}
	})
}

// decompressedSize is the size of b, or of as much of it as gunzips.
func decompressedSize(b []byte) int {
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return len(b)
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return len(b)
	}
	var n int64
	buf := make([]byte, 32<<10)
	for {
		k, err := r.Read(buf)
		n += int64(k)
		if err != nil || n > 1<<31 {
			break
		}
	}
	return max(len(b), int(n))
}

func FuzzLoadCIFAR10(f *testing.F) {
	const record = 3073
	rec := func(label byte) []byte {
		b := make([]byte, record)
		b[0] = label
		for i := 1; i < record; i++ {
			b[i] = byte(i * 7)
		}
		return b
	}
	f.Add(rec(3))
	f.Add(append(rec(0), rec(9)...))
	f.Add(rec(10))           // label out of range
	f.Add(rec(1)[:record-1]) // truncated
	f.Add(append(rec(1), rec(2)...)[:2*record-5])
	f.Add(append([]byte{0}, rec(5)...)) // a CIFAR-100 record: 3074 bytes
	f.Add([]byte{})
	dir := f.TempDir()
	trainPath := filepath.Join(dir, "data_batch_1.bin")
	testPath := filepath.Join(dir, "test_batch.bin")
	writeFuzzFile(f, testPath, rec(4))
	f.Fuzz(func(t *testing.T, b []byte) {
		writeFuzzFile(t, trainPath, b)
		var train, test *data.Dataset
		var err error
		if n := allocated(func() { train, test, err = data.LoadCIFAR10(dir) }); n > fuzzAllocBound(len(b)+record) {
			t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
		}
		if err != nil {
			if !strings.Contains(err.Error(), trainPath) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkDataset(t, train)
		checkDataset(t, test)
		if len(b) != train.Len()*record {
			t.Fatalf("%d bytes gave %d records", len(b), train.Len())
		}
	})
}

func FuzzLoadText(f *testing.F) {
	f.Add([]byte("hello, world: a short text to cut into windows\n"), uint8(4), uint8(10))
	f.Add([]byte("ab"), uint8(1), uint8(50))
	f.Add([]byte{}, uint8(1), uint8(50))
	f.Add([]byte{0xff, 0, 0x80, 10, 13}, uint8(0), uint8(0))
	path := filepath.Join(f.TempDir(), "text.txt")
	f.Fuzz(func(t *testing.T, b []byte, context, percent uint8) {
		writeFuzzFile(t, path, b)
		var train, test *data.Dataset
		var err error
		n := allocated(func() { train, test, err = data.LoadText(path, int(context), float64(percent)/100) })
		if n > fuzzAllocBound(len(b)) {
			t.Fatalf("%d bytes allocated for a %d-byte file", n, len(b))
		}
		if err != nil {
			if context > 0 && percent > 0 && percent < 100 && !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		checkDataset(t, train)
		checkDataset(t, test)
	})
}
