package cpu

import (
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// The reference CurvatureOps: plain loops in the order optim's K-FAC and
// Shampoo use, sums in float64.

func (d *Device) ScaleMat(rows, cols int, alpha float64, src, dst device.Mat) {
	sa, ok1 := check.Mat(&d.errs, "ScaleMat", "src", src, rows, cols)
	da, ok2 := check.Mat(&d.errs, "ScaleMat", "dst", dst, rows, cols)
	if !ok1 || !ok2 {
		return
	}
	dt, ok := d.ok("ScaleMat", []int{rows, cols}, sa, da)
	if !ok || rows == 0 || cols == 0 {
		return
	}
	run(dt, func() { scaleMat(rows, cols, alpha, f32(src.Buf), f32(dst.Buf), src, dst) },
		func() { scaleMat(rows, cols, alpha, f64(src.Buf), f64(dst.Buf), src, dst) })
}

func scaleMat[T float](rows, cols int, alpha float64, s, t []T, src, dst device.Mat) {
	for r := 0; r < rows; r++ {
		for j := 0; j < cols; j++ {
			t[dst.Off+r*dst.LD+j] = T(float64(s[src.Off+r*src.LD+j]) * alpha)
		}
	}
}

func (d *Device) Dot(n int, a, b, out device.Buffer, at int) {
	dt, ok := d.ok("Dot", []int{n, at}, check.B("a", a, n), check.B("b", b, n), check.B("out", out, at+1))
	if !ok {
		return
	}
	run(dt, func() { f32(out)[at] = float32(dot(f32(a)[:n], f32(b))) }, func() { f64(out)[at] = dot(f64(a)[:n], f64(b)) })
}

func dot[T float](a, b []T) float64 {
	var s float64
	for i, v := range a {
		s += float64(v) * float64(b[i])
	}
	return s
}

func (d *Device) FactorBiasColumn(rows, cols int, a, cov device.Buffer, scale, corner float64) {
	ld := cols + 1
	dt, ok := d.ok("FactorBiasColumn", []int{rows, cols, rows * cols, ld * ld}, check.B("a", a, rows*cols), check.B("cov", cov, ld*ld))
	if !ok {
		return
	}
	run(dt, func() { biasColumn(rows, cols, f32(a), f32(cov), scale, corner) },
		func() { biasColumn(rows, cols, f64(a), f64(cov), scale, corner) })
}

func biasColumn[T float](rows, cols int, a, cov []T, scale, corner float64) {
	ld := cols + 1
	col := make([]float64, cols)
	for r := 0; r < rows; r++ {
		for j, v := range a[r*cols : (r+1)*cols] {
			col[j] += float64(v)
		}
	}
	for j, v := range col {
		cov[j*ld+cols] = T(v * scale)
		cov[cols*ld+j] = T(v * scale)
	}
	cov[cols*ld+cols] = T(corner)
}

func (d *Device) RunningStat(m, fresh device.Buffer, dim int, decay float64, first bool) {
	n := dim * dim
	dt, ok := d.ok("RunningStat", []int{dim, n}, check.B("m", m, n), check.B("fresh", fresh, n))
	if !ok {
		return
	}
	run(dt, func() { runningStat(f32(m)[:n], f32(fresh), dim, decay, first) },
		func() { runningStat(f64(m)[:n], f64(fresh), dim, decay, first) })
}

func runningStat[T float](m, fresh []T, dim int, decay float64, first bool) {
	if first {
		clear(m)
		for i := 0; i < dim; i++ {
			m[i*dim+i] = 1
		}
	}
	a, b := T(decay/(1-decay)), T(1-decay)
	for i := range m {
		m[i] = T((T(m[i]*a) + fresh[i]) * b)
	}
}

func (d *Device) DivideOuter(rows, cols int, t, dr, dc device.Buffer, damping float64) {
	dt, ok := d.ok("DivideOuter", []int{rows, cols, rows * cols}, check.B("t", t, rows*cols), check.B("dr", dr, rows), check.B("dc", dc, cols))
	if !ok {
		return
	}
	run(dt, func() { divideOuter(rows, cols, f32(t), f32(dr), f32(dc), damping) },
		func() { divideOuter(rows, cols, f64(t), f64(dr), f64(dc), damping) })
}

func divideOuter[T float](rows, cols int, t, dr, dc []T, damping float64) {
	damp := T(damping)
	for r := 0; r < rows; r++ {
		row := t[r*cols : (r+1)*cols]
		for j := range row {
			row[j] /= T(dr[r]*dc[j]) + damp
		}
	}
}

func (d *Device) MomentumStep(p, g, buf device.Buffer, n int, lr, momentum, wd float64) {
	bufArg := check.Opt("buf", buf, n)
	if momentum != 0 {
		bufArg = check.B("buf", buf, n)
	}
	dt, ok := d.ok("MomentumStep", []int{n}, check.B("p", p, n), check.B("g", g, n), bufArg)
	if !ok {
		return
	}
	run(dt, func() { momentumStep(f32(p)[:n], f32(g), f32(buf), lr, momentum, wd) },
		func() { momentumStep(f64(p)[:n], f64(g), f64(buf), lr, momentum, wd) })
}

// momentumStep is optim's momentumStep.
func momentumStep[T float](p, g, buf []T, lr, momentum, wd float64) {
	tl, tm, tw := T(lr), T(momentum), T(wd)
	for i := range p {
		d := g[i]
		if wd != 0 {
			d += T(tw * p[i])
		}
		if momentum != 0 {
			d += T(tm * buf[i])
			buf[i] = d
		}
		p[i] -= T(tl * d)
	}
}

func (d *Device) Accumulate(stat, fresh device.Buffer, n int, decay float64, square bool) {
	dt, ok := d.ok("Accumulate", []int{n}, check.B("stat", stat, n), check.B("fresh", fresh, n))
	if !ok {
		return
	}
	run(dt, func() { accumulate(f32(stat)[:n], f32(fresh), decay, square) },
		func() { accumulate(f64(stat)[:n], f64(fresh), decay, square) })
}

// accumulate is optim.Shampoo's accumulate.
func accumulate[T float](stat, fresh []T, decay float64, square bool) {
	for i := range stat {
		v := fresh[i]
		if square {
			v *= v
		}
		if decay < 0 {
			stat[i] += v
		} else {
			stat[i] = T(T(decay)*stat[i]) + T(T(1-decay)*v)
		}
	}
}

func (d *Device) InvSqrtFloor(dst, src device.Buffer, n int, floor float64) {
	dt, ok := d.ok("InvSqrtFloor", []int{n}, check.B("dst", dst, n), check.B("src", src, n))
	if !ok {
		return
	}
	run(dt, func() { invSqrtFloor(f32(dst)[:n], f32(src), floor) }, func() { invSqrtFloor(f64(dst)[:n], f64(src), floor) })
}

func invSqrtFloor[T float](dst, src []T, floor float64) {
	for i := range dst {
		dst[i] = T(1 / math.Sqrt(max(float64(src[i]), floor)))
	}
}

func (d *Device) GraftAdam(g, v, out device.Buffer, n int, beta2, bc2Sqrt, eps float64) {
	dt, ok := d.ok("GraftAdam", []int{n}, check.B("g", g, n), check.B("v", v, n), check.B("out", out, n))
	if !ok {
		return
	}
	run(dt, func() { graftAdam(f32(g)[:n], f32(v), f32(out), beta2, bc2Sqrt, eps) },
		func() { graftAdam(f64(g)[:n], f64(v), f64(out), beta2, bc2Sqrt, eps) })
}

// graftAdam is the Adam direction of optim.Shampoo's graft.
func graftAdam[T float](g, v, out []T, beta2, sbc, eps float64) {
	for i, x := range g {
		v[i] = T(T(beta2)*v[i]) + T(T(1-beta2)*x*x)
		out[i] = T(float64(x) / (math.Sqrt(float64(v[i]))/sbc + eps))
	}
}

func (d *Device) AdaHessianStep(p, g, m, v, dg device.Buffer, n int, c device.AdaHessianCoef) {
	dt, ok := d.ok("AdaHessianStep", []int{n}, check.B("p", p, n), check.B("g", g, n), check.B("m", m, n), check.B("v", v, n), check.B("d", dg, n))
	if !ok {
		return
	}
	run(dt, func() { adaHessianStep(f32(p)[:n], f32(g), f32(m), f32(v), f32(dg), c) },
		func() { adaHessianStep(f64(p)[:n], f64(g), f64(m), f64(v), f64(dg), c) })
}

// adaHessianStep is the element update of optim.AdaHessian's Step.
func adaHessianStep[T float](pv, g, m, v, d []T, c device.AdaHessianCoef) {
	b1, b2, k := c.Beta1, c.Beta2, c.Power
	for j := range pv {
		mj := b1*float64(m[j]) + (1-b1)*float64(g[j])
		dj := float64(d[j])
		vj := b2*float64(v[j]) + (1-b2)*dj*dj
		m[j], v[j] = T(mj), T(vj)
		var denom float64
		if k == 1 {
			denom = math.Sqrt(float64(v[j]))/c.SBC2 + c.Eps
		} else {
			denom = math.Pow(math.Sqrt(float64(v[j])), k)/c.SBC2K + c.Eps
		}
		x := float64(pv[j])
		pv[j] = T(x - c.LR*(float64(m[j])/c.BC1/denom+c.WeightDecay*x))
	}
}

func (d *Device) FullFactorUpdate(state, fresh device.Buffer, dim int, gamma float64, first bool) {
	n := dim * dim
	dt, ok := d.ok("FullFactorUpdate", []int{dim, n}, check.B("state", state, n), check.B("fresh", fresh, n))
	if !ok {
		return
	}
	run(dt, func() { fullFactorUpdate(f32(state)[:n], f32(fresh)[:n], dim, gamma, first) },
		func() { fullFactorUpdate(f64(state)[:n], f64(fresh)[:n], dim, gamma, first) })
}

// fullFactorUpdate is optim's fullFactors.update after the GEMM.
func fullFactorUpdate[T float](state, fresh []T, dim int, gamma float64, first bool) {
	lo, hi := extremes(fresh)
	den := hi - lo + T(1e-12)
	if first {
		clear(state)
		for i := 0; i < dim; i++ {
			state[i*dim+i] = 1
		}
	}
	a, b := T(0.1*gamma), T(0.01*gamma)
	for i, v := range fresh {
		state[i] = T(a*state[i]) + T(b*((v-lo)/den))
	}
}
