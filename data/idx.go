package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// Magic numbers of the IDX files this package reads: unsigned bytes (type
// 0x08) in 3 dimensions (images: count, rows, columns) or 1 (labels).
const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801
)

// maxIDXBytes bounds the payload of an IDX file, so that a corrupt header
// cannot ask for an absurd allocation. Fashion-MNIST's training images take
// 47 MB.
const maxIDXBytes = 1 << 31

// LoadIDX reads an IDX image file and its IDX label file; see ReadIDX. Errors
// name the offending file. The dataset is named after the images file.
func LoadIDX(imagesPath, labelsPath string) (*Dataset, error) {
	fi, err := os.Open(imagesPath)
	if err != nil {
		return nil, err
	}
	defer fi.Close()
	fl, err := os.Open(labelsPath)
	if err != nil {
		return nil, err
	}
	defer fl.Close()
	d, err := readIDX(fi, fl, imagesPath, labelsPath)
	if err != nil {
		return nil, err
	}
	d.Name = imagesPath
	return d, nil
}

// ReadIDX reads images and labels in the IDX format of MNIST and
// Fashion-MNIST: an images stream with magic 0x00000803 and dimensions
// (count, rows, columns) of unsigned bytes, and a labels stream with magic
// 0x00000801 holding count bytes. Either stream may be gzip-compressed, which
// is detected from its first bytes; gzip checksums are verified.
//
// Pixels are divided by 255, so X lies in [0, 1]; Shape is [1, rows, cols]
// and Classes the largest label plus one. Errors report a bad magic number,
// truncated headers or data (bytes expected and found), trailing bytes, a
// corrupt gzip stream, or images and labels of different counts.
func ReadIDX(images, labels io.Reader) (*Dataset, error) {
	return readIDX(images, labels, "images", "labels")
}

func readIDX(images, labels io.Reader, imagesName, labelsName string) (*Dataset, error) {
	dims, pix, err := readIDXFile(images, imagesName, idxImagesMagic)
	if err != nil {
		return nil, err
	}
	n, rows, cols := dims[0], dims[1], dims[2]
	if n == 0 || rows == 0 || cols == 0 {
		return nil, fmt.Errorf("%s: empty: %d images of %dx%d", imagesName, n, rows, cols)
	}
	ldims, lab, err := readIDXFile(labels, labelsName, idxLabelsMagic)
	if err != nil {
		return nil, err
	}
	if ldims[0] != n {
		return nil, fmt.Errorf("%s holds %d images but %s holds %d labels", imagesName, n, labelsName, ldims[0])
	}
	d := &Dataset{
		X:     make([]float64, len(pix)),
		Shape: []int{1, rows, cols},
		Y:     make([]int, n),
	}
	for i, p := range pix {
		d.X[i] = float64(p) / 255
	}
	for i, l := range lab {
		d.Y[i] = int(l)
		d.Classes = max(d.Classes, int(l)+1)
	}
	return d, nil
}

// readIDXFile reads one IDX stream of unsigned bytes whose magic must be want,
// returning its dimensions and payload.
func readIDXFile(r io.Reader, name string, want uint32) (dims []int, payload []byte, err error) {
	br := bufio.NewReader(r)
	src := io.Reader(br)
	kind := "data"
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: corrupt or truncated gzip stream: %w", name, err)
		}
		defer gz.Close()
		src, kind = gz, "decompressed data"
	}
	wrap := func(what string, want int64, got int, err error) error {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: truncated %s: want %d bytes, found %d", name, what, want, got)
		}
		if kind != "data" {
			return fmt.Errorf("%s: corrupt or truncated gzip stream in %s after %d of %d bytes: %w", name, what, got, want, err)
		}
		return fmt.Errorf("%s: reading %s after %d of %d bytes: %w", name, what, got, want, err)
	}

	head, err := readN(src, 4)
	if err != nil {
		return nil, nil, wrap("header", 4, len(head), err)
	}
	magic := binary.BigEndian.Uint32(head)
	if magic != want {
		what := "IDX labels"
		if want == idxImagesMagic {
			what = "IDX images of unsigned bytes in 3 dimensions"
		}
		hint := ""
		switch magic {
		case idxImagesMagic:
			hint = " (an images file: are images and labels swapped?)"
		case idxLabelsMagic:
			hint = " (a labels file: are images and labels swapped?)"
		}
		return nil, nil, fmt.Errorf("%s: bad magic number 0x%08x, want 0x%08x for %s%s", name, magic, want, what, hint)
	}
	nd := int(magic & 0xff)
	hdr, err := readN(src, int64(4*nd))
	if err != nil {
		return nil, nil, wrap("header", int64(4+4*nd), 4+len(hdr), err)
	}
	size := int64(1)
	dims = make([]int, nd)
	for i := range dims {
		v := binary.BigEndian.Uint32(hdr[4*i:])
		dims[i] = int(v)
		size *= int64(v)
		if size > maxIDXBytes {
			return nil, nil, fmt.Errorf("%s: dimensions %v exceed %d bytes", name, dims[:i+1], int64(maxIDXBytes))
		}
	}
	payload, err = readN(src, size)
	if err != nil {
		return nil, nil, wrap(fmt.Sprintf("%s for dimensions %v", kind, dims), size, len(payload), err)
	}
	// Read to the end: that is where gzip verifies its checksum, and any
	// trailing bytes mean the header does not describe the file.
	extra, err := io.Copy(io.Discard, src)
	if err != nil {
		if kind != "data" {
			return nil, nil, fmt.Errorf("%s: corrupt or truncated gzip stream: %w", name, err)
		}
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	if extra > 0 {
		return nil, nil, fmt.Errorf("%s: %d trailing bytes after the %d bytes of %s for dimensions %v", name, extra, size, kind, dims)
	}
	return dims, payload, nil
}

// readN reads exactly n bytes. If the stream ends first it returns what it
// read and io.EOF; any other error is returned as is (a truncated gzip
// stream, for one, reports io.ErrUnexpectedEOF). The buffer grows with what
// arrives, not with n, so that a header claiming gigabytes in a short file
// costs nothing.
func readN(r io.Reader, n int64) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(min(n, 64<<10)))
	_, err := io.CopyN(&buf, r, n)
	return buf.Bytes(), err
}
