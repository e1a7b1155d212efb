package cpu

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

func (d *Device) BatchNormForward(a device.NormArgs, x, weight, bias, runMean, runVar, xhat, y, invStd device.Buffer) {
	n := a.Batch * a.C * a.HW
	if a.Train && a.Batch*a.HW <= 1 {
		d.errs.Set(fmt.Errorf("device cpu BatchNormForward: %d values per channel, training needs more than 1", a.Batch*a.HW))
		return
	}
	dt, ok := d.ok("BatchNormForward", []int{a.Batch, a.C, a.HW, n},
		check.B("x", x, n), check.B("weight", weight, a.C), check.B("bias", bias, a.C),
		check.B("runMean", runMean, a.C), check.B("runVar", runVar, a.C),
		check.B("xhat", xhat, n), check.B("y", y, n), check.B("invStd", invStd, a.C))
	if !ok {
		return
	}
	run(dt, func() {
		bnForward(a, f32(x), f32(weight), f32(bias), f32(runMean), f32(runVar), f32(xhat), f32(y), f32(invStd))
	}, func() {
		bnForward(a, f64(x), f64(weight), f64(bias), f64(runMean), f64(runVar), f64(xhat), f64(y), f64(invStd))
	})
}

// bnForward is nn.BatchNorm2d's forward: two passes in float64 for the
// statistics.
func bnForward[T float](a device.NormArgs, x, weight, bias, runMean, runVar, xhat, y, invStd []T) {
	b, ch, hw := a.Batch, a.C, a.HW
	n := b * hw
	m := a.Momentum
	for c := 0; c < ch; c++ {
		var mean, inv float64
		if a.Train {
			var sum float64
			for s := 0; s < b; s++ {
				for _, v := range x[(s*ch+c)*hw : (s*ch+c+1)*hw] {
					sum += float64(v)
				}
			}
			mean = sum / float64(n)
			var sq float64
			for s := 0; s < b; s++ {
				for _, v := range x[(s*ch+c)*hw : (s*ch+c+1)*hw] {
					dv := float64(v) - mean
					sq += dv * dv
				}
			}
			inv = 1 / math.Sqrt(sq/float64(n)+a.Eps)
			runMean[c] = T((1-m)*float64(runMean[c]) + m*mean)
			runVar[c] = T((1-m)*float64(runVar[c]) + m*sq/float64(n-1))
		} else {
			mean = float64(runMean[c])
			inv = 1 / math.Sqrt(float64(runVar[c])+a.Eps)
		}
		invStd[c] = T(inv)
		gamma, beta := float64(weight[c]), float64(bias[c])
		for s := 0; s < b; s++ {
			off := (s*ch + c) * hw
			for i, v := range x[off : off+hw] {
				z := (float64(v) - mean) * inv
				xhat[off+i] = T(z)
				y[off+i] = T(gamma*z + beta)
			}
		}
	}
}

func (d *Device) BatchNormBackward(a device.NormArgs, dy, xhat, weight, invStd, dweight, dbias, dx device.Buffer) {
	n := a.Batch * a.C * a.HW
	dt, ok := d.ok("BatchNormBackward", []int{a.Batch, a.C, a.HW, n},
		check.B("dy", dy, n), check.B("xhat", xhat, n), check.B("weight", weight, a.C), check.B("invStd", invStd, a.C),
		check.B("dweight", dweight, a.C), check.B("dbias", dbias, a.C), check.Opt("dx", dx, n))
	if !ok {
		return
	}
	run(dt, func() {
		bnBackward(a, f32(dy), f32(xhat), f32(weight), f32(invStd), f32(dweight), f32(dbias), f32(dx))
	}, func() {
		bnBackward(a, f64(dy), f64(xhat), f64(weight), f64(invStd), f64(dweight), f64(dbias), f64(dx))
	})
}

