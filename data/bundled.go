package data

import _ "embed"

// The small datasets the toolkit ships with are embedded in every binary, so
// that a run works anywhere, without the repository checked out.

// irisCSV is Fisher's iris data set as CSV: the header
// sepal_length,sepal_width,petal_length,petal_width,species and 150 rows with
// the species label 0..2 in the last column.
//
//go:embed bundled/iris.csv
var irisCSV []byte

// digitsCSVGz is the UCI optical-recognition digits data set (scikit-learn's
// load_digits) as gzip-compressed CSV without a header: 1797 rows, each 64
// pixel values 0..16 of an 8x8 image in row-major order followed by the label
// 0..9.
//
//go:embed bundled/digits.csv.gz
var digitsCSVGz []byte
