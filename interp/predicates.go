package interp

import "math"

// Robust geometric predicates.
//
// orient2d and incircle first evaluate the determinant in floating point and
// accept the sign when it exceeds Shewchuk's a-priori error bound; otherwise
// they recompute the determinant exactly with floating-point expansions
// (J. R. Shewchuk, "Adaptive Precision Floating-Point Arithmetic and Fast
// Robust Geometric Predicates", 1997). The signs returned are therefore exact
// for any finite float64 input, which is what keeps the triangulation valid
// for duplicates, collinear runs and cocircular grids.

const (
	machEps      = 0x1p-53 // half an ulp of 1: Shewchuk's epsilon
	ccwErrBoundA = (3 + 16*machEps) * machEps
	iccErrBoundA = (10 + 96*machEps) * machEps
)

// orient2d returns a positive value when a, b, c are in counter-clockwise
// order, a negative value when clockwise and zero when collinear. Only the
// sign is exact.
func orient2d(ax, ay, bx, by, cx, cy float64) float64 {
	detleft := float64((ax - cx) * (by - cy))
	detright := float64((ay - cy) * (bx - cx))
	det := detleft - detright
	var detsum float64
	switch {
	case detleft > 0:
		if detright <= 0 {
			return det
		}
		detsum = detleft + detright
	case detleft < 0:
		if detright >= 0 {
			return det
		}
		detsum = -detleft - detright
	default:
		return det
	}
	errbound := ccwErrBoundA * detsum
	if det >= errbound || -det >= errbound {
		return det
	}
	return orient2dExact(ax, ay, bx, by, cx, cy)
}

// incircle returns a positive value when d lies inside the circle through
// a, b, c (which must be in counter-clockwise order), negative outside and
// zero on it. Only the sign is exact.
func incircle(ax, ay, bx, by, cx, cy, dx, dy float64) float64 {
	adx, ady := ax-dx, ay-dy
	bdx, bdy := bx-dx, by-dy
	cdx, cdy := cx-dx, cy-dy

	bdxcdy := float64(bdx * cdy)
	cdxbdy := float64(cdx * bdy)
	alift := float64(adx*adx) + float64(ady*ady)
	cdxady := float64(cdx * ady)
	adxcdy := float64(adx * cdy)
	blift := float64(bdx*bdx) + float64(bdy*bdy)
	adxbdy := float64(adx * bdy)
	bdxady := float64(bdx * ady)
	clift := float64(cdx*cdx) + float64(cdy*cdy)

	det := float64(alift*(bdxcdy-cdxbdy)) + float64(blift*(cdxady-adxcdy)) + float64(clift*(adxbdy-bdxady))
	permanent := (math.Abs(bdxcdy)+math.Abs(cdxbdy))*alift +
		(math.Abs(cdxady)+math.Abs(adxcdy))*blift +
		(math.Abs(adxbdy)+math.Abs(bdxady))*clift
	errbound := iccErrBoundA * permanent
	if det > errbound || -det > errbound {
		return det
	}
	return incircleExact(ax, ay, bx, by, cx, cy, dx, dy)
}

func orient2dExact(ax, ay, bx, by, cx, cy float64) float64 {
	acx, acy := diffExp(ax, cx), diffExp(ay, cy)
	bcx, bcy := diffExp(bx, cx), diffExp(by, cy)
	left := mulExp(acx, bcy)
	right := mulExp(acy, bcx)
	return expSign(sumExp(left, negExp(right)))
}

func incircleExact(ax, ay, bx, by, cx, cy, dx, dy float64) float64 {
	adx, ady := diffExp(ax, dx), diffExp(ay, dy)
	bdx, bdy := diffExp(bx, dx), diffExp(by, dy)
	cdx, cdy := diffExp(cx, dx), diffExp(cy, dy)

	alift := sumExp(mulExp(adx, adx), mulExp(ady, ady))
	blift := sumExp(mulExp(bdx, bdx), mulExp(bdy, bdy))
	clift := sumExp(mulExp(cdx, cdx), mulExp(cdy, cdy))

	bc := sumExp(mulExp(bdx, cdy), negExp(mulExp(cdx, bdy)))
	ca := sumExp(mulExp(cdx, ady), negExp(mulExp(adx, cdy)))
	ab := sumExp(mulExp(adx, bdy), negExp(mulExp(bdx, ady)))

	det := sumExp(sumExp(mulExp(alift, bc), mulExp(blift, ca)), mulExp(clift, ab))
	return expSign(det)
}

