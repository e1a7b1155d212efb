package vec

import "math"

// ReLU and its gradient, bit for bit as the Go loops of package nn.
//
// The Go compiler (amd64) computes max(x, 0) as -min(-x, -0) with MINSS,
// which gives +0 for x <= 0 (-0 included), x for x > 0, and for a NaN the
// same NaN with its sign bit cleared (payload kept, not quietened). The
// assembly gets the same bits as (x > 0 or unordered) & x & 0x7fffffff.

// ReLU sets y = max(x, 0); y has at least the length of x.
func ReLU(y, x []float32) {
	y = y[:len(x)]
	if haveAsm {
		reluAsm(y, x)
		return
	}
	reluGo(y, x)
}

// ReLUBackward sets dx = dy where the ReLU's output y is not +0 (its bits
// are not all zero), and +0 where it is; dx and dy have at least the length
// of y.
func ReLUBackward(dx, dy, y []float32) {
	dx, dy = dx[:len(y)], dy[:len(y)]
	if haveAsm {
		reluBackwardAsm(dx, dy, y)
		return
	}
	reluBackwardGo(dx, dy, y)
}

func reluGo(y, x []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] = max(v, 0)
	}
}

func reluBackwardGo(dx, dy, y []float32) {
	dx, dy = dx[:len(y)], dy[:len(y)]
	for i, v := range y {
		b := math.Float32bits(v) // mask: all ones unless b == 0
		mask := 0 - ((b | (0 - b)) >> 31)
		dx[i] = math.Float32frombits(math.Float32bits(dy[i]) & mask)
	}
}
