package matfile

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Matrix is one 2-D array read from a file.
type Matrix struct {
	// Name is "path" for a .npy file and "path:tensor" otherwise.
	Name string
	// File and Tensor are the two parts of Name (Tensor "" for a .npy).
	File, Tensor string
	Rows, Cols   int
	// Data holds Rows*Cols entries in row-major order.
	Data []float64
}

// At returns the entry in row i, column j.
func (m Matrix) At(i, j int) float64 { return m.Data[i*m.Cols+j] }

// Dense returns m as a gonum matrix sharing m.Data.
func (m Matrix) Dense() *mat.Dense { return mat.NewDense(m.Rows, m.Cols, m.Data) }

// RequireSquare returns an *Error wrapping ErrNotSquare if m is not square.
func (m Matrix) RequireSquare() error {
	if m.Rows != m.Cols {
		return fail(m.File, m.Tensor, ErrNotSquare, "shape (%d, %d)", m.Rows, m.Cols)
	}
	return nil
}

// RequireSquare checks every matrix and returns the errors of all that are
// not square, joined, or nil.
func RequireSquare(ms []Matrix) error {
	var errs []error
	for _, m := range ms {
		if err := m.RequireSquare(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// newMatrix names a matrix and checks its entries are finite.
func newMatrix(file, tensor string, rows, cols int, data []float64) (Matrix, error) {
	for k, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Matrix{}, fail(file, tensor, ErrNotFinite, "entry (%d, %d) is %v", k/cols, k%cols, v)
		}
	}
	name := file
	if tensor != "" {
		name = file + ":" + tensor
	}
	return Matrix{Name: name, File: file, Tensor: tensor, Rows: rows, Cols: cols, Data: data}, nil
}

// matrixShape checks that shape is 2-D with entries and returns it.
func matrixShape(file, tensor string, shape []int) (rows, cols int, err error) {
	if len(shape) != 2 {
		return 0, 0, fail(file, tensor, ErrNot2D, "shape %s", shapeString(shape))
	}
	if shape[0] <= 0 || shape[1] <= 0 {
		return 0, 0, fail(file, tensor, ErrNot2D, "shape %s has no entries", shapeString(shape))
	}
	return shape[0], shape[1], nil
}

// shapeString writes a shape as numpy does: (3,), (2, 3), ().
func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
