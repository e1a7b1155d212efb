package cpu

import (
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// The optimizer kernels round as PyTorch 1.13's CPU kernels do (see
// optim/arith.go): each "x + a*y" is one fused multiply-add, other products
// are rounded before they are added, scalars are computed in float64 and
// rounded to the element type.

// fma returns x*y+z rounded once in T.
func fma[T float](x, y, z T) T {
	if _, ok := any(x).(float64); ok {
		return T(math.FMA(float64(x), float64(y), float64(z)))
	}
	return T(fma32(float32(x), float32(y), float32(z)))
}

// fma32 is a float32 fused multiply-add. The product of two float32s is
// exact in float64 and the sum's rounding error is exact too (TwoSum);
// rounding the float64 sum to odd (Boldo and Melquiond, "Emulation of FMA
// and correctly rounded sums", IEEE TC 2008) makes its rounding to float32
// the correctly rounded result.
func fma32(x, y, z float32) float32 {
	p := float64(x) * float64(y)
	s := p + float64(z)
	bv := s - p
	e := (p - (s - bv)) + (float64(z) - bv)
	if u := math.Float64bits(s); e != 0 && u&1 == 0 {
		if (e > 0) == (s > 0) {
			u++
		} else {
			u--
		}
		s = math.Float64frombits(u)
	}
	return float32(s)
}

func (d *Device) SGD(p, g, buf device.Buffer, n int, c device.SGDCoef) {
	dt, ok := d.ok("SGD", []int{n}, check.B("p", p, n), check.B("g", g, n), check.Opt("buf", buf, n))
	if !ok {
		return
	}
	run(dt, func() { sgd(f32(p), f32(g), f32(buf), n, c) }, func() { sgd(f64(p), f64(g), f64(buf), n, c) })
}

// sgd is optim.SGD's element update.
func sgd[T float](p, g, buf []T, n int, c device.SGDCoef) {
	nlr, wd, mom, damp := T(-c.LR), T(c.WeightDecay), T(c.Momentum), T(1-c.Dampening)
	for i := 0; i < n; i++ {
		di := g[i]
		if c.WeightDecay != 0 {
			di = fma(wd, p[i], di)
		}
		if buf != nil {
			b := di
			if !c.First {
				b = fma(damp, di, T(buf[i]*mom))
			}
			buf[i] = b
			if c.Nesterov {
				di = fma(mom, b, di)
			} else {
				di = b
			}
		}
		p[i] = fma(nlr, di, p[i])
	}
}

func (d *Device) Adam(p, g, m, v device.Buffer, n int, c device.AdamCoef) {
	dt, ok := d.ok("Adam", []int{n}, check.B("p", p, n), check.B("g", g, n), check.B("m", m, n), check.B("v", v, n))
	if !ok {
		return
	}
	run(dt, func() { adam(f32(p), f32(g), f32(m), f32(v), n, c) }, func() { adam(f64(p), f64(g), f64(m), f64(v), n, c) })
}

// adam is optim.Adam's element update.
func adam[T float](p, g, m, v []T, n int, c device.AdamCoef) {
	b1, omb1, b2, omb2 := T(c.Beta1), T(1-c.Beta1), T(c.Beta2), T(1-c.Beta2)
	eps, bc2, ns, wd, decay := T(c.Eps), T(c.BC2Sqrt), T(c.NegStep), T(c.WeightDecay), T(c.Decay)
	for i := 0; i < n; i++ {
		pi, gi := p[i], g[i]
		if c.WeightDecay != 0 {
			gi = fma(wd, pi, gi)
		}
		if decay != 1 {
			pi = T(pi * decay)
		}
		mi := fma(omb1, gi, T(m[i]*b1))
		vi := fma(T(omb2*gi), gi, T(v[i]*b2))
		m[i], v[i] = mi, vi
		den := T(math.Sqrt(float64(vi)))/bc2 + eps
		p[i] = pi + T(ns*mi)/den
	}
}

func (d *Device) FisherStep(p, g, m, f device.Buffer, n int, c device.FisherCoef) {
	dt, ok := d.ok("FisherStep", []int{n}, check.B("p", p, n), check.B("g", g, n), check.B("m", m, n), check.Opt("f", f, n))
	if !ok {
		return
	}
	run(dt, func() { fisherStep(f32(p), f32(g), f32(m), f32(f), n, c) }, func() { fisherStep(f64(p), f64(g), f64(m), f64(f), n, c) })
}

// fisherStep is optim.AdaFisher's element update.
func fisherStep[T float](p, g, m, f []T, n int, c device.FisherCoef) {
	beta, omb := T(c.Beta), T(1-c.Beta)
	ns, wd, shrink := T(-(c.LR / c.BC)), T(c.WeightDecay), T(-c.LR*c.WeightDecay)
	coupled := c.WeightDecay != 0 && !c.Decoupled
	decoupled := c.WeightDecay != 0 && c.Decoupled
	for i := 0; i < n; i++ {
		gi := g[i]
		if coupled {
			gi = fma(wd, p[i], gi)
		}
		if decoupled {
			p[i] = fma(shrink, p[i], p[i])
		}
		mi := fma(omb, gi, T(m[i]*beta))
		m[i] = mi
		step := T(ns * mi)
		if f != nil {
			step /= f[i]
		}
		p[i] += step
	}
}
