package spectral

import (
	"github.com/adafisher-go/landscape/gersgorin"
	"gonum.org/v1/gonum/mat"
)

// Input is one matrix to analyse with its labels. Layer, Step and Side are
// free-form labels carried into the Result (for the time series; Side is "A"
// or "G" for Kronecker factors); Name must be unique within a batch and
// seeds the noise (see Options.Seed).
//
// Matrix is the matrix; when it is nil, Load reads it just before the
// analysis, and the analysis drops it when done, so that a batch holds no
// more matrices than it analyses at once.
type Input struct {
	Name   string
	Layer  string
	Step   int
	Side   string
	Matrix *mat.Dense
	Load   func() (*mat.Dense, error)
}

// Result is every measure of one matrix. Its JSON form is the per-matrix
// record of spectral.json; images are left out of it.
type Result struct {
	Name  string `json:"name"`
	Layer string `json:"layer,omitempty"`
	Step  int    `json:"step"`
	Side  string `json:"side,omitempty"`

	// The disc test: n, discs, eigenvalues (general solver), inside and
	// dominant-row fractions.
	gersgorin.Analysis

	// DiagonalShare is the fraction of the squared Frobenius norm on the
	// diagonal.
	DiagonalShare Float `json:"diagonal_share"`
	// Modes holds one entry per requested mode, in Options.Modes order.
	Modes []ModeResult `json:"modes"`
	// Seconds is the wall time from the first to the last computation on
	// this matrix (others may have run beside it).
	Seconds float64 `json:"seconds"`

	// MatrixImage is the matrix itself, mean-pooled to Options.MaxImageSide,
	// when Options.Images is set.
	MatrixImage Image `json:"-"`
}

// ModeResult is the part of a Result that depends on the mode.
type ModeResult struct {
	// The perturbation test: mode, sigma, clean and perturbed eigenvalues
	// (symmetric solver, ascending), shift, Kaiser counts.
	gersgorin.Perturbation

	// SNR is ReferenceSNR(M, Mnoisy) in Reference mode and CorrectedSNR of
	// the clean matrix in Corrected mode.
	SNR Float `json:"snr"`
	// NoiseSNR is CorrectedSNR against the noise alone; Corrected mode only.
	NoiseSNR *Float `json:"noise_snr,omitempty"`

	// Spectrum and PerturbedSpectrum are the magnitude images of the clean
	// and the perturbed matrix in this mode's units, max-pooled to
	// Options.MaxImageSide, when Options.Images is set.
	Spectrum          Image `json:"-"`
	PerturbedSpectrum Image `json:"-"`
}

// Mode returns the result for mode m.
func (r Result) Mode(m Mode) (ModeResult, bool) {
	for _, mr := range r.Modes {
		if mr.Perturbation.Mode == m {
			return mr, true
		}
	}
	return ModeResult{}, false
}
