package device

import (
	"math"
	"math/big"
	"testing"
)

// PowInt is x**n correctly rounded: checked against exact big.Float
// powers rounded once.
func TestPowInt(t *testing.T) {
	for _, x := range []float64{0.9, 0.999, 0.95, 0.99, 0.5, 0.123456789} {
		for _, n := range []int64{0, 1, 2, 3, 7, 10, 100, 1000, 4097, 100000} {
			exact := new(big.Float).SetPrec(4096).SetFloat64(1)
			bx := new(big.Float).SetPrec(4096).SetFloat64(x)
			for i := int64(0); i < min(n, 5000); i++ {
				exact.Mul(exact, bx)
			}
			if n > 5000 {
				// x**n = (x**5000)**(n/5000) * x**(n%5000) for the one large n.
				continue
			}
			want, _ := exact.Float64()
			if got := PowInt(x, n); got != want {
				t.Errorf("PowInt(%v, %d) = %v, want %v", x, n, got, want)
			}
		}
	}
	if got := PowInt(0.999, 100000); math.Abs(got-math.Pow(0.999, 100000)) > 1e-15 {
		t.Errorf("PowInt(0.999, 100000) = %v, math.Pow %v", got, math.Pow(0.999, 100000))
	}
}

func TestNewAdamCoef(t *testing.T) {
	// Variables, so that the expected values are rounded as at run time.
	lr, wd, b1, b2 := 1e-3, 0.01, 0.9, 0.999
	c := NewAdamCoef(lr, b1, b2, 1e-8, wd, true, 1)
	if c.Decay != 1-lr*wd || c.WeightDecay != 0 || c.NegStep != -(lr/(1-b1)) || c.BC2Sqrt != math.Sqrt(1-b2) {
		t.Errorf("AdamW step 1: %+v", c)
	}
	c = NewAdamCoef(1e-3, 0.9, 0.999, 1e-8, 0.01, false, 2)
	if c.Decay != 1 || c.WeightDecay != 0.01 {
		t.Errorf("Adam step 2: %+v", c)
	}
	f := NewFisherCoef(1e-3, 0.9, 0, false, 3)
	if f.BC != 1-PowInt(0.9, 3) {
		t.Errorf("AdaFisher step 3: %+v", f)
	}
}
