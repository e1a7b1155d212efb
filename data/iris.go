package data

import (
	"bytes"
)

// Iris returns the bundled iris data set: 150 samples of 4 features in
// centimetres (FeatureNames from the CSV header) and 3 classes.
func Iris() (*Dataset, error) {
	return ReadCSV(bytes.NewReader(irisCSV), "iris", true)
}
