package vec

import (
	"math"
	"math/rand/v2"
)

// Lengths cover every tail of the 32-, 16-, 8- and 4-float steps, and
// channel sizes; offsets make the slices start off any alignment.
var (
	testLens    = append(seq(0, 70), 1000, 1023, 1024)
	testOffsets = []int{0, 1, 3}
)

func seq(lo, hi int) []int {
	var s []int
	for n := lo; n <= hi; n++ {
		s = append(s, n)
	}
	return s
}

// specials are the values the exact routines must map bit for bit: NaNs of
// both signs (quiet with payloads, and signalling), infinities, signed
// zeros, subnormals and the largest finite values.
var specials = []uint32{
	0x7fc00000, 0xffc00000, 0x7fc00123, 0xffc00456, 0x7f800001, 0xff812345,
	0x7f800000, 0xff800000, 0x00000000, 0x80000000, 0x00000001, 0x80000001,
	0x007fffff, 0x807fffff, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000,
}

// randData returns n floats at offset off of a fresh buffer: normal values
// of random sign and size, and, with special, one in four from specials.
func randData(r *rand.Rand, off, n int, special bool) []float32 {
	buf := make([]float32, off+n)
	for i := range buf {
		if special && r.IntN(4) == 0 {
			buf[i] = math.Float32frombits(specials[r.IntN(len(specials))])
			continue
		}
		buf[i] = float32(r.NormFloat64() * math.Exp2(float64(r.IntN(9)-4)))
	}
	return buf[off:]
}

// guarded returns a destination of n floats at offset off, followed by
// sentinels that checkGuard finds untouched.
func guarded(off, n int) (dst, whole []float32) {
	whole = make([]float32, off+n+9)
	for i := range whole {
		whole[i] = -12345
	}
	return whole[off : off+n], whole[off+n:]
}

func guardIntact(tail []float32) bool {
	for _, v := range tail {
		if v != -12345 {
			return false
		}
	}
	return true
}

// impl is one of the two paths under test: the exported functions (the
// assembly where the CPU runs it) or the Go loops called directly.
type impl struct {
	name           string
	sum            func([]float32) float64
	centredSquares func([]float32, float64) float64
	sumAndDot      func(g, x []float32, mean float64) (float64, float64)
	affine         func(y, x []float32, a, b float32)
	affine2        func(y, u, v []float32, a, b, c float32)
	relu           func(y, x []float32)
	reluBackward   func(dx, dy, y []float32)
	add, addReLU   func(z, x, y []float32)
}

var impls = []impl{
	{"dispatch", Sum, CentredSquares, SumAndCentredDot, Affine, Affine2, ReLU, ReLUBackward, Add, AddReLU},
	{"go", sumGo, centredSquaresGo, sumAndCentredDotGo, affineGo, affine2Go, reluGo, reluBackwardGo, addGo, addReLUGo},
}
