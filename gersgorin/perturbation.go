package gersgorin

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Perturbation is the result of the perturbation test: the ascending
// eigenvalues of a matrix (Clean) and of its perturbed copy (Perturbed), both
// from mode's symmetric solver, their difference index by index, and the
// Kaiser counts of each.
type Perturbation struct {
	Mode            Mode      `json:"mode"`
	Sigma           float64   `json:"sigma"`
	Clean           []float64 `json:"clean"`
	Perturbed       []float64 `json:"perturbed"`
	Shift           []float64 `json:"shift"`
	MaxAbsShift     float64   `json:"max_abs_shift"`
	KaiserClean     Kaiser    `json:"kaiser_clean"`
	KaiserPerturbed Kaiser    `json:"kaiser_perturbed"`
}

// NewPerturbation assembles a Perturbation from eigenvalues already computed
// (for callers that schedule the solves themselves).
func NewPerturbation(mode Mode, sigma float64, clean, perturbed []float64) (Perturbation, error) {
	if len(clean) != len(perturbed) {
		return Perturbation{}, fmt.Errorf("gersgorin: %d clean and %d perturbed eigenvalues", len(clean), len(perturbed))
	}
	p := Perturbation{
		Mode:            mode,
		Sigma:           sigma,
		Clean:           clean,
		Perturbed:       perturbed,
		Shift:           make([]float64, len(clean)),
		KaiserClean:     KaiserCounts(clean),
		KaiserPerturbed: KaiserCounts(perturbed),
	}
	for i, c := range clean {
		p.Shift[i] = perturbed[i] - c
		p.MaxAbsShift = max(p.MaxAbsShift, math.Abs(p.Shift[i]))
	}
	return p, nil
}

// PerturbationTest perturbs a (see Perturb) and compares the eigenvalues of
// mode's symmetric solver (see Symmetrize) before and after.
func PerturbationTest(a *mat.Dense, sigma float64, rng *rand.Rand, mode Mode) (Perturbation, error) {
	noisy, _, err := Perturb(a, sigma, rng, mode)
	if err != nil {
		return Perturbation{}, err
	}
	clean, err := SymmetricEigenvalues(a, mode)
	if err != nil {
		return Perturbation{}, err
	}
	perturbed, err := SymmetricEigenvalues(noisy, mode)
	if err != nil {
		return Perturbation{}, err
	}
	return NewPerturbation(mode, sigma, clean, perturbed)
}
