package optim

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// exactFMA32 is x*y+z rounded once to float32, by big.Float.
func exactFMA32(x, y, z float32) float32 {
	const prec = 1000 // exact: the sum of two float32-range terms spans < 600 bits
	p := new(big.Float).SetPrec(prec).SetFloat64(float64(x))
	p.Mul(p, new(big.Float).SetPrec(prec).SetFloat64(float64(y)))
	p.Add(p, new(big.Float).SetPrec(prec).SetFloat64(float64(z)))
	f, _ := p.Float32()
	return f
}

func TestFMA32(t *testing.T) {
	type c struct{ x, y, z float32 }
	e := float32(math.Ldexp(1, -12))
	tiny := float32(math.Ldexp(1, -80))
	cases := []c{
		// x*y lies halfway between two float32s and z nudges it off:
		// rounding the float64 sum again would tie to even, wrongly.
		{1 + e, 1 + e, tiny},
		{1 + e, 1 + e, -tiny},
		{-(1 + e), 1 + e, tiny},
		{1 + e, -(1 + e), -tiny},
		// Subnormal and zero results.
		{1e-20, 1e-20, 0},
		{1e-20, 1e-20, 1e-45},
		{3e-39, 0.5, -1e-45},
		{0, 5, 0},
		{2, 3, -6},
		{1e30, 1e30, 1},
		{0.1, 0.3, -0.03},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 200000 {
		x := float32(r.NormFloat64() * math.Exp2(float64(r.IntN(40)-20)))
		y := float32(r.NormFloat64() * math.Exp2(float64(r.IntN(40)-20)))
		z := float32(r.NormFloat64() * math.Exp2(float64(r.IntN(80)-40)))
		cases = append(cases, c{x, y, z})
		// Products of odd integers of 13 and 12 bits have up to 25 bits:
		// often a float32 midpoint, which a small z nudges off.
		a := float32(2*r.IntN(1<<12)+1) * float32(math.Ldexp(1, -13))
		b := float32(2*r.IntN(1<<11)+1) * float32(math.Ldexp(1, -12))
		cases = append(cases, c{a, b, float32(r.NormFloat64() * math.Exp2(-float64(30+r.IntN(40))))})
		// Results in float32's subnormal range.
		cases = append(cases, c{a * 0x1p-70, b * 0x1p-70, float32(r.NormFloat64() * 0x1p-130)})
	}
	bad, slow := 0, 0
	for _, k := range cases {
		want := exactFMA32(k.x, k.y, k.z)
		got := fma32(k.x, k.y, k.z)
		// The kernels' form: fma32q, and fma32 when it is not ok.
		q, ok := fma32q(k.x, k.y, k.z)
		if !ok {
			slow++
			q = fma32(k.x, k.y, k.z)
		}
		for _, g := range []float32{got, q} {
			if math.Float32bits(g) != math.Float32bits(want) && !(g == 0 && want == 0) {
				if bad++; bad < 10 {
					t.Errorf("fma32(%g, %g, %g) = %g (fma32q %g, ok %v), want %g", k.x, k.y, k.z, got, q, ok, want)
				}
			}
		}
	}
	t.Logf("%d cases, %d took the slow path", len(cases), slow)
	if bad > 0 {
		t.Errorf("%d of %d wrong", bad, len(cases))
	}
}

// TestPowIntCorrectlyRounded checks powInt against x**n computed exactly.
func TestPowIntCorrectlyRounded(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	betas := []float64{0.9, 0.99, 0.999, 0.9999, 0.5, 0.3, 0.95}
	for range 25 {
		betas = append(betas, r.Float64())
	}
	ns := []int64{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 100, 257, 999, 1500}
	for _, b := range betas {
		for _, n := range ns {
			exact := new(big.Float).SetPrec(uint(53*n + 64)).SetFloat64(1)
			x := new(big.Float).SetFloat64(b)
			for range n {
				exact.Mul(exact, x)
			}
			want, _ := exact.Float64()
			if got := powInt(b, n); got != want {
				t.Errorf("powInt(%v, %d) = %.17g, want %.17g", b, n, got, want)
			}
		}
	}
}
