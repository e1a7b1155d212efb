package nn

// Loops over the elements of a channel, shared by the normalisation layers.
// Sums run in float64 over four accumulators, so that consecutive additions
// do not wait on each other; the element-wise maps run in T.

// sum4 returns the sum of v in float64.
func sum4[T Float](v []T) float64 {
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
		a32, b32 := float32(a), float32(b)
		x32, y32 := as32(x), as32(y)
		for i, v := range x32 {
			y32[i] = a32*v + b32
		}
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
		a32, b32, c32 := float32(a), float32(b), float32(c)
		u32, v32, y32 := as32(u), as32(v), as32(y)
		v32, y32 = v32[:len(u32)], y32[:len(u32)]
		for i, w := range u32 {
			y32[i] = a32*w + b32*v32[i] + c32
		}
		return
	}
	for i, w := range u {
		y[i] = T(a*float64(w) + b*float64(v[i]) + c)
	}
}
