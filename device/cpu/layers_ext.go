package cpu

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// The operations of device.LayerExtOps: nn.Softmax, nn.GroupNorm and
// AdaFisher's Embedding factors, computed as nn and optim compute them.

func (d *Device) SoftmaxForward(rows, cols int, x, y device.Buffer) {
	n := rows * cols
	dt, ok := d.ok("SoftmaxForward", []int{rows, cols, n}, check.B("x", x, n), check.B("y", y, n))
	if !ok || !check.That(&d.errs, cols >= 1 || rows == 0, "SoftmaxForward", "rows of %d values", cols) {
		return
	}
	run(dt, func() { softmaxRows(rows, cols, f32(x), f32(y)) }, func() { softmaxRows(rows, cols, f64(x), f64(y)) })
}

// softmaxRows is nn.Softmax's forward (nn's softmaxRow on every row): the
// maximum by Go's max (a NaN wins), exp of the difference taken in T, the
// sum in float64, and each value rounded to T before it is scaled.
func softmaxRows[T float](rows, cols int, x, y []T) {
	for r := 0; r < rows; r++ {
		src, dst := x[r*cols:(r+1)*cols], y[r*cols:(r+1)*cols]
		m := src[0]
		for _, v := range src[1:] {
			m = max(m, v)
		}
		var sum float64
		for j, v := range src {
			e := math.Exp(float64(v - m))
			dst[j] = T(e)
			sum += e
		}
		inv := 1 / sum
		for j := range dst {
			dst[j] = T(float64(dst[j]) * inv)
		}
	}
}

func (d *Device) SoftmaxBackward(rows, cols int, y, dy, dx device.Buffer) {
	n := rows * cols
	dt, ok := d.ok("SoftmaxBackward", []int{rows, cols, n}, check.B("y", y, n), check.B("dy", dy, n), check.B("dx", dx, n))
	if !ok {
		return
	}
	run(dt, func() { softmaxRowsBackward(rows, cols, f32(y), f32(dy), f32(dx)) },
		func() { softmaxRowsBackward(rows, cols, f64(y), f64(dy), f64(dx)) })
}

// softmaxRowsBackward is nn.Softmax's backward: the row's dot product in T.
func softmaxRowsBackward[T float](rows, cols int, y, dy, dx []T) {
	for r := 0; r < rows; r++ {
		yr, g, out := y[r*cols:(r+1)*cols], dy[r*cols:(r+1)*cols], dx[r*cols:(r+1)*cols]
		var dot T
		for j := range yr {
			dot += yr[j] * g[j]
		}
		for j := range yr {
			out[j] = yr[j] * (g[j] - dot)
		}
	}
}

// groupOK checks GroupNorm's sizes: groups dividing the channels.
func (d *Device) groupOK(op string, a device.GroupArgs, args ...check.Arg) (device.DType, bool) {
	if a.Groups < 1 || a.C < 1 || a.C%a.Groups != 0 {
		d.errs.Set(fmt.Errorf("device cpu %s: %d groups of %d channels, want groups dividing channels", op, a.Groups, a.C))
		return 0, false
	}
	return d.ok(op, []int{a.Batch, a.C, a.HW, a.Batch * a.C * a.HW}, args...)
}

func (d *Device) GroupNormForward(a device.GroupArgs, x, weight, bias, xhat, y, invStd device.Buffer) {
	n := a.Batch * a.C * a.HW
	dt, ok := d.groupOK("GroupNormForward", a, check.B("x", x, n), check.B("weight", weight, a.C), check.B("bias", bias, a.C),
		check.B("xhat", xhat, n), check.B("y", y, n), check.B("invStd", invStd, a.Batch*a.Groups))
	if !ok {
		return
	}
	run(dt, func() { gnForward(a, f32(x), f32(weight), f32(bias), f32(xhat), f32(y), f32(invStd)) },
		func() { gnForward(a, f64(x), f64(weight), f64(bias), f64(xhat), f64(y), f64(invStd)) })
}

