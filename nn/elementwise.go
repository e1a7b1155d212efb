package nn

import "github.com/adafisher-go/landscape/internal/vec"

// Loops over the elements of a channel, shared by the normalisation layers.
// Sums run in float64 over four accumulators, so that consecutive additions
// do not wait on each other; the element-wise maps run in T. For float32,
// package vec runs them in vector registers (its sums add in another order,
// and its maps fuse multiply-adds); float64 stays on these loops.

// sum4 returns the sum of v in float64.
func sum4[T Float](v []T) float64 {
	if is32[T]() {
		return vec.Sum(as32(v))
	}
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

// centredSquares returns sum((v - mean)^2) in float64.
func centredSquares[T Float](v []T, mean float64) float64 {
	if is32[T]() {
		return vec.CentredSquares(as32(v), mean)
	}
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

// sumAndCentredDot returns sum(g) and sum(g*(x - mean)) in float64.
func sumAndCentredDot[T Float](g, x []T, mean float64) (sum, dot float64) {
	x = x[:len(g)]
	if is32[T]() {
		return vec.SumAndCentredDot(as32(g), as32(x), mean)
	}
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

// affine sets y = a*x + b.
func affine[T Float](y, x []T, a, b float64) {
	y = y[:len(x)]
	if is32[T]() {
		vec.Affine(as32(y), as32(x), float32(a), float32(b))
		return
	}
	for i, v := range x {
		y[i] = T(a*float64(v) + b)
	}
}

// affine2 sets y = a*u + b*v + c.
func affine2[T Float](y, u, v []T, a, b, c float64) {
	y, v = y[:len(u)], v[:len(u)]
	if is32[T]() {
		vec.Affine2(as32(y), as32(u), as32(v), float32(a), float32(b), float32(c))
		return
	}
	for i, w := range u {
		y[i] = T(a*float64(w) + b*float64(v[i]) + c)
	}
}