func bnBackward[T float](a device.NormArgs, dy, xhat, weight, invStd, dweight, dbias, dx []T) {
	b, ch, hw := a.Batch, a.C, a.HW
	n := float64(b * hw)
	for c := 0; c < ch; c++ {
		var sumDy, sumDyXhat float64
		for s := 0; s < b; s++ {
			off := (s*ch + c) * hw
			for i, g := range dy[off : off+hw] {
				sumDy += float64(g)
				sumDyXhat += float64(g) * float64(xhat[off+i])
			}
		}
		dweight[c] += T(sumDyXhat)
		dbias[c] += T(sumDy)
		if dx == nil {
			continue
		}
		scale := float64(weight[c]) * float64(invStd[c])
		mDy, mDyXhat := sumDy/n, sumDyXhat/n
		for s := 0; s < b; s++ {
			off := (s*ch + c) * hw
			for i, v := range dy[off : off+hw] {
				if a.Train {
					dx[off+i] = T(scale * (float64(v) - mDy - float64(xhat[off+i])*mDyXhat))
				} else {
					dx[off+i] = T(scale * float64(v))
				}
			}
		}
	}
}

func (d *Device) LayerNormForward(a device.NormArgs, x, weight, bias, xhat, y, invStd device.Buffer) {
	n := a.Rows * a.D
	dt, ok := d.ok("LayerNormForward", []int{a.Rows, a.D, n},
		check.B("x", x, n), check.B("weight", weight, a.D), check.B("bias", bias, a.D),
		check.B("xhat", xhat, n), check.B("y", y, n), check.B("invStd", invStd, a.Rows))
	if !ok {
		return
	}
	run(dt, func() { lnForward(a, f32(x), f32(weight), f32(bias), f32(xhat), f32(y), f32(invStd)) },
		func() { lnForward(a, f64(x), f64(weight), f64(bias), f64(xhat), f64(y), f64(invStd)) })
}

// lnForward is nn.LayerNorm's forward: mean and variance of each row by two
// passes in float64.
func lnForward[T float](a device.NormArgs, x, w, b, xhat, y, invStd []T) {
	d := a.D
	for r := 0; r < a.Rows; r++ {
		src := x[r*d : (r+1)*d]
		var sum float64
		for _, v := range src {
			sum += float64(v)
		}
		mean := sum / float64(d)
		var sq float64
		for _, v := range src {
			dv := float64(v) - mean
			sq += dv * dv
		}
		inv := 1 / math.Sqrt(sq/float64(d)+a.Eps)
		invStd[r] = T(inv)
		for j, v := range src {
			z := (float64(v) - mean) * inv
			xhat[r*d+j] = T(z)
			y[r*d+j] = T(float64(w[j])*z + float64(b[j]))
		}
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
	run(dt, func() {
		lnBackward(a, f32(dy), f32(xhat), f32(weight), f32(invStd), f32(dweight), f32(dbias), f32(dx))
	}, func() {
		lnBackward(a, f64(dy), f64(xhat), f64(weight), f64(invStd), f64(dweight), f64(dbias), f64(dx))
	})
}

// lnBackward is nn.LayerNorm's backward: the parameter gradients summed
// over rows in T, dx = invstd*(u - mean(u) - xhat*mean(u*xhat)) with
// u = weight*dy in float64.
func lnBackward[T float](a device.NormArgs, dy, xhat, w, invStd, gw, gb, dx []T) {
	d := a.D
	n := float64(d)
	for r := 0; r < a.Rows; r++ {
		g := dy[r*d : (r+1)*d]
		xh := xhat[r*d : (r+1)*d]
		var su, sux float64
		for j, v := range g {
			gw[j] += v * xh[j]
			gb[j] += v
			u := float64(w[j]) * float64(v)
			su += u
			sux += u * float64(xh[j])
		}
		if dx == nil {
			continue
		}
		inv, mu, mux := float64(invStd[r]), su/n, sux/n
		for j, v := range g {
			dx[r*d+j] = T(inv * (float64(w[j])*float64(v) - mu - float64(xh[j])*mux))
		}
	}
}