// gnForward is nn.GroupNorm's forward: each (sample, group) segment of
// C/Groups*HW consecutive values normalised by its mean and biased
// variance, two passes in float64.
func gnForward[T float](a device.GroupArgs, x, w, b, xhat, y, invStd []T) {
	cpg, s := a.C/a.Groups, a.HW
	size := cpg * s
	for i := 0; i < a.Batch*a.Groups; i++ {
		src := x[i*size : (i+1)*size]
		var sum float64
		for _, v := range src {
			sum += float64(v)
		}
		mean := sum / float64(size)
		var sq float64
		for _, v := range src {
			dv := float64(v) - mean
			sq += dv * dv
		}
		inv := 1 / math.Sqrt(sq/float64(size)+a.Eps)
		invStd[i] = T(inv)
		c0 := (i % a.Groups) * cpg
		for j, v := range src {
			c := c0 + j/s
			z := (float64(v) - mean) * inv
			xhat[i*size+j] = T(z)
			y[i*size+j] = T(float64(w[c])*z + float64(b[c]))
		}
	}
}

func (d *Device) GroupNormBackward(a device.GroupArgs, dy, xhat, weight, invStd, dweight, dbias, dx device.Buffer) {
	n := a.Batch * a.C * a.HW
	dt, ok := d.groupOK("GroupNormBackward", a, check.B("dy", dy, n), check.B("xhat", xhat, n), check.B("weight", weight, a.C),
		check.B("invStd", invStd, a.Batch*a.Groups), check.B("dweight", dweight, a.C), check.B("dbias", dbias, a.C), check.Opt("dx", dx, n))
	if !ok {
		return
	}
	run(dt, func() {
		gnBackward(a, f32(dy), f32(xhat), f32(weight), f32(invStd), f32(dweight), f32(dbias), f32(dx))
	}, func() {
		gnBackward(a, f64(dy), f64(xhat), f64(weight), f64(invStd), f64(dweight), f64(dbias), f64(dx))
	})
}

// gnBackward is nn.GroupNorm's backward: the parameter gradients added in
// T, dx = invstd*(u - mean(u) - xhat*mean(u*xhat)) per segment with
// u = weight*dy in float64.
func gnBackward[T float](a device.GroupArgs, dy, xhat, w, invStd, gw, gb, dx []T) {
	cpg, s := a.C/a.Groups, a.HW
	size := cpg * s
	for i := 0; i < a.Batch*a.Groups; i++ {
		g, xh := dy[i*size:(i+1)*size], xhat[i*size:(i+1)*size]
		c0 := (i % a.Groups) * cpg
		var su, sux float64
		for j, v := range g {
			c := c0 + j/s
			gw[c] += v * xh[j]
			gb[c] += v
			u := float64(w[c]) * float64(v)
			su += u
			sux += u * float64(xh[j])
		}
		if dx == nil {
			continue
		}
		inv, mu, mux := float64(invStd[i]), su/float64(size), sux/float64(size)
		for j, v := range g {
			c := c0 + j/s
			dx[i*size+j] = T(inv * (float64(w[c])*float64(v) - mu - float64(xh[j])*mux))
		}
	}
}

func (d *Device) FisherRawEmbedding(n, num, dim int, idx, g, h, s device.Buffer) {
	dt, ok := d.ok("FisherRawEmbedding", []int{n, num, dim, n * dim},
		check.I("idx", idx, n), check.B("g", g, n*dim), check.B("h", h, num), check.B("s", s, dim))
	if !ok || !check.That(&d.errs, n >= 1, "FisherRawEmbedding", "a capture of %d lookups", n) ||
		!d.indices("FisherRawEmbedding", i32(idx)[:n], num) {
		return
	}
	run(dt, func() { fisherRawEmbedding(n, num, dim, i32(idx), f32(g), f32(h), f32(s)) },
		func() { fisherRawEmbedding(n, num, dim, i32(idx), f64(g), f64(h), f64(s)) })
}

// fisherRawEmbedding is optim's Embedding rule: index frequencies counted
// in float64 and multiplied by 1/n, the column means of g squared.
func fisherRawEmbedding[T float](n, num, dim int, idx []int32, g, h, s []T) {
	count := make([]float64, num)
	for _, k := range idx[:n] {
		count[k]++
	}
	inv := 1 / float64(n)
	for v, c := range count {
		h[v] = T(detectInf(c * inv))
	}
	colSumSquares(g, n, dim, inv, s)
}
