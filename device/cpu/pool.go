package cpu

import (
	"math"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

func (d *Device) poolOK(op string, g device.PoolGeom, args ...check.Arg) (device.DType, bool) {
	if !check.Pool(&d.errs, op, g) {
		return 0, false
	}
	return d.ok(op, []int{g.Planes * g.H * g.W}, args...)
}

func (d *Device) MaxPool(g device.PoolGeom, x, y, arg device.Buffer) {
	oh, ow := g.Out()
	no := g.Planes * oh * ow
	dt, ok := d.poolOK("MaxPool", g, check.B("x", x, g.Planes*g.H*g.W), check.B("y", y, no), check.I("arg", arg, no))
	if !ok {
		return
	}
	run(dt, func() { maxPool(g, f32(x), f32(y), i32(arg)) }, func() { maxPool(g, f64(x), f64(y), i32(arg)) })
}

// maxPool is nn.MaxPool2d's forward: the first maximum of a window in scan
// order, or its last NaN.
func maxPool[T float](g device.PoolGeom, x, y []T, arg []int32) {
	oh, ow := g.Out()
	o := 0
	for pl := 0; pl < g.Planes; pl++ {
		base := pl * g.H * g.W
		for r := 0; r < oh; r++ {
			for c := 0; c < ow; c++ {
				start := base + r*g.Stride*g.W + c*g.Stride
				best, at, nan := T(math.Inf(-1)), start, false
				for i := 0; i < g.K; i++ {
					for j := 0; j < g.K; j++ {
						idx := start + i*g.W + j
						v := x[idx]
						switch {
						case v != v:
							best, at, nan = v, idx, true
						case !nan && v > best:
							best, at = v, idx
						}
					}
				}
				y[o], arg[o] = best, int32(at)
				o++
			}
		}
	}
}

func (d *Device) MaxPoolBackward(g device.PoolGeom, dy, arg, dx device.Buffer) {
	oh, ow := g.Out()
	no := g.Planes * oh * ow
	dt, ok := d.poolOK("MaxPoolBackward", g, check.B("dy", dy, no), check.I("arg", arg, no), check.B("dx", dx, g.Planes*g.H*g.W))
	if !ok {
		return
	}
	run(dt, func() { maxPoolBackward(g, f32(dy), i32(arg), f32(dx), no) }, func() { maxPoolBackward(g, f64(dy), i32(arg), f64(dx), no) })
}

func maxPoolBackward[T float](g device.PoolGeom, dy []T, arg []int32, dx []T, no int) {
	clear(dx[:g.Planes*g.H*g.W])
	for o, v := range dy[:no] {
		dx[arg[o]] += v
	}
}

func (d *Device) AvgPool(g device.PoolGeom, x, y device.Buffer) {
	oh, ow := g.Out()
	dt, ok := d.poolOK("AvgPool", g, check.B("x", x, g.Planes*g.H*g.W), check.B("y", y, g.Planes*oh*ow))
	if !ok {
		return
	}
	run(dt, func() { avgPool(g, f32(x), f32(y)) }, func() { avgPool(g, f64(x), f64(y)) })
}

func avgPool[T float](g device.PoolGeom, x, y []T) {
	oh, ow := g.Out()
	inv := 1 / float64(g.K*g.K)
	o := 0
	for pl := 0; pl < g.Planes; pl++ {
		plane := x[pl*g.H*g.W:]
		for r := 0; r < oh; r++ {
			for c := 0; c < ow; c++ {
				var sum float64
				for i := 0; i < g.K; i++ {
					for j := 0; j < g.K; j++ {
						sum += float64(plane[(r*g.Stride+i)*g.W+c*g.Stride+j])
					}
				}
				y[o] = T(sum * inv)
				o++
			}
		}
	}
}

func (d *Device) AvgPoolBackward(g device.PoolGeom, dy, dx device.Buffer) {
	oh, ow := g.Out()
	dt, ok := d.poolOK("AvgPoolBackward", g, check.B("dy", dy, g.Planes*oh*ow), check.B("dx", dx, g.Planes*g.H*g.W))
	if !ok {
		return
	}
	run(dt, func() { avgPoolBackward(g, f32(dy), f32(dx)) }, func() { avgPoolBackward(g, f64(dy), f64(dx)) })
}

func avgPoolBackward[T float](g device.PoolGeom, dy, dx []T) {
	oh, ow := g.Out()
	clear(dx[:g.Planes*g.H*g.W])
	inv := T(1 / float64(g.K*g.K))
	o := 0
	for pl := 0; pl < g.Planes; pl++ {
		plane := dx[pl*g.H*g.W:]
		for r := 0; r < oh; r++ {
			for c := 0; c < ow; c++ {
				v := dy[o] * inv
				o++
				for i := 0; i < g.K; i++ {
					for j := 0; j < g.K; j++ {
						plane[(r*g.Stride+i)*g.W+c*g.Stride+j] += v
					}
				}
			}
		}
	}
}

func (d *Device) GlobalAvgPool(planes, hw int, x, y device.Buffer) {
	dt, ok := d.ok("GlobalAvgPool", []int{planes, hw, planes * hw}, check.B("x", x, planes*hw), check.B("y", y, planes))
	if !ok {
		return
	}
	run(dt, func() { globalAvgPool(planes, hw, f32(x), f32(y)) }, func() { globalAvgPool(planes, hw, f64(x), f64(y)) })
}

func globalAvgPool[T float](planes, hw int, x, y []T) {
	inv := 1 / float64(hw)
	for i := 0; i < planes; i++ {
		var sum float64
		for _, v := range x[i*hw : (i+1)*hw] {
			sum += float64(v)
		}
		y[i] = T(sum * inv)
	}
}

func (d *Device) GlobalAvgPoolBackward(planes, hw int, dy, dx device.Buffer) {
	dt, ok := d.ok("GlobalAvgPoolBackward", []int{planes, hw, planes * hw}, check.B("dy", dy, planes), check.B("dx", dx, planes*hw))
	if !ok {
		return
	}
	run(dt, func() { globalAvgPoolBackward(planes, hw, f32(dy), f32(dx)) }, func() { globalAvgPoolBackward(planes, hw, f64(dy), f64(dx)) })
}

func globalAvgPoolBackward[T float](planes, hw int, dy, dx []T) {
	inv := T(1 / float64(hw))
	for i := 0; i < planes; i++ {
		v := dy[i] * inv
		row := dx[i*hw : (i+1)*hw]
		for j := range row {
			row[j] = v
		}
	}
}
