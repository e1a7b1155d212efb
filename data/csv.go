package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// maxLabel bounds the labels a CSV file may hold, so that a stray value cannot
// make Classes (and with it a model's output layer) absurdly large.
const maxLabel = 1 << 20

// LoadCSV reads the CSV file at path, which must start with a header row; see
// ReadCSV. The dataset is named after the path.
func LoadCSV(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCSV(f, path, true)
}

// ReadCSV parses a CSV table of numeric feature columns followed by an integer
// class label in the last column. With header set, the first row names the
// columns and the feature names are kept in FeatureNames. The result has
// Shape [columns-1] and Classes equal to the largest label plus one.
//
// name names the source in errors (and the dataset); errors give the 1-based
// line of the offending row: a row whose column count differs from the first
// row's, a feature cell that is not a finite number, a label that is not a
// non-negative integer, or a file with no data rows. CRLF line endings, a
// UTF-8 byte-order mark, blank lines and spaces around cells are accepted.
func ReadCSV(r io.Reader, name string, header bool) (*Dataset, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // column counts are checked below, with better errors
	cr.ReuseRecord = true

	d := &Dataset{Name: name}
	cols := 0 // columns per row, fixed by the first row
	var names []string
	colName := func(j int) string {
		if names != nil && j < len(names) && names[j] != "" {
			return fmt.Sprintf("column %d (%q)", j+1, names[j])
		}
		return fmt.Sprintf("column %d", j+1)
	}
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: line %d: %w", name, pe.Line, pe.Err)
			}
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			cols = len(rec)
			if cols < 2 {
				return nil, fmt.Errorf("%s: line %d: %d %s, want at least 2 (features, then the label)", name, line, cols, plural(cols, "column"))
			}
			first = false
			if header {
				names = make([]string, cols)
				for j, c := range rec {
					names[j] = strings.TrimSpace(c)
				}
				d.FeatureNames = append([]string(nil), names[:cols-1]...)
				continue
			}
		}
		if len(rec) != cols {
			return nil, fmt.Errorf("%s: line %d: %d %s, want %d", name, line, len(rec), plural(len(rec), "column"), cols)
		}
		for j, cell := range rec[:cols-1] {
			v, err := parseFeature(cell)
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: %s: %w", name, line, colName(j), err)
			}
			d.X = append(d.X, v)
		}
		y, err := parseLabel(rec[cols-1])
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: label in %s: %w", name, line, colName(cols-1), err)
		}
		d.Y = append(d.Y, y)
		d.Classes = max(d.Classes, y+1)
	}
	switch {
	case first:
		return nil, fmt.Errorf("%s: empty file", name)
	case len(d.Y) == 0:
		return nil, fmt.Errorf("%s: header only, no data rows", name)
	}
	d.Shape = []int{cols - 1}
	return d, nil
}

// parseFeature parses a finite floating-point number.
func parseFeature(cell string) (float64, error) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return 0, errors.New("empty cell, want a number")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	// Overflow gives ±Inf with ErrRange and is rejected here; underflow gives
	// a (sub)normal or zero value with ErrRange, which is harmless.
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return v, nil
}

// parseLabel parses a non-negative integer label. Integral values written as
// floating point ("2.0", "1e1") are accepted, since many tools write labels so.
func parseLabel(cell string) (int, error) {
	s := strings.TrimSpace(cell)
	if s == "" {
		return 0, errors.New("empty cell, want a non-negative integer")
	}
	if y, err := strconv.Atoi(s); err == nil {
		if y < 0 {
			return 0, fmt.Errorf("%q is negative, want a non-negative integer", s)
		}
		if y > maxLabel {
			return 0, fmt.Errorf("%q is larger than %d", s, maxLabel)
		}
		return y, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v != math.Trunc(v) {
		return 0, fmt.Errorf("%q is not an integer", s)
	}
	if v < 0 {
		return 0, fmt.Errorf("%q is negative, want a non-negative integer", s)
	}
	if v > maxLabel {
		return 0, fmt.Errorf("%q is larger than %d", s, maxLabel)
	}
	return int(v), nil
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
