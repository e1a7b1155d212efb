// Package landscape is the root of a Go port of the AdaFisher paper's toolkit
// for training neural networks and studying their loss landscapes. At this
// level it only bundles the small datasets the toolkit ships with, embedded in
// every binary so that a run works anywhere, without the repository checked
// out; package data parses them.
package landscape

import _ "embed"

// IrisCSV is Fisher's iris data set as CSV: the header
// sepal_length,sepal_width,petal_length,petal_width,species and 150 rows with
// the species label 0..2 in the last column.
//
//go:embed testdata/iris.csv
var IrisCSV []byte

// DigitsCSVGz is the UCI optical-recognition digits data set (scikit-learn's
// load_digits) as gzip-compressed CSV without a header: 1797 rows, each 64
// pixel values 0..16 of an 8x8 image in row-major order followed by the label
// 0..9.
//
//go:embed testdata/digits.csv.gz
var DigitsCSVGz []byte
