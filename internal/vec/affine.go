package vec

// Affine maps of a channel for the normalisation layers, in float32. The
// assembly fuses each multiply-add (FMA rounds once, where the Go loops
// round the product and the sum), so the two differ in the last bit of
// some elements.

// Affine sets y = a*x + b; y has at least the length of x.
func Affine(y, x []float32, a, b float32) {
	y = y[:len(x)]
	if haveAsm {
		affineAsm(y, x, a, b)
		return
	}
	affineGo(y, x, a, b)
}

// Affine2 sets y = a*u + b*v + c; y and v have at least the length of u.
// The assembly computes fma(a, u, fma(b, v, c)): when b*v and c nearly
// cancel, as in the normalisation's backward pass, that is the more
// accurate order.
func Affine2(y, u, v []float32, a, b, c float32) {
	y, v = y[:len(u)], v[:len(u)]
	if haveAsm {
		affine2Asm(y, u, v, a, b, c)
		return
	}
	affine2Go(y, u, v, a, b, c)
}

func affineGo(y, x []float32, a, b float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = a*v + b
	}
}

func affine2Go(y, u, v []float32, a, b, c float32) {
	y, v = y[:len(u)], v[:len(u)]
	for i, w := range u {
		y[i] = a*w + b*v[i] + c
	}
}
