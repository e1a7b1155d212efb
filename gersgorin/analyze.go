package gersgorin

import "gonum.org/v1/gonum/mat"

// Analysis is the disc test of one square matrix.
type Analysis struct {
	N                int         `json:"n"`
	Discs            Discs       `json:"discs"`
	Eigenvalues      Eigenvalues `json:"eigenvalues"`
	InsideFraction   float64     `json:"inside_fraction"`
	DominantFraction float64     `json:"dominant_fraction"`
}

// Analyze returns the Gersgorin discs of a, all its eigenvalues from the
// general solver, the fraction of them inside the union of the discs and the
// fraction of diagonally dominant rows.
func Analyze(a *mat.Dense) (Analysis, error) {
	discs, err := NewDiscs(a)
	if err != nil {
		return Analysis{}, err
	}
	values, err := GeneralEigenvalues(a)
	if err != nil {
		return Analysis{}, err
	}
	return NewAnalysis(discs, values), nil
}

// NewAnalysis assembles an Analysis from discs and eigenvalues already
// computed (for callers that schedule the solves themselves).
func NewAnalysis(discs Discs, values Eigenvalues) Analysis {
	return Analysis{
		N:                discs.N(),
		Discs:            discs,
		Eigenvalues:      values,
		InsideFraction:   discs.InsideFraction(values),
		DominantFraction: discs.DominantFraction(),
	}
}
