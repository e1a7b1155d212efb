package gersgorin

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// InsideTolerance is the relative slack Discs.Contains allows for rounding:
// a point counts as inside disc i when its distance to the centre is at most
// R_i + InsideTolerance * Scale(). A backward-stable eigen-solver is off by
// about n * 1e-16 * ||M||, far below this for any n this toolkit sees.
const InsideTolerance = 1e-9

// Discs are the Gersgorin discs of a square matrix M: disc i is centred at
// Centres[i] = M_ii on the real axis with radius Radii[i] = sum_{j != i} |M_ij|.
type Discs struct {
	Centres []float64 `json:"centres"`
	Radii   []float64 `json:"radii"`
}

// NewDiscs returns the Gersgorin discs of the square matrix a.
func NewDiscs(a *mat.Dense) (Discs, error) {
	n, g, err := squareRaw(a)
	if err != nil {
		return Discs{}, err
	}
	d := Discs{Centres: make([]float64, n), Radii: make([]float64, n)}
	for i := range n {
		var sum float64
		for j, v := range row(g, i) {
			if j != i {
				sum += math.Abs(v)
			}
		}
		d.Centres[i] = row(g, i)[i]
		d.Radii[i] = sum
	}
	return d, nil
}

// N returns the number of discs (the order of the matrix).
func (d Discs) N() int { return len(d.Centres) }

// RowSums returns sum_j |M_ij| = |M_ii| + R_i for each row, the quantity the
// paper's figure normalises its disc colours by.
func (d Discs) RowSums() []float64 {
	s := make([]float64, len(d.Centres))
	for i, c := range d.Centres {
		s[i] = math.Abs(c) + d.Radii[i]
	}
	return s
}

// Scale returns the largest row sum, the infinity norm of M, which bounds
// the modulus of every eigenvalue.
func (d Discs) Scale() float64 {
	var m float64
	for _, s := range d.RowSums() {
		m = max(m, s)
	}
	return m
}

// Contains reports whether z lies in the union of the discs, with the
// rounding slack of InsideTolerance.
func (d Discs) Contains(z complex128) bool {
	return d.contains(z, InsideTolerance*d.Scale())
}

func (d Discs) contains(z complex128, tol float64) bool {
	for i, c := range d.Centres {
		dr, di := real(z)-c, imag(z)
		r := d.Radii[i] + tol
		if dr*dr+di*di <= r*r {
			return true
		}
	}
	return false
}

// InsideFraction returns the fraction of values inside the union of the
// discs (see Contains), or NaN for no values.
func (d Discs) InsideFraction(values []complex128) float64 {
	if len(values) == 0 {
		return math.NaN()
	}
	tol := InsideTolerance * d.Scale()
	inside := 0
	for _, z := range values {
		if d.contains(z, tol) {
			inside++
		}
	}
	return float64(inside) / float64(len(values))
}

// DominantFraction returns the fraction of diagonally dominant rows, those
// with |M_ii| >= R_i (the usual, weak, definition: a row of zeros counts), or
// NaN for no discs.
func (d Discs) DominantFraction() float64 {
	if len(d.Centres) == 0 {
		return math.NaN()
	}
	dominant := 0
	for i, c := range d.Centres {
		if math.Abs(c) >= d.Radii[i] {
			dominant++
		}
	}
	return float64(dominant) / float64(len(d.Centres))
}
