package opencl

import (
	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// The operations of device.LayerExtOps (kernels in layers_ext.cl), with the
// argument checks of device/cpu.

func (d *Device) SoftmaxForward(rows, cols int, x, y device.Buffer) {
	n := rows * cols
	dt, ok := d.ok("SoftmaxForward", []int{rows, cols, n}, check.B("x", x, n), check.B("y", y, n))
	if ok && check.That(&d.errs, cols >= 1 || rows == 0, "SoftmaxForward", "rows of %d values", cols) {
		d.launch(dt, "softmax_rows", rows, x, y, rows, cols)
	}
}

func (d *Device) SoftmaxBackward(rows, cols int, y, dy, dx device.Buffer) {
	n := rows * cols
	if dt, ok := d.ok("SoftmaxBackward", []int{rows, cols, n}, check.B("y", y, n), check.B("dy", dy, n), check.B("dx", dx, n)); ok {
		d.launch(dt, "softmax_rows_backward", rows, y, dy, dx, rows, cols)
	}
}

// groupOK checks GroupNorm's sizes: groups dividing the channels.
func (d *Device) groupOK(op string, a device.GroupArgs, args ...check.Arg) (device.DType, bool) {
	if !check.That(&d.errs, a.Groups >= 1 && a.C >= 1 && a.C%a.Groups == 0, op,
		"%d groups of %d channels, want groups dividing channels", a.Groups, a.C) {
		return 0, false
	}
	return d.ok(op, []int{a.Batch, a.C, a.HW, a.Batch * a.C * a.HW}, args...)
}

func (d *Device) GroupNormForward(a device.GroupArgs, x, weight, bias, xhat, y, invStd device.Buffer) {
	n := a.Batch * a.C * a.HW
	dt, ok := d.groupOK("GroupNormForward", a, check.B("x", x, n), check.B("weight", weight, a.C), check.B("bias", bias, a.C),
		check.B("xhat", xhat, n), check.B("y", y, n), check.B("invStd", invStd, a.Batch*a.Groups))
	if ok {
		d.groups(dt, "gn_forward", a.Batch*a.Groups, x, weight, bias, xhat, y, invStd,
			a.Groups, a.C/a.Groups, a.HW, accv(a.Eps))
	}
}

func (d *Device) GroupNormBackward(a device.GroupArgs, dy, xhat, weight, invStd, dweight, dbias, dx device.Buffer) {
	n := a.Batch * a.C * a.HW
	dt, ok := d.groupOK("GroupNormBackward", a, check.B("dy", dy, n), check.B("xhat", xhat, n), check.B("weight", weight, a.C),
		check.B("invStd", invStd, a.Batch*a.Groups), check.B("dweight", dweight, a.C), check.B("dbias", dbias, a.C), check.Opt("dx", dx, n))
	if !ok {
		return
	}
	d.launch(dt, "gn_param_grad", a.C, dy, xhat, dweight, dbias, a.Batch, a.C, a.HW)
	if dx != nil {
		d.groups(dt, "gn_backward_dx", a.Batch*a.Groups, dy, xhat, weight, invStd, dx, a.Groups, a.C/a.Groups, a.HW)
	}
}

func (d *Device) FisherRawEmbedding(n, num, dim int, idx, g, h, s device.Buffer) {
	dt, ok := d.ok("FisherRawEmbedding", []int{n, num, dim, n * dim},
		check.I("idx", idx, n), check.B("g", g, n*dim), check.B("h", h, num), check.B("s", s, dim))
	if !ok || !check.That(&d.errs, n >= 1, "FisherRawEmbedding", "a capture of %d lookups", n) {
		return
	}
	scale := 1 / float64(n)
	d.launch(dt, "fisher_index_freq", num, idx, h, d.status, n, num, accv(scale))
	d.launch(dt, "fisher_colsumsq", dim, g, s, n, dim, accv(scale))
}
