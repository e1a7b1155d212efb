package device

import "math"

// The per-step scalars of the optimizers, computed in float64 as package
// optim computes them, so that a device step equals optim's.

// NewAdamCoef returns the coefficients of step t (from 1) of Adam, or of
// AdamW when decoupled.
func NewAdamCoef(lr, beta1, beta2, eps, weightDecay float64, decoupled bool, t int64) AdamCoef {
	c := AdamCoef{Beta1: beta1, Beta2: beta2, Eps: eps, Decay: 1,
		NegStep: -(lr / (1 - PowInt(beta1, t))), BC2Sqrt: math.Sqrt(1 - PowInt(beta2, t))}
	if weightDecay != 0 {
		if decoupled {
			c.Decay = 1 - lr*weightDecay
		} else {
			c.WeightDecay = weightDecay
		}
	}
	return c
}

// NewFisherCoef returns the coefficients of step t (from 1) of AdaFisher,
// or of AdaFisherW when decoupled.
func NewFisherCoef(lr, beta, weightDecay float64, decoupled bool, t int64) FisherCoef {
	return FisherCoef{Beta: beta, LR: lr, BC: 1 - PowInt(beta, t), WeightDecay: weightDecay, Decoupled: decoupled}
}

// PowInt returns x**n (n >= 0) correctly rounded, as glibc's pow and so
// Python's beta**step give the bias corrections; math.Pow may be an ulp
// off, which 1 - beta2**t magnifies. It multiplies in double-double
// arithmetic (about 106 bits).
func PowInt(x float64, n int64) float64 {
	hi, lo := 1.0, 0.0
	bh, bl := x, 0.0
	for ; n > 0; n >>= 1 {
		if n&1 == 1 {
			hi, lo = mulDD(hi, lo, bh, bl)
		}
		bh, bl = mulDD(bh, bl, bh, bl)
	}
	return hi + lo
}

// mulDD multiplies two double-double numbers (Dekker's product with an
// exact high part from math.FMA).
func mulDD(ah, al, bh, bl float64) (float64, float64) {
	p := ah * bh
	e := math.FMA(ah, bh, -p) + (ah*bl + al*bh)
	s := p + e
	return s, e - (s - p)
}
