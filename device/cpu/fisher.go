package cpu

import (
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// The fresh factor diagonals of optim/fisher_diag.go, accumulated in
// float64, +-Inf replaced by 1 and 0 (smart_detect_inf) and rounded to the
// element type, as AdaFisher holds them.

func detectInf(v float64) float64 {
	switch {
	case math.IsInf(v, 1):
		return 1
	case math.IsInf(v, -1):
		return 0
	}
	return v
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
	run(dt, func() { fisherRawDense(rows, in, out, conv, bias, f32(a), f32(g), f32(h), f32(s)) },
		func() { fisherRawDense(rows, in, out, conv, bias, f64(a), f64(g), f64(h), f64(s)) })
}

func fisherRawDense[T float](rows, in, out int, conv, bias bool, a, g, h, s []T) {
	scaleH := 1 / float64(rows)
	if conv {
		scaleH = 1 / (float64(rows) * float64(in))
	}
	colSumSquares(a, rows, in, scaleH, h)
	if bias {
		h[in] = 1
		if conv {
			h[in] = T(1 / float64(in))
		}
	}
	colSumSquares(g, rows, out, 1/float64(rows), s)
}

// colSumSquares sets dst[j] = (sum over rows of x[r,j]^2) * scale.
func colSumSquares[T float](x []T, rows, cols int, scale float64, dst []T) {
	for j := 0; j < cols; j++ {
		var sum float64
		for r := 0; r < rows; r++ {
			v := float64(x[r*cols+j])
			sum += v * v
		}
		dst[j] = T(detectInf(sum * scale))
	}
}

// channelSum sums channel k of a b x c x hw tensor in float64.
func channelSum[T float](x []T, b, c, hw, k int) float64 {
	var sum float64
	for i := 0; i < b; i++ {
		for _, v := range x[(i*c+k)*hw : (i*c+k+1)*hw] {
			sum += float64(v)
		}
	}
	return sum
}

func (d *Device) FisherRawBatchNorm(b, c, hw int, a, g, h, s device.Buffer) {
	n := b * c * hw
	dt, ok := d.ok("FisherRawBatchNorm", []int{b, c, hw, n}, check.B("a", a, n), check.B("g", g, n), check.B("h", h, 2), check.B("s", s, c))
	if !ok {
		return
	}
	run(dt, func() { fisherRawBatchNorm(b, c, hw, f32(a), f32(g), f32(h), f32(s)) },
		func() { fisherRawBatchNorm(b, c, hw, f64(a), f64(g), f64(h), f64(s)) })
}

func fisherRawBatchNorm[T float](b, c, hw int, a, g, h, s []T) {
	var sum float64
	for k := 0; k < c; k++ {
		u := channelSum(a, b, c, hw, k) / float64(hw*hw)
		sum += u * u
		t := channelSum(g, b, c, hw, k)
		s[k] = T(detectInf(t * t / float64(b)))
	}
	bb := float64(b) * float64(b)
	h[0], h[1] = T(detectInf(sum/bb)), T(float64(c)/bb)
}

func (d *Device) FisherRawLayerNorm(b, k, inner, dim int, a, g, h, s device.Buffer) {
	n := b * k * inner
	dt, ok := d.ok("FisherRawLayerNorm", []int{b, k, inner, dim, n}, check.B("a", a, n), check.B("g", g, n), check.B("h", h, 2), check.B("s", s, dim))
	if !ok {
		return
	}
	if dim < 1 || n%dim != 0 {
		d.errs.Set(errShape("FisherRawLayerNorm", n, dim))
		return
	}
	run(dt, func() { fisherRawLayerNorm(b, k, inner, dim, f32(a), f32(g), f32(h), f32(s)) },
		func() { fisherRawLayerNorm(b, k, inner, dim, f64(a), f64(g), f64(h), f64(s)) })
}

func fisherRawLayerNorm[T float](b, k, inner, dim int, a, g, h, s []T) {
	dimNorm := float64(inner)
	var sum float64
	for j := 0; j < k; j++ {
		u := channelSum(a, b, k, inner, j) / (dimNorm * dimNorm)
		sum += u * u
	}
	bb := float64(b) * float64(b)
	h[0], h[1] = T(detectInf(sum/bb)), T(detectInf(float64(k)/bb))
	rows := b * k * inner / dim
	for j := 0; j < dim; j++ {
		var t float64
		for r := 0; r < rows; r++ {
			t += float64(g[r*dim+j])
		}
		s[j] = T(detectInf(t * t / float64(b)))
	}
}

func (d *Device) FisherUpdate(state, avg, raw device.Buffer, n int, gamma float64, paper, first bool) {
	avgArg := check.Opt("avg", avg, n)
	if paper {
		avgArg = check.B("avg", avg, n)
	}
	dt, ok := d.ok("FisherUpdate", []int{n}, check.B("state", state, n), avgArg, check.B("raw", raw, n))
	if !ok {
		return
	}
	run(dt, func() { fisherUpdate(f32(state), f32(avg), f32(raw), n, gamma, paper, first) },
		func() { fisherUpdate(f64(state), f64(avg), f64(raw), n, gamma, paper, first) })
}

// fisherUpdate is optim's referenceUpdate and paperUpdate.
func fisherUpdate[T float](state, avg, raw []T, n int, gamma float64, paper, first bool) {
	state, raw = state[:n], raw[:n]
	if paper {
		avg = avg[:n]
		if first {
			fill(avg, 1)
		}
		a, b := T(gamma), T(1-gamma)
		for i := range avg {
			avg[i] = T(a*avg[i]) + T(b*raw[i])
		}
		copy(state, avg)
		minMax(state)
		return
	}
	lo, hi := extremes(raw)
	den := hi - lo + T(1e-6)
	if first {
		fill(state, 1)
	}
	a, b := T(0.1*gamma), T(0.01*gamma)
	for i, v := range raw {
		state[i] = T(a*state[i]) + T(b*((v-lo)/den))
	}
}

func extremes[T float](x []T) (lo, hi T) {
	if len(x) == 0 {
		return 0, 0
	}
	lo, hi = x[0], x[0]
	for _, v := range x[1:] {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	return lo, hi
}

// minMax scales x to (x - min) / (max - min + 1e-6), optim's minMax.
func minMax[T float](x []T) {
	lo, hi := extremes(x)
	den := hi - lo + T(1e-6)
	for i, v := range x {
		x[i] = (v - lo) / den
	}
}

func (d *Device) FisherBuildF(out, in int, s, h, fw, fb device.Buffer, lambda float64) {
	hl := in
	if fb != nil {
		hl++
	}
	dt, ok := d.ok("FisherBuildF", []int{out, in, out * in}, check.B("s", s, out), check.B("h", h, hl), check.B("fw", fw, out*in), check.Opt("fb", fb, out))
	if !ok {
		return
	}
	run(dt, func() { fisherBuildF(out, in, f32(s), f32(h), f32(fw), f32(fb), lambda) },
		func() { fisherBuildF(out, in, f64(s), f64(h), f64(fw), f64(fb), lambda) })
}

// fisherBuildF is optim's buildF.
func fisherBuildF[T float](out, in int, s, h, fw, fb []T, lambda float64) {
	l := T(lambda)
	for o := 0; o < out; o++ {
		for i := 0; i < in; i++ {
			fw[o*in+i] = T(s[o]*h[i]) + l
		}
		if fb != nil {
			fb[o] = T(s[o]*h[in]) + l
		}
	}
}
