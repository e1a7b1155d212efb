package interp

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

func ratOrient(ax, ay, bx, by, cx, cy float64) int {
	r := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
	sub := func(a, b float64) *big.Rat { return new(big.Rat).Sub(r(a), r(b)) }
	l := new(big.Rat).Mul(sub(ax, cx), sub(by, cy))
	rr := new(big.Rat).Mul(sub(ay, cy), sub(bx, cx))
	return l.Sub(l, rr).Sign()
}

func ratIncircle(ax, ay, bx, by, cx, cy, dx, dy float64) int {
	r := func(v float64) *big.Rat { return new(big.Rat).SetFloat64(v) }
	sub := func(a, b float64) *big.Rat { return new(big.Rat).Sub(r(a), r(b)) }
	mul := func(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }
	add := func(a, b *big.Rat) *big.Rat { return new(big.Rat).Add(a, b) }
	adx, ady := sub(ax, dx), sub(ay, dy)
	bdx, bdy := sub(bx, dx), sub(by, dy)
	cdx, cdy := sub(cx, dx), sub(cy, dy)
	al := add(mul(adx, adx), mul(ady, ady))
	bl := add(mul(bdx, bdx), mul(bdy, bdy))
	cl := add(mul(cdx, cdx), mul(cdy, cdy))
	bc := new(big.Rat).Sub(mul(bdx, cdy), mul(cdx, bdy))
	ca := new(big.Rat).Sub(mul(cdx, ady), mul(adx, cdy))
	ab := new(big.Rat).Sub(mul(adx, bdy), mul(bdx, ady))
	return add(add(mul(al, bc), mul(bl, ca)), mul(cl, ab)).Sign()
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

// TestPredicatesAgainstRationals compares the signs with exact rational
// arithmetic on nearly degenerate inputs: points on a line or a circle,
// perturbed by a few ulps, at several offsets and scales.
func TestPredicatesAgainstRationals(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	ulps := func(v float64, k int) float64 {
		for ; k > 0; k-- {
			v = math.Nextafter(v, math.Inf(1))
		}
		for ; k < 0; k++ {
			v = math.Nextafter(v, math.Inf(-1))
		}
		return v
	}
	zeros := 0
	for it := 0; it < 3000; it++ {
		off := []float64{0, 1, 1e6, -3.7e9}[it%4]
		scale := []float64{1, 1e-3, 1e3}[it%3]
		// Collinear-ish triple.
		t0, t1, t2 := r.Float64(), r.Float64(), r.Float64()
		sx, sy := r.NormFloat64(), r.NormFloat64()
		px := func(tt float64) float64 { return off + scale*tt*sx }
		py := func(tt float64) float64 { return off + scale*tt*sy }
		ax, ay := px(t0), py(t0)
		bx, by := px(t1), py(t1)
		cx, cy := ulps(px(t2), r.IntN(5)-2), ulps(py(t2), r.IntN(5)-2)
		got, want := sign(orient2d(ax, ay, bx, by, cx, cy)), ratOrient(ax, ay, bx, by, cx, cy)
		if got != want {
			t.Fatalf("orient2d sign %d, exact %d", got, want)
		}
		// Cocircular-ish quadruple on an axis-aligned rectangle (exactly
		// cocircular before the perturbation) and on a circle.
		x0, y0 := off+scale*r.Float64(), off+scale*r.Float64()
		x1, y1 := x0+scale*r.Float64(), y0+scale*r.Float64()
		qx, qy := ulps(x0, r.IntN(3)-1), ulps(y1, r.IntN(3)-1)
		got = sign(incircle(x0, y0, x1, y0, x1, y1, qx, qy))
		want = ratIncircle(x0, y0, x1, y0, x1, y1, qx, qy)
		if got != want {
			t.Fatalf("incircle sign %d, exact %d (rectangle)", got, want)
		}
		if want == 0 {
			zeros++
		}
		var cs [4][2]float64
		for k := range cs {
			a := r.Float64() * 2 * math.Pi
			cs[k] = [2]float64{off + scale*math.Cos(a), off + scale*math.Sin(a)}
		}
		if orient2d(cs[0][0], cs[0][1], cs[1][0], cs[1][1], cs[2][0], cs[2][1]) < 0 {
			cs[1], cs[2] = cs[2], cs[1]
		}
		got = sign(incircle(cs[0][0], cs[0][1], cs[1][0], cs[1][1], cs[2][0], cs[2][1], cs[3][0], cs[3][1]))
		want = ratIncircle(cs[0][0], cs[0][1], cs[1][0], cs[1][1], cs[2][0], cs[2][1], cs[3][0], cs[3][1])
		if got != want {
			t.Fatalf("incircle sign %d, exact %d (circle)", got, want)
		}
	}
	if zeros == 0 {
		t.Error("no exactly cocircular case exercised")
	}
}

// A grid perturbed by single ulps, far from the origin: nearly every
// in-circle test is within rounding of zero.
func TestDelaunayPerturbedGrid(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	var x, y []float64
	for i := 0; i < 20; i++ {
		for j := 0; j < 20; j++ {
			px, py := 1e5+float64(i)*0.1, -7+float64(j)*0.1
			switch r.IntN(3) {
			case 0:
				px = math.Nextafter(px, math.Inf(1))
			case 1:
				py = math.Nextafter(py, math.Inf(-1))
			}
			x = append(x, px)
			y = append(y, py)
		}
	}
	tr, err := Delaunay(x, y)
	if err != nil {
		t.Fatal(err)
	}
	checkTriangulation(t, tr, "perturbed grid", true)
}
