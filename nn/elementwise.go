package nn

import "github.com/adafisher-go/landscape/internal/vec"

// Loops over the elements of a channel, shared by the normalisation layers.
// Sums run in float64; the element-wise maps run in T. For float32, package
// vec runs them in vector registers (its sums add in another order, and its
// maps fuse multiply-adds); float64 takes vec's portable loops (four
// accumulators, so that consecutive additions do not wait on each other)
// and the maps' loops here.

// sum4 returns the sum of v in float64.
func sum4[T Float](v []T) float64 {
	if is32[T]() {
		return vec.Sum(as32(v))
	}
	return vec.SumLoop(as64(v))
}

// centredSquares returns sum((v - mean)^2) in float64.
func centredSquares[T Float](v []T, mean float64) float64 {
	if is32[T]() {
		return vec.CentredSquares(as32(v), mean)
	}
	return vec.CentredSquaresLoop(as64(v), mean)
}

// sumAndCentredDot returns sum(g) and sum(g*(x - mean)) in float64.
func sumAndCentredDot[T Float](g, x []T, mean float64) (sum, dot float64) {
	x = x[:len(g)]
	if is32[T]() {
		return vec.SumAndCentredDot(as32(g), as32(x), mean)
	}
	return vec.SumAndCentredDotLoop(as64(g), as64(x), mean)
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
