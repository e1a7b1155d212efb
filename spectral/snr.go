package spectral

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// ReferenceSNR is the notebooks' calculate_snr, in dB:
//
//	10*log10( (sum_i M_ii^2 / n) / (sum_{i<j} N_ij^2 / n^2) )
//
// with M the clean matrix and N the perturbed one: its whole strict upper
// triangle, original values plus noise, over numpy's mean of the n x n
// array numpy.triu(N, k=1), zeros included.
func ReferenceSNR(clean, noisy *mat.Dense) (float64, error) {
	n, err := sameSquare(clean, noisy)
	if err != nil {
		return math.NaN(), err
	}
	signal := diagonalPower(clean)
	noise := upperSumSquares(noisy) / float64(n*n)
	return decibels(signal, noise), nil
}

// CorrectedSNR is the diagonal power of signal against the mean square of
// the strict upper triangle of offDiagonal, in dB:
//
//	10*log10( (sum_i S_ii^2 / n) / (sum_{i<j} X_ij^2 / (n(n-1)/2)) )
//
// Pass the clean matrix as both arguments for the matrix's own SNR, or the
// clean matrix and the (symmetric) noise for the SNR of the perturbation. For
// n = 1 the off-diagonal power is 0.
func CorrectedSNR(signal, offDiagonal *mat.Dense) (float64, error) {
	n, err := sameSquare(signal, offDiagonal)
	if err != nil {
		return math.NaN(), err
	}
	var noise float64
	if pairs := n * (n - 1) / 2; pairs > 0 {
		noise = upperSumSquares(offDiagonal) / float64(pairs)
	}
	return decibels(diagonalPower(signal), noise), nil
}

// DiagonalShare returns sum_i M_ii^2 / sum_ij M_ij^2, the fraction of the
// squared Frobenius norm on the diagonal (NaN for a zero matrix).
func DiagonalShare(a *mat.Dense) (float64, error) {
	n, err := sameSquare(a, a)
	if err != nil {
		return math.NaN(), err
	}
	raw := a.RawMatrix()
	var diag, total float64
	for i := range n {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+n] {
			total += v * v
			if j == i {
				diag += v * v
			}
		}
	}
	return diag / total, nil
}

// decibels returns 10*log10(signal/noise): +Inf for zero noise, NaN for
// both zero.
func decibels(signal, noise float64) float64 {
	return 10 * math.Log10(signal/noise)
}

// diagonalPower returns sum_i a_ii^2 / n.
func diagonalPower(a *mat.Dense) float64 {
	n, _ := a.Dims()
	var s float64
	for i := range n {
		v := a.At(i, i)
		s += v * v
	}
	return s / float64(n)
}

// upperSumSquares returns sum_{i<j} a_ij^2.
func upperSumSquares(a *mat.Dense) float64 {
	raw := a.RawMatrix()
	var s float64
	for i := range raw.Rows {
		for _, v := range raw.Data[i*raw.Stride+i+1 : i*raw.Stride+raw.Cols] {
			s += v * v
		}
	}
	return s
}

// sameSquare checks that a and b are square, non-empty and of one size.
func sameSquare(a, b *mat.Dense) (int, error) {
	if a == nil || b == nil || a.IsEmpty() || b.IsEmpty() {
		return 0, fmt.Errorf("spectral: empty matrix")
	}
	ar, ac := a.Dims()
	br, bc := b.Dims()
	if ar != ac || br != bc || ar != br {
		return 0, fmt.Errorf("spectral: matrices are %dx%d and %dx%d; want one square size", ar, ac, br, bc)
	}
	return ar, nil
}
