package data

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// CIFAR-10's binary format: records of one label byte (0-9) and 3072 pixel
// bytes, the 1024 red, then green, then blue values of a 32x32 image in
// row-major order.
const (
	cifarSide    = 32
	cifarPixels  = 3 * cifarSide * cifarSide
	cifarRecord  = 1 + cifarPixels
	cifarClasses = 10
)

// CIFARMean and CIFARStd are the per-channel normalisation of the official
// AdaFisher code (reference section 9): x = (pixel/255 - mean) / std.
var (
	CIFARMean = [3]float64{0.4914, 0.4822, 0.4465}
	CIFARStd  = [3]float64{0.2023, 0.1994, 0.2010}
)

// LoadCIFAR10 reads CIFAR-10's binary version from dir: the training split
// from data_batch_1.bin to data_batch_5.bin (those present; the first is
// required, the full dataset has all five) and the test split from
// test_batch.bin. Images are [3, 32, 32], normalised with CIFARMean and
// CIFARStd; ZeroPixel is set to the normalised value of a black pixel.
// Errors name the file and say what is wrong: a missing file, a size that is
// not a whole number of 3073-byte records (a truncated file, or CIFAR-100's
// 3074-byte records), or a label outside 0-9.
func LoadCIFAR10(dir string) (train, test *Dataset, err error) { return loadCIFAR10(dir, false) }

// loadCIFAR10 is LoadCIFAR10, keeping the pixels' bytes in Pixels instead
// of their values in X when bytes is set.
func loadCIFAR10(dir string, bytes bool) (train, test *Dataset, err error) {
	var files []string
	for i := 1; i <= 5; i++ {
		p := filepath.Join(dir, fmt.Sprintf("data_batch_%d.bin", i))
		if _, err := os.Stat(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) && i > 1 {
				continue
			}
			return nil, nil, cifarMissing(dir, p, err)
		}
		files = append(files, p)
	}
	if train, err = readCIFARFiles(files, bytes); err != nil {
		return nil, nil, err
	}
	p := filepath.Join(dir, "test_batch.bin")
	if _, err := os.Stat(p); err != nil {
		return nil, nil, cifarMissing(dir, p, err)
	}
	if test, err = readCIFARFiles([]string{p}, bytes); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// cifarValue is pixel byte v of channel c, normalised.
func cifarValue(v byte, c int) float64 { return (float64(v)/255 - CIFARMean[c]) / CIFARStd[c] }

func cifarMissing(dir, path string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cifar10: %s not found: --dataset cifar10:DIR wants the binary version's data_batch_1.bin ... data_batch_5.bin and test_batch.bin in DIR (%s), as extracted from cifar-10-binary.tar.gz", filepath.Base(path), dir)
	}
	return fmt.Errorf("cifar10: %w", err)
}

func readCIFARFiles(paths []string, bytes bool) (*Dataset, error) {
	d := &Dataset{Name: "cifar10", Shape: []int{3, cifarSide, cifarSide}, Classes: cifarClasses}
	for c := range 3 {
		d.ZeroPixel = append(d.ZeroPixel, -CIFARMean[c]/CIFARStd[c])
		levels := make([]float64, 256)
		for b := range levels {
			levels[b] = cifarValue(byte(b), c)
		}
		d.Levels = append(d.Levels, levels)
	}
	// One allocation for all the files' pixels (as float64, 8 bytes per
	// pixel: 1.2 GB for the training split), not one per file: growing
	// file by file holds the old and the new array at once.
	total := 0
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			total += int(st.Size()) / cifarRecord
		}
	}
	if bytes {
		d.Pixels = make([]uint8, 0, total*cifarPixels)
	} else {
		d.X = make([]float64, 0, total*cifarPixels)
	}
	d.Y = make([]int, 0, total)
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("cifar10: %w", err)
		}
		if err := appendCIFAR(d, b, p); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// appendCIFAR decodes the records of one file into d.
func appendCIFAR(d *Dataset, b []byte, name string) error {
	switch {
	case len(b) == 0:
		return fmt.Errorf("cifar10: %s is empty", name)
	case len(b)%cifarRecord != 0 && len(b)%(cifarRecord+1) == 0:
		return fmt.Errorf("cifar10: %s: %d bytes are whole records of %d bytes, not CIFAR-10's %d (1 label byte + 3072 pixels): this looks like CIFAR-100's binary format (2 label bytes)",
			name, len(b), cifarRecord+1, cifarRecord)
	case len(b)%cifarRecord != 0:
		return fmt.Errorf("cifar10: %s is truncated or not CIFAR-10 binary: %d bytes are %d whole records of %d bytes (1 label byte + 3072 pixels) and %d bytes more",
			name, len(b), len(b)/cifarRecord, cifarRecord, len(b)%cifarRecord)
	}
	n := len(b) / cifarRecord
	for r := range n {
		rec := b[r*cifarRecord : (r+1)*cifarRecord]
		if rec[0] >= cifarClasses {
			return fmt.Errorf("cifar10: %s: record %d has label %d, want 0-9: the records are not CIFAR-10's %d bytes (1 label byte + 3072 pixels)", name, r, rec[0], cifarRecord)
		}
		d.Y = append(d.Y, int(rec[0]))
		if d.Pixels != nil {
			d.Pixels = append(d.Pixels, rec[1:]...)
			continue
		}
		for i, v := range rec[1:] {
			c := i / (cifarSide * cifarSide)
			d.X = append(d.X, cifarValue(v, c))
		}
	}
	return nil
}
