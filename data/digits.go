package data

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
)

// Digits returns the bundled digits data set (scikit-learn's load_digits):
// 1797 8x8 images with pixels scaled to [0, 1], Shape [1, 8, 8], 10 classes.
func Digits() (*Dataset, error) {
	return ReadDigits(bytes.NewReader(digitsCSVGz), "digits")
}

// ReadDigits parses digits in the bundled format: gzip-compressed CSV without
// a header, each row 64 pixel values 0..16 of an 8x8 image in row-major order
// followed by the label 0..9. Pixels are divided by 16. name names the source
// in errors and the dataset.
func ReadDigits(r io.Reader, name string) (*Dataset, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	defer gz.Close()
	d, err := ReadCSV(gz, name, false)
	if err != nil {
		return nil, err
	}
	const side, levels, classes = 8, 16, 10
	if f := d.Features(); f != side*side {
		return nil, fmt.Errorf("%s: %d pixels per row, want %d", name, f, side*side)
	}
	for i, v := range d.X {
		if v < 0 || v > levels {
			return nil, fmt.Errorf("%s: line %d: pixel %d is %g, want 0..%d", name, i/(side*side)+1, i%(side*side)+1, v, levels)
		}
		d.X[i] = v / levels
	}
	for i, y := range d.Y {
		if y >= classes {
			return nil, fmt.Errorf("%s: line %d: label %d, want 0..%d", name, i+1, y, classes-1)
		}
	}
	d.Shape = []int{1, side, side}
	d.Classes = classes
	return d, nil
}
