package optim

import (
	"math"
	"unsafe"

	"github.com/adafisher-go/landscape/nn"
)

// Element-wise arithmetic shared by the first-order methods.
//
// PyTorch 1.13's CPU kernels (AVX2 dispatch, as Debian and the upstream
// wheels build them) compute x.add(y, alpha=a) and x.addcmul(y, z, value=v)
// with a fused multiply-add, x + a*y and x + (v*y)*z each rounded once at the
// end; addcdiv is x + (v*y)/z with every operation rounded. Scalars (lr,
// betas, bias corrections) are computed in float64 and rounded to the tensor's
// element type when the kernel reads them. The kernels here do the same, with
// explicit fused multiply-adds (fma64, fma32) and explicit conversions
// wherever a product is added, so that no compiler may fuse differently on
// another architecture: results are the same bit for bit everywhere (on a
// CPU without FMA instructions math.FMA is done in software: exact, slower).
// The golden tests hold them to torch's results bit for bit.
//
// Go has no float32 fused multiply-add, so fma32 builds one from float64
// arithmetic. The float32 kernels run a fast loop on fma32q, which gets all
// but about one sum in 2^28 right inline and says which it cannot, and stop
// there to redo that one element with the exact fma32.

// fma64 returns x*y+z rounded once.
func fma64(x, y, z float64) float64 { return math.FMA(x, y, z) }

// fma32 returns x*y+z rounded once to float32, as a float32 fused multiply-add
// does. The product of two float32s is exact in float64, so the float64 sum
// s is the exact result rounded once; rounding s again to float32 gives the
// correctly rounded result except when s is inexact and lies exactly halfway
// between two float32s, or in float32's subnormal range. In those rare cases
// s is rounded to odd instead, from the exact error of the sum, which makes
// the second rounding exact.
//
// fma32 is too large to inline; the kernels call fma32q, which handles all
// but the rare cases inline, and fall back to fma32 when it says so:
//
//	r, ok := fma32q(x, y, z)
//	if !ok {
//		r = fma32(x, y, z)
//	}
func fma32(x, y, z float32) float32 {
	p := float64(x) * float64(y)
	s := p + float64(z)
	u := math.Float64bits(s)
	if fma32rare(u) {
		bv := s - p
		if e := (p - (s - bv)) + (float64(z) - bv); e != 0 && u&1 == 0 {
			// Move to the odd neighbour on the side of the exact sum.
			if (e > 0) == (s > 0) {
				u++
			} else {
				u--
			}
		}
		s = math.Float64frombits(u)
	}
	return float32(s)
}

// fma32q is fma32's inlined fast path: ok is false in the rare cases where
// the result must come from fma32 instead.
func fma32q(x, y, z float32) (r float32, ok bool) {
	s := float64(x)*float64(y) + float64(z)
	u := math.Float64bits(s)
	// Every rare case has its low 28 bits zero; most sums do not, and for
	// them this one test decides.
	return float32(s), u&(1<<28-1) != 0 || !fma32rare(u)
}

// fma32rare reports whether rounding the float64 s (bits u) to float32 might
// differ from rounding the exact sum it came from: s lies halfway between
// two float32s, or is not zero and below float32's smallest normal number.
// (An exact zero is exact: two float32-range terms cancel exactly or leave a
// float64 normal number.) u<<1 drops the sign; -1 sends zero to the top.
func fma32rare(u uint64) bool {
	return u&(1<<29-1) == 1<<28 || (u<<1)-1 < (1023-126)<<53-1
}

// sqrt32 is the correctly rounded float32 square root.
func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }

// powInt returns x**n for n >= 0 rounded to nearest, as C's pow (glibc) and
// so Python's float ** float compute the bias corrections 1 - beta**step.
// math.Pow can be an ulp or more away, which 1 - beta2**t (near 0 for early
// steps) would magnify a thousandfold. Squaring in double-double arithmetic
// keeps about 100 bits, enough to round correctly.
func powInt(x float64, n int64) float64 {
	if n == 0 {
		return 1
	}
	rh, rl := 1.0, 0.0
	bh, bl := x, 0.0
	for {
		if n&1 != 0 {
			rh, rl = ddMul(rh, rl, bh, bl)
		}
		n >>= 1
		if n == 0 {
			break
		}
		bh, bl = ddMul(bh, bl, bh, bl)
	}
	return rh + rl
}

// ddMul multiplies two double-double numbers.
func ddMul(ah, al, bh, bl float64) (hi, lo float64) {
	p := ah * bh
	e := math.FMA(ah, bh, -p)
	e += float64(ah*bl) + float64(al*bh)
	hi = p + e
	lo = e - (hi - p)
	return hi, lo
}

// is32 reports whether T is float32.
func is32[T nn.Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// as32 and as64 reinterpret a []T without copying; the caller has checked T.
func as32[T nn.Float](s []T) []float32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

func as64[T nn.Float](s []T) []float64 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}
