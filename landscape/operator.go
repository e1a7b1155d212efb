package landscape

import (
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// Operator is a symmetric linear operator on parameter vectors, known only
// through its products: a curvature matrix of a model's loss ([Curvature]:
// the Hessian, the generalised Gauss-Newton matrix, a Fisher), or any
// symmetric matrix ([MatrixOperator]). The probes [TopEigen], [Trace] and
// [Density] take any Operator.
type Operator interface {
	// Dim is the number of rows (and columns).
	Dim() int
	// Apply sets out = A v; v and out have Dim values.
	Apply(v, out []float64) error
}

// MatrixOperator is an explicit symmetric matrix as an Operator: for small
// problems, tests, and checking a probe against a dense eigendecomposition.
type MatrixOperator struct {
	A mat.Symmetric
}

// Dim is the matrix's size.
func (m MatrixOperator) Dim() int { return m.A.SymmetricDim() }

// Apply sets out = A v.
func (m MatrixOperator) Apply(v, out []float64) error {
	n := m.Dim()
	if len(v) != n || len(out) != n {
		return fmt.Errorf("landscape: vectors of %d and %d values for a %d x %d matrix", len(v), len(out), n, n)
	}
	if n == 0 {
		return nil
	}
	mat.NewVecDense(n, out).MulVec(m.A, mat.NewVecDense(n, v))
	return nil
}
