package vec

// Sums over a channel for the normalisation layers, accumulated in float64
// so that a million float32 terms lose no more than float64 rounding. The
// assembly keeps 16 (AVX2) or 32 (AVX-512) float64 partial sums in four
// vectors and adds them at the end; the Go loops keep four. Every order is
// within a few float64 ulps of sum(|terms|) of the exact sum (TestSums).

// Sum returns the sum of v in float64.
func Sum(v []float32) float64 {
	if haveAsm {
		return sumAsm(v)
	}
	return sumGo(v)
}

// CentredSquares returns sum((float64(v) - mean)^2) in float64.
func CentredSquares(v []float32, mean float64) float64 {
	if haveAsm {
		return centredSquaresAsm(v, mean)
	}
	return centredSquaresGo(v, mean)
}

// SumAndCentredDot returns sum(g) and sum(g*(float64(x) - mean)) in
// float64; x has at least the length of g.
func SumAndCentredDot(g, x []float32, mean float64) (sum, dot float64) {
	x = x[:len(g)]
	if haveAsm {
		return sumAndCentredDotAsm(g, x, mean)
	}
	return sumAndCentredDotGo(g, x, mean)
}

func sumGo(v []float32) float64 { return SumLoop(v) }

func centredSquaresGo(v []float32, mean float64) float64 { return CentredSquaresLoop(v, mean) }

func sumAndCentredDotGo(g, x []float32, mean float64) (sum, dot float64) {
	return SumAndCentredDotLoop(g, x, mean)
}

// Float is either precision: the loops below serve float32 where the
// assembly does not run, and package nn's float64 layers everywhere.
type Float interface{ float32 | float64 }

// SumLoop is Sum's portable loop, four float64 partial sums, in either
// precision.
func SumLoop[F Float](v []F) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		s0 += float64(v[i])
		s1 += float64(v[i+1])
		s2 += float64(v[i+2])
		s3 += float64(v[i+3])
	}
	for ; i < len(v); i++ {
		s0 += float64(v[i])
	}
	return (s0 + s1) + (s2 + s3)
}

// CentredSquaresLoop is CentredSquares' portable loop.
func CentredSquaresLoop[F Float](v []F, mean float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(v); i += 4 {
		d0, d1, d2, d3 := float64(v[i])-mean, float64(v[i+1])-mean, float64(v[i+2])-mean, float64(v[i+3])-mean
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(v); i++ {
		d := float64(v[i]) - mean
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

// SumAndCentredDotLoop is SumAndCentredDot's portable loop.
func SumAndCentredDotLoop[F Float](g, x []F, mean float64) (sum, dot float64) {
	x = x[:len(g)]
	var s0, s1, d0, d1 float64
	i := 0
	for ; i+2 <= len(g); i += 2 {
		g0, g1 := float64(g[i]), float64(g[i+1])
		s0 += g0
		s1 += g1
		d0 += g0 * (float64(x[i]) - mean)
		d1 += g1 * (float64(x[i+1]) - mean)
	}
	for ; i < len(g); i++ {
		s0 += float64(g[i])
		d0 += float64(g[i]) * (float64(x[i]) - mean)
	}
	return s0 + s1, d0 + d1
}
