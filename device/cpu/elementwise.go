package cpu

import (
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

type float interface{ float32 | float64 }

// run calls f32f or f64f on the buffers' element type.
func run(dt device.DType, on32, on64 func()) {
	if dt == device.F32 {
		on32()
	} else {
		on64()
	}
}

func (d *Device) Fill(x device.Buffer, off, n int, v float64) {
	if x != nil && x.DType() == device.I32 {
		if _, ok := d.ok("Fill", []int{off, n}, check.I("x", x, off+n)); ok {
			s := i32(x)[off : off+n]
			for i := range s {
				s[i] = int32(v)
			}
		}
		return
	}
	dt, ok := d.ok("Fill", []int{off, n}, check.B("x", x, off+n))
	if !ok {
		return
	}
	run(dt, func() { fill(f32(x)[off:off+n], float32(v)) }, func() { fill(f64(x)[off:off+n], v) })
}

func fill[T any](s []T, v T) {
	for i := range s {
		s[i] = v
	}
}

func (d *Device) Copy(dst device.Buffer, dOff int, src device.Buffer, sOff int, n int) {
	if dst == nil || src == nil || dst.DType() != src.DType() {
		d.errs.Set(errDTypes("Copy", dst, src))
		return
	}
	arg := check.B
	if dst.DType() == device.I32 {
		arg = check.I
	}
	if _, ok := d.ok("Copy", []int{dOff, sOff, n}, arg("dst", dst, dOff+n), arg("src", src, sOff+n)); !ok {
		return
	}
	copy(dst.(*buffer).bytes()[dOff*dst.DType().Size():][:n*dst.DType().Size()], src.(*buffer).bytes()[sOff*src.DType().Size():])
}

func (d *Device) Add(dst, a, b device.Buffer, n int) {
	dt, ok := d.ok("Add", []int{n}, check.B("dst", dst, n), check.B("a", a, n), check.B("b", b, n))
	if !ok {
		return
	}
	run(dt, func() { add(f32(dst), f32(a), f32(b), n) }, func() { add(f64(dst), f64(a), f64(b), n) })
}

func add[T float](dst, a, b []T, n int) {
	for i := 0; i < n; i++ {
		dst[i] = a[i] + b[i]
	}
}

func (d *Device) Mul(dst, a, b device.Buffer, n int) {
	dt, ok := d.ok("Mul", []int{n}, check.B("dst", dst, n), check.B("a", a, n), check.B("b", b, n))
	if !ok {
		return
	}
	run(dt, func() { mul(f32(dst), f32(a), f32(b), n) }, func() { mul(f64(dst), f64(a), f64(b), n) })
}

func mul[T float](dst, a, b []T, n int) {
	for i := 0; i < n; i++ {
		dst[i] = a[i] * b[i]
	}
}

func (d *Device) BroadcastRows(dst, src device.Buffer, rows, cols int) {
	dt, ok := d.ok("BroadcastRows", []int{rows, cols, rows * cols}, check.B("dst", dst, rows*cols), check.B("src", src, cols))
	if !ok {
		return
	}
	run(dt, func() { broadcastRows(f32(dst), f32(src), rows, cols) }, func() { broadcastRows(f64(dst), f64(src), rows, cols) })
}

func broadcastRows[T float](dst, src []T, rows, cols int) {
	for r := 0; r < rows; r++ {
		copy(dst[r*cols:(r+1)*cols], src[:cols])
	}
}

func (d *Device) SumRows(dst, src device.Buffer, rows, cols int) {
	dt, ok := d.ok("SumRows", []int{rows, cols, rows * cols}, check.B("dst", dst, cols), check.B("src", src, rows*cols))
	if !ok {
		return
	}
	run(dt, func() { sumRows(f32(dst), f32(src), rows, cols) }, func() { sumRows(f64(dst), f64(src), rows, cols) })
}

// sumRows is nn.Linear's bias gradient: row by row, in T.
func sumRows[T float](dst, src []T, rows, cols int) {
	db := dst[:cols]
	for r := 0; r < rows; r++ {
		for j, v := range src[r*cols : (r+1)*cols] {
			db[j] += v
		}
	}
}

func (d *Device) Activation(f device.Act, x, y device.Buffer, n int) {
	dt, ok := d.ok("Activation", []int{n}, check.B("x", x, n), check.B("y", y, n))
	if !ok {
		return
	}
	if f < device.ReLU || f > device.GELU {
		d.errs.Set(errAct(f))
		return
	}
	run(dt, func() { activation(f, f32(x), f32(y), n) }, func() { activation(f, f64(x), f64(y), n) })
}

// activation is nn.Activation's forward: the functions in float64, rounded.
func activation[T float](f device.Act, x, y []T, n int) {
	for i, v := range x[:n] {
		switch f {
		case device.ReLU:
			y[i] = max(v, 0)
		case device.Tanh:
			y[i] = T(math.Tanh(float64(v)))
		case device.Sigmoid:
			y[i] = T(sigmoid(float64(v)))
		case device.GELU:
			fv := float64(v)
			y[i] = T(fv * (0.5 * (1 + math.Erf(fv/math.Sqrt2))))
		}
	}
}

func sigmoid(v float64) float64 {
	if v >= 0 {
		return 1 / (1 + math.Exp(-v))
	}
	e := math.Exp(v)
	return e / (1 + e)
}

func (d *Device) ActivationBackward(f device.Act, x, y, dy, dx device.Buffer, n int) {
	dt, ok := d.ok("ActivationBackward", []int{n}, check.B("x", x, n), check.B("y", y, n), check.B("dy", dy, n), check.B("dx", dx, n))
	if !ok {
		return
	}
	if f < device.ReLU || f > device.GELU {
		d.errs.Set(errAct(f))
		return
	}
	run(dt, func() { activationBackward(f, f32(x), f32(y), f32(dy), f32(dx), n) },
		func() { activationBackward(f, f64(x), f64(y), f64(dy), f64(dx), n) })
}

// activationBackward is nn.Activation's backward: ReLU passes dy where the
// output is not +0 (NaN passes), tanh and sigmoid read the output, GELU
// the input: dy * (Phi(x) + x*phi(x)) with the factor in float64.
func activationBackward[T float](f device.Act, x, y, dy, dx []T, n int) {
	const invSqrt2Pi = 0.3989422804014327
	for i := 0; i < n; i++ {
		switch f {
		case device.ReLU:
			if y[i] == 0 {
				dx[i] = 0
			} else {
				dx[i] = dy[i]
			}
		case device.Tanh:
			dx[i] = dy[i] * (1 - y[i]*y[i])
		case device.Sigmoid:
			dx[i] = dy[i] * y[i] * (1 - y[i])
		case device.GELU:
			fv := float64(x[i])
			cdf := 0.5 * (1 + math.Erf(fv/math.Sqrt2))
			pdf := invSqrt2Pi * math.Exp(-0.5*fv*fv)
			dx[i] = dy[i] * T(cdf+fv*pdf)
		}
	}
}
