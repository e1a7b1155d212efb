package opencl

import (
	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// The scalars are computed in float64 here and rounded to the element type
// by the launch, as torch's kernels read them.

func (d *Device) SGD(p, g, buf device.Buffer, n int, c device.SGDCoef) {
	if dt, ok := d.ok("SGD", []int{n}, check.B("p", p, n), check.B("g", g, n), check.Opt("buf", buf, n)); ok {
		d.launch(dt, "sgd", n, p, g, buf, n, realv(-c.LR), realv(c.WeightDecay), realv(c.Momentum), realv(1-c.Dampening),
			c.WeightDecay != 0, c.First, c.Nesterov)
	}
}

func (d *Device) Adam(p, g, m, v device.Buffer, n int, c device.AdamCoef) {
	dt, ok := d.ok("Adam", []int{n}, check.B("p", p, n), check.B("g", g, n), check.B("m", m, n), check.B("v", v, n))
	if !ok {
		return
	}
	hasDecay := c.Decay != 1
	if dt == device.F32 {
		hasDecay = float32(c.Decay) != 1
	}
	d.launch(dt, "adam", n, p, g, m, v, n, realv(c.Beta1), realv(1-c.Beta1), realv(c.Beta2), realv(1-c.Beta2),
		realv(c.Eps), realv(c.BC2Sqrt), realv(c.NegStep), realv(c.WeightDecay), realv(c.Decay), c.WeightDecay != 0, hasDecay)
}

func (d *Device) FisherStep(p, g, m, f device.Buffer, n int, c device.FisherCoef) {
	if dt, ok := d.ok("FisherStep", []int{n}, check.B("p", p, n), check.B("g", g, n), check.B("m", m, n), check.Opt("f", f, n)); ok {
		d.launch(dt, "fisher_step", n, p, g, m, f, n, realv(c.Beta), realv(1-c.Beta), realv(-(c.LR / c.BC)),
			realv(c.WeightDecay), realv(-c.LR*c.WeightDecay), c.WeightDecay != 0 && !c.Decoupled, c.WeightDecay != 0 && c.Decoupled)
	}
}

func (d *Device) FisherRawDense(rows, in, out int, conv, bias bool, a, g, h, s device.Buffer) {
	hl := in
	if bias {
		hl++
	}
	dt, ok := d.ok("FisherRawDense", []int{rows, in, out, rows * in, rows * out},
		check.B("a", a, rows*in), check.B("g", g, rows*out), check.B("h", h, hl), check.B("s", s, out))
	if !ok {
		return
	}
	scaleH := 1 / float64(rows)
	if conv {
		scaleH = 1 / (float64(rows) * float64(in))
	}
	d.launch(dt, "fisher_colsumsq", in, a, h, rows, in, accv(scaleH))
	if bias {
		v := 1.0
		if conv {
			v = 1 / float64(in)
		}
		d.launch(dt, "fill_real", 1, h, in, 1, realv(v))
	}
	d.launch(dt, "fisher_colsumsq", out, g, s, rows, out, accv(1/float64(rows)))
}

// scratchACC returns the device's ACC scratch of at least n elements.
func (d *Device) scratchACC(n int) device.Buffer {
	if d.scratch == nil || d.scratch.n < n {
		if d.scratch != nil {
			d.Free(d.scratch)
		}
		b, err := d.alloc(d.accDT, n)
		if err != nil {
			d.errs.Set(err)
			d.scratch = nil
			return nil
		}
		d.scratch = b
	}
	return d.scratch
}

func (d *Device) FisherRawBatchNorm(b, c, hw int, a, g, h, s device.Buffer) {
	n := b * c * hw
	dt, ok := d.ok("FisherRawBatchNorm", []int{b, c, hw, n}, check.B("a", a, n), check.B("g", g, n), check.B("h", h, 2), check.B("s", s, c))
	if !ok {
		return
	}
	u := d.scratchACC(c)
	if u == nil {
		return
	}
	d.launch(dt, "fisher_channels", c, a, g, u, s, b, c, hw, accv(float64(hw*hw)))
	d.launch(dt, "fisher_norm_h", 1, u, h, c, b)
}

func (d *Device) FisherRawLayerNorm(b, k, inner, dim int, a, g, h, s device.Buffer) {
	n := b * k * inner
	dt, ok := d.ok("FisherRawLayerNorm", []int{b, k, inner, dim, n}, check.B("a", a, n), check.B("g", g, n), check.B("h", h, 2), check.B("s", s, dim))
	if !ok || !check.That(&d.errs, dim >= 1 && n%dim == 0, "FisherRawLayerNorm", "%d elements are not rows of %d", n, dim) {
		return
	}
	u := d.scratchACC(k)
	if u == nil {
		return
	}
	dn := float64(inner)
	d.launch(dt, "fisher_channels", k, a, nil, u, nil, b, k, inner, accv(dn*dn))
	d.launch(dt, "fisher_norm_h", 1, u, h, k, b)
	d.launch(dt, "fisher_colsum_sq", dim, g, s, n/dim, dim, accv(float64(b)))
}

func (d *Device) FisherUpdate(state, avg, raw device.Buffer, n int, gamma float64, paper, first bool) {
	avgArg := check.Opt("avg", avg, n)
	if paper {
		avgArg = check.B("avg", avg, n)
	}
	dt, ok := d.ok("FisherUpdate", []int{n}, check.B("state", state, n), avgArg, check.B("raw", raw, n))
	if !ok || n == 0 {
		return
	}
	a, b := 0.1*gamma, 0.01*gamma
	if paper {
		a, b = gamma, 1-gamma
	}
	d.groups(dt, "fisher_update", 1, state, avg, raw, n, realv(a), realv(b), paper, first)
}

func (d *Device) FisherBuildF(out, in int, s, h, fw, fb device.Buffer, lambda float64) {
	hl := in
	if fb != nil {
		hl++
	}
	dt, ok := d.ok("FisherBuildF", []int{out, in, out * in}, check.B("s", s, out), check.B("h", h, hl), check.B("fw", fw, out*in), check.Opt("fb", fb, out))
	if ok {
		d.launch(dt, "fisher_build_f", out*in+out, s, h, fw, fb, out, in, realv(lambda))
	}
}
