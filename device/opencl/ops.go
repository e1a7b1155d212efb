package opencl

import (
	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// The argument checks are those of device/cpu, so that both devices accept
// and reject the same calls.

func (d *Device) Fill(x device.Buffer, off, n int, v float64) {
	if x != nil && x.DType() == device.I32 {
		if _, ok := d.ok("Fill", []int{off, n}, check.I("x", x, off+n)); ok {
			d.launch(device.F32, "fill_int", n, x, off, n, int(int32(v)))
		}
		return
	}
	if dt, ok := d.ok("Fill", []int{off, n}, check.B("x", x, off+n)); ok {
		d.launch(dt, "fill_real", n, x, off, n, realv(v))
	}
}

func (d *Device) Copy(dst device.Buffer, dOff int, src device.Buffer, sOff int, n int) {
	if !check.That(&d.errs, dst != nil && src != nil && dst.DType() == src.DType(), "Copy", "buffers of different types") {
		return
	}
	arg := check.B
	if dst.DType() == device.I32 {
		arg = check.I
	}
	if _, ok := d.ok("Copy", []int{dOff, sOff, n}, arg("dst", dst, dOff+n), arg("src", src, sOff+n)); !ok || n == 0 {
		return
	}
	es := uintptr(dst.DType().Size())
	d.mu.Lock()
	defer d.mu.Unlock()
	if st := cl.EnqueueCopyBuffer(d.q, src.(*buffer).h, dst.(*buffer).h, uintptr(sOff)*es, uintptr(dOff)*es, uintptr(n)*es, 0, 0, 0); st != clSuccess {
		d.errs.Set(errStatus("Copy", st))
	}
}

func (d *Device) Add(dst, a, b device.Buffer, n int) {
	if dt, ok := d.ok("Add", []int{n}, check.B("dst", dst, n), check.B("a", a, n), check.B("b", b, n)); ok {
		d.launch(dt, "add", n, dst, a, b, n)
	}
}

func (d *Device) Mul(dst, a, b device.Buffer, n int) {
	if dt, ok := d.ok("Mul", []int{n}, check.B("dst", dst, n), check.B("a", a, n), check.B("b", b, n)); ok {
		d.launch(dt, "mul", n, dst, a, b, n)
	}
}

func (d *Device) BroadcastRows(dst, src device.Buffer, rows, cols int) {
	if dt, ok := d.ok("BroadcastRows", []int{rows, cols, rows * cols}, check.B("dst", dst, rows*cols), check.B("src", src, cols)); ok {
		d.launch(dt, "broadcast_rows", rows*cols, dst, src, rows, cols)
	}
}

func (d *Device) SumRows(dst, src device.Buffer, rows, cols int) {
	if dt, ok := d.ok("SumRows", []int{rows, cols, rows * cols}, check.B("dst", dst, cols), check.B("src", src, rows*cols)); ok {
		d.launch(dt, "sum_rows", cols, dst, src, rows, cols)
	}
}

func (d *Device) Activation(f device.Act, x, y device.Buffer, n int) {
	dt, ok := d.ok("Activation", []int{n}, check.B("x", x, n), check.B("y", y, n))
	if ok && check.That(&d.errs, f >= device.ReLU && f <= device.GELU, "Activation", "unknown activation %d", f) {
		d.launch(dt, "act_forward", n, int(f), x, y, n)
	}
}

func (d *Device) ActivationBackward(f device.Act, x, y, dy, dx device.Buffer, n int) {
	dt, ok := d.ok("ActivationBackward", []int{n}, check.B("x", x, n), check.B("y", y, n), check.B("dy", dy, n), check.B("dx", dx, n))
	if ok && check.That(&d.errs, f >= device.ReLU && f <= device.GELU, "ActivationBackward", "unknown activation %d", f) {
		d.launch(dt, "act_backward", n, int(f), x, y, dy, dx, n)
	}
}

func (d *Device) convOK(op string, g device.ConvGeom, args ...check.Arg) (device.DType, bool) {
	if !check.Conv(&d.errs, op, g) {
		return 0, false
	}
	return d.ok(op, []int{g.Batch * g.C * g.H * g.W, g.Rows() * g.Patch()}, args...)
}

func geomArgs(g device.ConvGeom) []any {
	return []any{g.Batch, g.C, g.H, g.W, g.K, g.Stride, g.Pad, g.OH, g.OW}
}

func (d *Device) Im2col(g device.ConvGeom, x, cols device.Buffer) {
	if dt, ok := d.convOK("Im2col", g, check.B("x", x, g.Batch*g.C*g.H*g.W), check.B("cols", cols, g.Rows()*g.Patch())); ok {
		d.launch(dt, "im2col", g.Rows()*g.Patch(), append([]any{x, cols}, geomArgs(g)...)...)
	}
}

func (d *Device) Col2im(g device.ConvGeom, dcols, dx device.Buffer) {
	if dt, ok := d.convOK("Col2im", g, check.B("dcols", dcols, g.Rows()*g.Patch()), check.B("dx", dx, g.Batch*g.C*g.H*g.W)); ok {
		d.launch(dt, "col2im", g.Batch*g.C*g.H*g.W, append([]any{dcols, dx}, geomArgs(g)...)...)
	}
}

func (d *Device) ConvOutput(g device.ConvGeom, out int, ymat, bias, y device.Buffer) {
	n := g.Rows() * out
	if dt, ok := d.convOK("ConvOutput", g, check.B("ymat", ymat, n), check.Opt("bias", bias, out), check.B("y", y, n)); ok {
		d.launch(dt, "conv_output", n, ymat, bias, y, g.Batch, out, g.OH*g.OW)
	}
}

func (d *Device) ConvGradRows(g device.ConvGeom, out int, dy, grows, dbias device.Buffer) {
	n := g.Rows() * out
	dt, ok := d.convOK("ConvGradRows", g, check.B("dy", dy, n), check.B("grows", grows, n), check.Opt("dbias", dbias, out))
	if !ok {
		return
	}
	d.launch(dt, "conv_grad_rows", n, dy, grows, g.Batch, out, g.OH*g.OW)
	if dbias != nil {
		d.launch(dt, "conv_bias_grad", out, dy, dbias, g.Batch, out, g.OH*g.OW)
	}
}

func (d *Device) BatchNormForward(a device.NormArgs, x, weight, bias, runMean, runVar, xhat, y, invStd device.Buffer) {
	n := a.Batch * a.C * a.HW
	if !check.That(&d.errs, !a.Train || a.Batch*a.HW > 1, "BatchNormForward", "%d values per channel, training needs more than 1", a.Batch*a.HW) {
		return
	}
	dt, ok := d.ok("BatchNormForward", []int{a.Batch, a.C, a.HW, n},
		check.B("x", x, n), check.B("weight", weight, a.C), check.B("bias", bias, a.C),
		check.B("runMean", runMean, a.C), check.B("runVar", runVar, a.C),
		check.B("xhat", xhat, n), check.B("y", y, n), check.B("invStd", invStd, a.C))
	switch {
	case ok && a.Train:
		d.groups(dt, "bn_forward_train", a.C, x, weight, bias, runMean, runVar, xhat, y, invStd,
			a.Batch, a.C, a.HW, accv(a.Eps), accv(a.Momentum))
	case ok:
		d.groups(dt, "bn_forward_eval", a.C, x, weight, bias, runMean, runVar, xhat, y, invStd,
			a.Batch, a.C, a.HW, accv(a.Eps))
	}
}

func (d *Device) BatchNormBackward(a device.NormArgs, dy, xhat, weight, invStd, dweight, dbias, dx device.Buffer) {
	n := a.Batch * a.C * a.HW
	dt, ok := d.ok("BatchNormBackward", []int{a.Batch, a.C, a.HW, n},
		check.B("dy", dy, n), check.B("xhat", xhat, n), check.B("weight", weight, a.C), check.B("invStd", invStd, a.C),
		check.B("dweight", dweight, a.C), check.B("dbias", dbias, a.C), check.Opt("dx", dx, n))
	if ok {
		d.groups(dt, "bn_backward", a.C, dy, xhat, weight, invStd, dweight, dbias, dx, a.Batch, a.C, a.HW, a.Train)
	}
}

func (d *Device) LayerNormForward(a device.NormArgs, x, weight, bias, xhat, y, invStd device.Buffer) {
	n := a.Rows * a.D
	dt, ok := d.ok("LayerNormForward", []int{a.Rows, a.D, n},
		check.B("x", x, n), check.B("weight", weight, a.D), check.B("bias", bias, a.D),
		check.B("xhat", xhat, n), check.B("y", y, n), check.B("invStd", invStd, a.Rows))
	if ok {
		d.groups(dt, "ln_forward", a.Rows, x, weight, bias, xhat, y, invStd, a.D, accv(a.Eps))
	}
}

func (d *Device) LayerNormBackward(a device.NormArgs, dy, xhat, weight, invStd, dweight, dbias, dx device.Buffer) {
	n := a.Rows * a.D
	dt, ok := d.ok("LayerNormBackward", []int{a.Rows, a.D, n},
		check.B("dy", dy, n), check.B("xhat", xhat, n), check.B("weight", weight, a.D), check.B("invStd", invStd, a.Rows),
		check.B("dweight", dweight, a.D), check.B("dbias", dbias, a.D), check.Opt("dx", dx, n))
	if !ok {
		return
	}
	d.launch(dt, "ln_param_grad", a.D, dy, xhat, dweight, dbias, a.Rows, a.D)
	if dx != nil {
		d.groups(dt, "ln_backward_dx", a.Rows, dy, xhat, weight, invStd, dx, a.D)
	}
}

func (d *Device) poolOK(op string, g device.PoolGeom, args ...check.Arg) (device.DType, bool) {
	if !check.Pool(&d.errs, op, g) {
		return 0, false
	}
	return d.ok(op, []int{g.Planes * g.H * g.W}, args...)
}

func poolArgs(g device.PoolGeom) []any {
	oh, ow := g.Out()
	return []any{g.Planes, g.H, g.W, g.K, g.Stride, oh, ow}
}

func (d *Device) MaxPool(g device.PoolGeom, x, y, arg device.Buffer) {
	oh, ow := g.Out()
	no := g.Planes * oh * ow
	if dt, ok := d.poolOK("MaxPool", g, check.B("x", x, g.Planes*g.H*g.W), check.B("y", y, no), check.I("arg", arg, no)); ok {
		d.launch(dt, "maxpool", no, append([]any{x, y, arg}, poolArgs(g)...)...)
	}
}

func (d *Device) MaxPoolBackward(g device.PoolGeom, dy, arg, dx device.Buffer) {
	oh, ow := g.Out()
	no := g.Planes * oh * ow
	if dt, ok := d.poolOK("MaxPoolBackward", g, check.B("dy", dy, no), check.I("arg", arg, no), check.B("dx", dx, g.Planes*g.H*g.W)); ok {
		d.launch(dt, "maxpool_backward", g.Planes*g.H*g.W, append([]any{dy, arg, dx}, poolArgs(g)...)...)
	}
}

func (d *Device) AvgPool(g device.PoolGeom, x, y device.Buffer) {
	oh, ow := g.Out()
	if dt, ok := d.poolOK("AvgPool", g, check.B("x", x, g.Planes*g.H*g.W), check.B("y", y, g.Planes*oh*ow)); ok {
		d.launch(dt, "avgpool", g.Planes*oh*ow, append([]any{x, y}, poolArgs(g)...)...)
	}
}

func (d *Device) AvgPoolBackward(g device.PoolGeom, dy, dx device.Buffer) {
	oh, ow := g.Out()
	if dt, ok := d.poolOK("AvgPoolBackward", g, check.B("dy", dy, g.Planes*oh*ow), check.B("dx", dx, g.Planes*g.H*g.W)); ok {
		d.launch(dt, "avgpool_backward", g.Planes*g.H*g.W, append([]any{dy, dx}, poolArgs(g)...)...)
	}
}

func (d *Device) GlobalAvgPool(planes, hw int, x, y device.Buffer) {
	if dt, ok := d.ok("GlobalAvgPool", []int{planes, hw, planes * hw}, check.B("x", x, planes*hw), check.B("y", y, planes)); ok {
		d.launch(dt, "gap", planes, x, y, planes, hw)
	}
}

func (d *Device) GlobalAvgPoolBackward(planes, hw int, dy, dx device.Buffer) {
	if dt, ok := d.ok("GlobalAvgPoolBackward", []int{planes, hw, planes * hw}, check.B("dy", dy, planes), check.B("dx", dx, planes*hw)); ok {
		d.launch(dt, "gap_backward", planes*hw, dy, dx, planes, hw)
	}
}

func (d *Device) SoftmaxCrossEntropy(rows, cols int, logits, labels, grad, loss, correct device.Buffer) {
	dt, ok := d.ok("SoftmaxCrossEntropy", []int{rows, cols, rows * cols},
		check.B("logits", logits, rows*cols), check.I("labels", labels, rows), check.Opt("grad", grad, rows*cols),
		check.B("loss", loss, rows), check.I("correct", correct, rows))
	if ok && check.That(&d.errs, cols >= 1, "SoftmaxCrossEntropy", "%d classes", cols) {
		d.launch(dt, "softmax_xent", rows, logits, labels, grad, loss, correct, d.status, rows, cols)
	}
}

func (d *Device) Embedding(n, dim int, idx, w, y device.Buffer) {
	if dt, ok := d.ok("Embedding", []int{n, dim, n * dim}, check.I("idx", idx, n), check.B("w", w, 0), check.B("y", y, n*dim)); ok {
		d.launch(dt, "embedding", n*dim, idx, w, y, d.status, n, dim, w.Len()/max(dim, 1))
	}
}

func (d *Device) EmbeddingBackward(n, dim int, idx, dy, dw device.Buffer) {
	if dt, ok := d.ok("EmbeddingBackward", []int{n, dim, n * dim}, check.I("idx", idx, n), check.B("dy", dy, n*dim), check.B("dw", dw, 0)); ok {
		d.launch(dt, "embedding_backward", dim, idx, dy, dw, d.status, n, dim, dw.Len()/max(dim, 1))
	}
}

func (d *Device) CausalSoftmax(blocks, t int, p device.Buffer) {
	if dt, ok := d.ok("CausalSoftmax", []int{blocks, t, blocks * t * t}, check.B("p", p, blocks*t*t)); ok {
		d.launch(dt, "causal_softmax", blocks*t, p, blocks*t, t)
	}
}

func (d *Device) CausalSoftmaxBackward(blocks, t int, p, ds device.Buffer) {
	if dt, ok := d.ok("CausalSoftmaxBackward", []int{blocks, t, blocks * t * t}, check.B("p", p, blocks*t*t), check.B("ds", ds, blocks*t*t)); ok {
		d.launch(dt, "causal_softmax_backward", blocks*t, p, ds, blocks*t, t)
	}
}
