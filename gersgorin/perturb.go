package gersgorin

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas/blas64"
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
		noisy, noise := noisyData[i*n:(i+1)*n], noiseData[i*n:(i+1)*n]
		if mode == Reference {
			for j, v := range src {
				if j == i {
					noisy[j] = v
					continue
				}
				e := sigma * rng.NormFloat64()
				noise[j], noisy[j] = e, v+e
			}
			continue
		}
		// Corrected: the draws of row i's upper part, in order; the rest is
		// filled in below, a block at a time.
		for j := i + 1; j < n; j++ {
			noise[j] = sigma * rng.NormFloat64()
		}
	}
	if mode == Corrected {
		mirrorLower(noiseData, n)
		symmetricPlus(noisyData, g, noiseData, n)
	}
	return mat.NewDense(n, n, noisyData), mat.NewDense(n, n, noiseData), nil
}

// mirrorLower copies the strict upper triangle of the n x n row-major d
// into its lower triangle, in square blocks that stay in cache.
func mirrorLower(d []float64, n int) {
	const blk = 64
	for i0 := 0; i0 < n; i0 += blk {
		for j0 := 0; j0 <= i0; j0 += blk {
			for i := i0; i < min(i0+blk, n); i++ {
				for j := j0; j < min(j0+blk, i); j++ {
					d[i*n+j] = d[j*n+i]
				}
			}
		}
	}
}

// symmetricPlus sets d = (a + a^T)/2 + noise, with a's diagonal as it is,
// in square blocks so that the reads of a^T stay in cache.
func symmetricPlus(d []float64, a blas64.General, noise []float64, n int) {
	const blk = 64
	for i0 := 0; i0 < n; i0 += blk {
		for j0 := 0; j0 < n; j0 += blk {
			for i := i0; i < min(i0+blk, n); i++ {
				for j := j0; j < min(j0+blk, n); j++ {
					if i == j {
						d[i*n+j] = a.Data[i*a.Stride+i]
						continue
					}
					d[i*n+j] = 0.5*(a.Data[i*a.Stride+j]+a.Data[j*a.Stride+i]) + noise[i*n+j]
				}
			}
		}
	}
}
