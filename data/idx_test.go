package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// idxFile encodes an IDX file of unsigned bytes.
func idxFile(dims []int, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, 0x0800|uint32(len(dims)))
	for _, d := range dims {
		b = binary.BigEndian.AppendUint32(b, uint32(d))
	}
	return append(b, payload...)
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// idxPair returns n images of rows x cols with distinct pixels, and labels.
func idxPair(n, rows, cols int) (images, labels []byte, pix []byte, lab []int) {
	pix = make([]byte, n*rows*cols)
	for i := range pix {
		pix[i] = byte(i * 37 % 256)
	}
	lb := make([]byte, n)
	lab = make([]int, n)
	for i := range lb {
		lb[i] = byte(i % 4)
		lab[i] = i % 4
	}
	return idxFile([]int{n, rows, cols}, pix), idxFile([]int{n}, lb), pix, lab
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIDXRoundTrip(t *testing.T) {
	images, labels, pix, lab := idxPair(5, 3, 2)
	for _, tc := range []struct {
		name             string
		imgGzip, labGzip bool
		imgName, labName string
	}{
		{"raw", false, false, "img", "lab"},
		{"gzip", true, true, "img.gz", "lab.gz"},
		{"gzip without .gz", true, true, "img", "lab"},
		{"raw named .gz", false, false, "img.gz", "lab.gz"},
		{"mixed", true, false, "img.gz", "lab"},
	} {
		ib, lb := images, labels
		if tc.imgGzip {
			ib = gzipped(ib)
		}
		if tc.labGzip {
			lb = gzipped(lb)
		}
		dir := t.TempDir()
		ip, lp := writeFile(t, dir, tc.imgName, ib), writeFile(t, dir, tc.labName, lb)
		for via, load := range map[string]func() (*Dataset, error){
			"LoadIDX": func() (*Dataset, error) { return LoadIDX(ip, lp) },
			"ReadIDX": func() (*Dataset, error) { return ReadIDX(bytes.NewReader(ib), bytes.NewReader(lb)) },
		} {
			d, err := load()
			if err != nil {
				t.Errorf("%s %s: %v", tc.name, via, err)
				continue
			}
			if !slices.Equal(d.Shape, []int{1, 3, 2}) || d.Len() != 5 || d.Classes != 4 || !slices.Equal(d.Y, lab) {
				t.Errorf("%s %s: shape %v, %d samples, %d classes, labels %v", tc.name, via, d.Shape, d.Len(), d.Classes, d.Y)
			}
			if len(d.X) != len(pix) {
				t.Fatalf("%s %s: %d values, want %d", tc.name, via, len(d.X), len(pix))
			}
			for i, p := range pix {
				if d.X[i] != float64(p)/255 {
					t.Errorf("%s %s: X[%d] = %g, want %d/255", tc.name, via, i, d.X[i], p)
					break
				}
			}
		}
	}
}

// TestIDXErrors checks that broken IDX files are rejected with an error that
// names the file and says what is wrong.
func TestIDXErrors(t *testing.T) {
	images, labels, _, _ := idxPair(4, 2, 3) // 16+24 and 8+4 bytes
	corruptCRC := gzipped(images)
	corruptCRC[len(corruptCRC)-8] ^= 0xff // the CRC-32 in the gzip trailer
	corruptData := gzipped(images)
	corruptData[len(corruptData)/2] ^= 0xff
	shortLabels := idxFile([]int{3}, []byte{0, 1, 2})
	for _, tc := range []struct {
		name           string
		images, labels []byte
		bad            string // "images" or "labels": the file to be named
		want           []string
	}{
		{"empty images", nil, labels, "images", []string{"truncated header: want 4 bytes, found 0"}},
		{"truncated magic", images[:2], labels, "images", []string{"truncated header: want 4 bytes, found 2"}},
		{"truncated dims", images[:9], labels, "images", []string{"truncated header: want 16 bytes, found 9"}},
		{"truncated pixels", images[:30], labels, "images", []string{"truncated data", "want 24 bytes, found 14"}},
		{"truncated labels", images, labels[:10], "labels", []string{"truncated data", "want 4 bytes, found 2"}},
		{"truncated label header", images, labels[:6], "labels", []string{"truncated header: want 8 bytes, found 6"}},
		{"gzip of truncated pixels", gzipped(images[:30]), labels, "images", []string{"truncated decompressed data", "want 24 bytes, found 14"}},
		{"gzip of truncated header", gzipped(images[:9]), labels, "images", []string{"truncated header: want 16 bytes, found 9"}},
		{"truncated gzip", gzipped(images)[:20], labels, "images", []string{"gzip"}},
		{"truncated gzip trailer", corruptCRC[:len(corruptCRC)-3], labels, "images", []string{"gzip"}},
		{"gzip checksum", corruptCRC, labels, "images", []string{"gzip", "checksum"}},
		{"corrupt gzip data", corruptData, labels, "images", []string{"gzip"}},
		{"corrupt gzip header", []byte{0x1f, 0x8b, 0, 0, 0, 0}, labels, "images", []string{"gzip"}},
		{"labels checksum", images, func() []byte { b := gzipped(labels); b[len(b)-7] ^= 1; return b }(), "labels", []string{"gzip", "checksum"}},
		{"bad magic", append([]byte{0, 0, 9, 3}, images[4:]...), labels, "images", []string{"bad magic number 0x00000903, want 0x00000803"}},
		{"text file", []byte("sepal_length,sepal_width\n1,2\n"), labels, "images", []string{"bad magic number"}},
		{"swapped", labels, images, "images", []string{"bad magic", "swapped"}},
		{"labels with 2 dims", images, idxFile([]int{4, 1}, []byte{0, 1, 2, 3}), "labels", []string{"bad magic number 0x00000802, want 0x00000801"}},
		{"count mismatch", images, shortLabels, "labels", []string{"4 images", "3 labels"}},
		{"trailing bytes", append(slices.Clone(images), 1, 2, 3), labels, "images", []string{"3 trailing bytes"}},
		{"no images", idxFile([]int{0, 2, 3}, nil), idxFile([]int{0}, nil), "images", []string{"empty"}},
		{"huge dims", idxFile([]int{1 << 20, 1 << 10, 1 << 10}, nil), labels, "images", []string{"exceed"}},
	} {
		dir := t.TempDir()
		ip := writeFile(t, dir, "imgs-idx3-ubyte.gz", tc.images)
		lp := writeFile(t, dir, "labs-idx1-ubyte", tc.labels)
		_, err := LoadIDX(ip, lp)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		msg := err.Error()
		file := ip
		if tc.bad == "labels" {
			file = lp
		}
		if !strings.Contains(msg, file) {
			t.Errorf("%s: error %q does not name %s", tc.name, msg, file)
		}
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error %q does not contain %q", tc.name, msg, w)
			}
		}
		// ReadIDX reports the same problem without paths.
		if _, err := ReadIDX(bytes.NewReader(tc.images), bytes.NewReader(tc.labels)); err == nil || !strings.Contains(err.Error(), tc.bad) {
			t.Errorf("%s: ReadIDX error %v does not name %s", tc.name, err, tc.bad)
		}
	}
}

func TestLoadIDXMissingFile(t *testing.T) {
	dir := t.TempDir()
	images, _, _, _ := idxPair(1, 1, 1)
	ip := writeFile(t, dir, "images", images)
	lp := filepath.Join(dir, "labels")
	if _, err := LoadIDX(ip, lp); err == nil || !strings.Contains(err.Error(), lp) {
		t.Errorf("missing labels: %v", err)
	}
}
