package matfile_test

import (
	"fmt"
	"log"

	"github.com/adafisher-go/landscape/matfile"
)

// Read every array of a numpy archive and keep the square ones, as the
// spectral analysis needs.
func ExampleRead() {
	// Written by numpy: np.savez("stored.npz", first=<3x4>, second=<3x3 float32>).
	ms, err := matfile.Read("testdata/stored.npz")
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range ms {
		if err := m.RequireSquare(); err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%s: %dx%d, M[1][2] = %v\n", m.Name, m.Rows, m.Cols, m.At(1, 2))
	}
	// Output:
	// matfile: testdata/stored.npz: tensor "first": matrix is not square: shape (3, 4)
	// testdata/stored.npz:second: 3x3, M[1][2] = 0.125
}
