package vec

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactSum returns the sum of terms, each the exact product of its
// factors, in 1000-bit arithmetic (exact for these magnitudes), rounded
// once to float64, and the sum of their magnitudes.
func exactSum(terms [][2]float64) (sum, abs float64) {
	s := new(big.Float).SetPrec(1000)
	for _, t := range terms {
		p := new(big.Float).SetPrec(1000).SetFloat64(t[0])
		p.Mul(p, new(big.Float).SetFloat64(t[1]))
		s.Add(s, p)
		abs += math.Abs(t[0] * t[1])
	}
	sum, _ = s.Float64()
	return sum, abs
}

// closeSum reports whether got is within a few float64 ulps of want,
// relative to the sum of the terms' magnitudes: 16 accumulators of n/16
// random terms each stay far inside that.
func closeSum(got, want, abs float64) bool {
	return math.Abs(got-want) <= 8*0x1p-52*abs
}

func TestSums(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, p := range impls {
		t.Run(p.name, func(t *testing.T) {
			worst := 0.0 // the largest error, in float64 ulps of sum|terms|
			defer func() { t.Logf("largest error %.3g ulps of sum|terms|", worst) }()
			for _, n := range testLens {
				for _, off := range testOffsets {
					// A channel of activations: an offset mean, so that
					// centring cancels.
					g, x := randData(r, off, n, false), randData(r, 3-off, n, false)
					for i := range x {
						x[i] += 3
					}
					mean := 3 + r.NormFloat64()*0.1
					sums, squares, dots := make([][2]float64, n), make([][2]float64, n), make([][2]float64, n)
					for i := range x {
						d := float64(x[i]) - mean // in float64, as specified
						sums[i] = [2]float64{float64(g[i]), 1}
						squares[i] = [2]float64{d, d}
						dots[i] = [2]float64{float64(g[i]), d}
					}
					check := func(what string, got float64, terms [][2]float64) {
						t.Helper()
						want, abs := exactSum(terms)
						if abs > 0 {
							worst = max(worst, math.Abs(got-want)/(abs*0x1p-52))
						}
						if !closeSum(got, want, abs) {
							t.Fatalf("%s n=%d off=%d: %.17g, want %.17g (error %.3g of sum|terms| %.3g)",
								what, n, off, got, want, math.Abs(got-want), abs)
						}
					}
					check("Sum", p.sum(g), sums)
					check("CentredSquares", p.centredSquares(x, mean), squares)
					s, d := p.sumAndDot(g, x, mean)
					check("SumAndCentredDot sum", s, sums)
					check("SumAndCentredDot dot", d, dots)
				}
			}
		})
	}
}

// TestSumsNonFinite checks that a NaN or an infinity anywhere, the tail
// included, reaches the result.
func TestSumsNonFinite(t *testing.T) {
	for _, p := range impls {
		for _, n := range []int{1, 5, 17, 35, 64} {
			for _, at := range []int{0, n / 2, n - 1} {
				v := make([]float32, n)
				for i := range v {
					v[i] = float32(i%7) - 3
				}
				v[at] = float32(math.Inf(1))
				if s := p.sum(v); !math.IsInf(s, 1) {
					t.Errorf("%s: Sum with +Inf at %d of %d = %v", p.name, at, n, s)
				}
				if s := p.centredSquares(v, 0); !math.IsInf(s, 1) {
					t.Errorf("%s: CentredSquares with +Inf at %d of %d = %v", p.name, at, n, s)
				}
				v[at] = float32(math.NaN())
				if s, d := p.sumAndDot(v, v, 1); !math.IsNaN(s) || !math.IsNaN(d) {
					t.Errorf("%s: SumAndCentredDot with NaN at %d of %d = %v, %v", p.name, at, n, s, d)
				}
			}
		}
	}
}
