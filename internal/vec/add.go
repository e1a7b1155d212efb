package vec

// Additions of the residual blocks, bit for bit as the Go loops of package
// nn: x is the first operand, so that when both are NaN the sum is x's NaN
// (quietened), as the compiler's ADDSS gives.

// Add sets z = x + y; x and y have at least the length of z.
func Add(z, x, y []float32) {
	x, y = x[:len(z)], y[:len(z)]
	if haveAsm {
		addAsm(z, x, y)
		return
	}
	addGo(z, x, y)
}

// AddReLU sets z = max(x + y, 0), with ReLU's NaN rule (see ReLU); x and y
// have at least the length of z.
func AddReLU(z, x, y []float32) {
	x, y = x[:len(z)], y[:len(z)]
	if haveAsm {
		addReLUAsm(z, x, y)
		return
	}
	addReLUGo(z, x, y)
}

func addGo(z, x, y []float32) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = x[i] + y[i]
	}
}

func addReLUGo(z, x, y []float32) {
	x, y = x[:len(z)], y[:len(z)]
	for i := range z {
		z[i] = max(x[i]+y[i], 0)
	}
}
