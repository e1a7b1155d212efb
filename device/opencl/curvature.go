package opencl

import (
	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// The CurvatureOps (kernels in curvature.cl).

func (d *Device) ScaleMat(rows, cols int, alpha float64, src, dst device.Mat) {
	sa, ok1 := check.Mat(&d.errs, "ScaleMat", "src", src, rows, cols)
	da, ok2 := check.Mat(&d.errs, "ScaleMat", "dst", dst, rows, cols)
	if !ok1 || !ok2 {
		return
	}
	if dt, ok := d.ok("ScaleMat", []int{rows, cols, rows * cols}, sa, da); ok {
		d.launch(dt, "curv_scale_mat", rows*cols, src.Buf, src.Off, src.LD, dst.Buf, dst.Off, dst.LD, rows, cols, accv(alpha))
	}
}

func (d *Device) Dot(n int, a, b, out device.Buffer, at int) {
	dt, ok := d.ok("Dot", []int{n, at}, check.B("a", a, n), check.B("b", b, n), check.B("out", out, at+1))
	if !ok {
		return
	}
	g := reduceGroups(n)
	if part := d.scratchACC(g); part != nil {
		d.groups(dt, "dot_partial", g, a, b, part, n, g)
		d.groups(dt, "sum_partial", 1, part, g, out, at)
	}
}

// reduceGroups is the number of work-groups of a two-pass reduction over n
// elements: at least 8 elements per work item, at most 256 groups.
func reduceGroups(n int) int {
	return max(1, min(256, (n+8*local-1)/(8*local)))
}

func (d *Device) FactorBiasColumn(rows, cols int, a, cov device.Buffer, scale, corner float64) {
	ld := cols + 1
	if dt, ok := d.ok("FactorBiasColumn", []int{rows, cols, rows * cols, ld * ld}, check.B("a", a, rows*cols), check.B("cov", cov, ld*ld)); ok {
		d.launch(dt, "factor_bias_column", cols+1, a, cov, rows, cols, accv(scale), realv(corner))
	}
}

func (d *Device) RunningStat(m, fresh device.Buffer, dim int, decay float64, first bool) {
	n := dim * dim
	if dt, ok := d.ok("RunningStat", []int{dim, n}, check.B("m", m, n), check.B("fresh", fresh, n)); ok {
		d.launch(dt, "running_stat", n, m, fresh, dim, realv(decay/(1-decay)), realv(1-decay), first)
	}
}

func (d *Device) DivideOuter(rows, cols int, t, dr, dc device.Buffer, damping float64) {
	if dt, ok := d.ok("DivideOuter", []int{rows, cols, rows * cols}, check.B("t", t, rows*cols), check.B("dr", dr, rows), check.B("dc", dc, cols)); ok {
		d.launch(dt, "divide_outer", rows*cols, t, dr, dc, rows, cols, realv(damping))
	}
}

func (d *Device) MomentumStep(p, g, buf device.Buffer, n int, lr, momentum, wd float64) {
	bufArg := check.Opt("buf", buf, n)
	if momentum != 0 {
		bufArg = check.B("buf", buf, n)
	}
	if dt, ok := d.ok("MomentumStep", []int{n}, check.B("p", p, n), check.B("g", g, n), bufArg); ok {
		d.launch(dt, "momentum_step", n, p, g, buf, n, realv(lr), realv(momentum), realv(wd), wd != 0, momentum != 0)
	}
}

func (d *Device) Accumulate(stat, fresh device.Buffer, n int, decay float64, square bool) {
	if dt, ok := d.ok("Accumulate", []int{n}, check.B("stat", stat, n), check.B("fresh", fresh, n)); ok {
		d.launch(dt, "accumulate", n, stat, fresh, n, realv(decay), realv(1-decay), decay < 0, square)
	}
}

func (d *Device) InvSqrtFloor(dst, src device.Buffer, n int, floor float64) {
	if dt, ok := d.ok("InvSqrtFloor", []int{n}, check.B("dst", dst, n), check.B("src", src, n)); ok {
		d.launch(dt, "inv_sqrt_floor", n, dst, src, n, accv(floor))
	}
}

func (d *Device) GraftAdam(g, v, out device.Buffer, n int, beta2, bc2Sqrt, eps float64) {
	if dt, ok := d.ok("GraftAdam", []int{n}, check.B("g", g, n), check.B("v", v, n), check.B("out", out, n)); ok {
		d.launch(dt, "graft_adam", n, g, v, out, n, realv(beta2), realv(1-beta2), accv(bc2Sqrt), accv(eps))
	}
}

func (d *Device) AdaHessianStep(p, g, m, v, dg device.Buffer, n int, c device.AdaHessianCoef) {
	dt, ok := d.ok("AdaHessianStep", []int{n}, check.B("p", p, n), check.B("g", g, n), check.B("m", m, n), check.B("v", v, n), check.B("d", dg, n))
	if ok {
		d.launch(dt, "adahessian_step", n, p, g, m, v, dg, n, accv(c.Beta1), accv(1-c.Beta1), accv(c.Beta2), accv(1-c.Beta2),
			accv(c.Eps), accv(c.WeightDecay), accv(c.LR), accv(c.Power), accv(c.BC1), accv(c.SBC2), accv(c.SBC2K), c.Power == 1)
	}
}

func (d *Device) FullFactorUpdate(state, fresh device.Buffer, dim int, gamma float64, first bool) {
	n := dim * dim
	dt, ok := d.ok("FullFactorUpdate", []int{dim, n}, check.B("state", state, n), check.B("fresh", fresh, n))
	if !ok {
		return
	}
	g := reduceGroups(n)
	if part := d.scratchACC(2*g + 2); part != nil {
		d.groups(dt, "minmax_partial", g, fresh, part, n, g)
		d.groups(dt, "minmax_combine", 1, part, g)
		d.launch(dt, "full_factor_apply", n, state, fresh, part, 2*g, dim, realv(0.1*gamma), realv(0.01*gamma), realv(1e-12), first)
	}
}
