package matfile_test

import (
	"errors"
	"fmt"
	"log"

	"gonum.org/v1/gonum/mat"

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

// Every error is an *Error naming the file (and tensor) and wrapping one of
// the Err* kinds, so a caller can tell a truncated file from a wrong dtype.
func ExampleError() {
	for _, name := range []string{"testdata/complex.npy", "testdata/cube.npy", "testdata/nan.npy"} {
		_, err := matfile.Read(name)
		fmt.Println(err)
		var me *matfile.Error
		if errors.As(err, &me) && errors.Is(err, matfile.ErrNot2D) {
			fmt.Println("  (not a matrix:", me.File+")")
		}
	}
	// Output:
	// matfile: testdata/complex.npy: unsupported dtype: "<c16" (complex) is not supported; save as float64 or float32
	// matfile: testdata/cube.npy: not a 2-D matrix: shape (2, 2, 2)
	//   (not a matrix: testdata/cube.npy)
	// matfile: testdata/nan.npy: entry is not finite: entry (1, 0) is NaN
}

// A .npy file holds one array; Dense shares its entries with gonum.
func ExampleReadNPY() {
	ms, err := matfile.ReadNPY("testdata/fortran.npy")
	if err != nil {
		log.Fatal(err)
	}
	m := ms[0]
	fmt.Printf("%s: %dx%d\n", m.Name, m.Rows, m.Cols)
	fmt.Println(mat.Formatted(m.Dense()))
	// Output:
	// testdata/fortran.npy: 3x4
	// ⎡-1.125  -0.875  -0.625  -0.375⎤
	// ⎢-0.125   0.125   0.375   0.625⎥
	// ⎣ 0.875   1.125   1.375   1.625⎦
}
