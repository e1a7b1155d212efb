package gersgorin

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Perturb adds N(0, sigma) noise, drawn from rng, to every off-diagonal entry
// of a and returns the noisy matrix and the noise itself (zero diagonal).
//
// Reference draws one independent value for every off-diagonal entry, row by
// row and column by column, so the noisy matrix is not symmetric even for a
// symmetric a, as in the official notebooks. Corrected draws one value per
// pair i < j, in the same order, and adds it at (i, j) and (j, i) to the
// symmetric part (a + a^T)/2 of a, so the noisy matrix is symmetric.
//
// sigma 0 returns a copy of a (Reference) or of its symmetric part
// (Corrected), still consuming the draws.
func Perturb(a *mat.Dense, sigma float64, rng *rand.Rand, mode Mode) (noisy, noise *mat.Dense, err error) {
	n, g, err := squareRaw(a)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case !mode.Valid():
		return nil, nil, fmt.Errorf("gersgorin: unknown mode %q", mode)
	case !(sigma >= 0) || math.IsInf(sigma, 0):
		return nil, nil, fmt.Errorf("gersgorin: noise sigma %v is not a finite number >= 0", sigma)
	case rng == nil:
		return nil, nil, fmt.Errorf("gersgorin: nil random generator")
	}
	noiseData := make([]float64, n*n)
	noisyData := make([]float64, n*n)
	for i := range n {
		src := row(g, i)
		for j := range n {
			switch {
			case j == i:
				noisyData[i*n+j] = src[j]
			case mode == Reference:
				e := sigma * rng.NormFloat64()
				noiseData[i*n+j] = e
				noisyData[i*n+j] = src[j] + e
			case j > i:
				e := sigma * rng.NormFloat64()
				sym := 0.5 * (src[j] + g.Data[j*g.Stride+i])
				noiseData[i*n+j], noiseData[j*n+i] = e, e
				noisyData[i*n+j], noisyData[j*n+i] = sym+e, sym+e
			}
		}
	}
	return mat.NewDense(n, n, noisyData), mat.NewDense(n, n, noiseData), nil
}