// Floating-point expansions: a value is the exact sum of its components,
// which are nonoverlapping and ordered by increasing magnitude. Zero is the
// one-component expansion {0}.

func twoSum(a, b float64) (x, y float64) {
	x = a + b
	bv := x - a
	av := x - bv
	y = (a - av) + (b - bv)
	return
}

func fastTwoSum(a, b float64) (x, y float64) {
	x = a + b
	y = b - (x - a)
	return
}

func twoDiff(a, b float64) (x, y float64) {
	x = a - b
	bv := a - x
	av := x + bv
	y = (a - av) + (bv - b)
	return
}

func twoProduct(a, b float64) (x, y float64) {
	x = a * b
	y = math.FMA(a, b, -x)
	return
}

// diffExp returns a-b exactly as an expansion.
func diffExp(a, b float64) []float64 {
	x, y := twoDiff(a, b)
	if y == 0 {
		return []float64{x}
	}
	return []float64{y, x}
}

func negExp(e []float64) []float64 {
	out := make([]float64, len(e))
	for i, v := range e {
		out[i] = -v
	}
	return out
}

// expSign returns the sign of an expansion as -1, 0 or +1: the sign of its
// most significant component.
func expSign(e []float64) float64 {
	for i := len(e) - 1; i >= 0; i-- {
		if e[i] != 0 {
			if e[i] > 0 {
				return 1
			}
			return -1
		}
	}
	return 0
}

// scaleExp returns e*b exactly (Shewchuk's scale_expansion_zeroelim).
func scaleExp(e []float64, b float64) []float64 {
	h := make([]float64, 0, 2*len(e))
	q, hh := twoProduct(e[0], b)
	if hh != 0 {
		h = append(h, hh)
	}
	for _, ei := range e[1:] {
		p1, p0 := twoProduct(ei, b)
		sum, hh := twoSum(q, p0)
		if hh != 0 {
			h = append(h, hh)
		}
		q, hh = fastTwoSum(p1, sum)
		if hh != 0 {
			h = append(h, hh)
		}
	}
	if q != 0 || len(h) == 0 {
		h = append(h, q)
	}
	return h
}

// sumExp returns e+f exactly (Shewchuk's fast_expansion_sum_zeroelim; the
// inputs must be strongly nonoverlapping, which every expansion built here
// is under round-to-nearest-even).
func sumExp(e, f []float64) []float64 {
	h := make([]float64, 0, len(e)+len(f))
	ei, fi := 0, 0
	var q float64
	if smallerFirst(e[ei], f[fi]) {
		q = e[ei]
		ei++
	} else {
		q = f[fi]
		fi++
	}
	var qn, hh float64
	if ei < len(e) && fi < len(f) {
		if smallerFirst(e[ei], f[fi]) {
			qn, hh = fastTwoSum(e[ei], q)
			ei++
		} else {
			qn, hh = fastTwoSum(f[fi], q)
			fi++
		}
		q = qn
		if hh != 0 {
			h = append(h, hh)
		}
		for ei < len(e) && fi < len(f) {
			if smallerFirst(e[ei], f[fi]) {
				qn, hh = twoSum(q, e[ei])
				ei++
			} else {
				qn, hh = twoSum(q, f[fi])
				fi++
			}
			q = qn
			if hh != 0 {
				h = append(h, hh)
			}
		}
	}
	for ; ei < len(e); ei++ {
		q, hh = twoSum(q, e[ei])
		if hh != 0 {
			h = append(h, hh)
		}
	}
	for ; fi < len(f); fi++ {
		q, hh = twoSum(q, f[fi])
		if hh != 0 {
			h = append(h, hh)
		}
	}
	if q != 0 || len(h) == 0 {
		h = append(h, q)
	}
	return h
}

// smallerFirst reports whether e should be merged before f: Shewchuk's
// (fnow > enow) == (fnow > -enow), i.e. |e| < |f| with his tie-breaking.
func smallerFirst(e, f float64) bool { return (f > e) == (f > -e) }

// mulExp returns e*f exactly.
func mulExp(e, f []float64) []float64 {
	acc := scaleExp(e, f[0])
	for _, fj := range f[1:] {
		acc = sumExp(acc, scaleExp(e, fj))
	}
	return acc
}
