package cpu

import (
	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

func (d *Device) convOK(op string, g device.ConvGeom, args ...check.Arg) (device.DType, bool) {
	if !check.Conv(&d.errs, op, g) {
		return 0, false
	}
	return d.ok(op, []int{g.Batch * g.C * g.H * g.W, g.Rows() * g.Patch()}, args...)
}

func (d *Device) Im2col(g device.ConvGeom, x, cols device.Buffer) {
	dt, ok := d.convOK("Im2col", g, check.B("x", x, g.Batch*g.C*g.H*g.W), check.B("cols", cols, g.Rows()*g.Patch()))
	if !ok {
		return
	}
	run(dt, func() { im2col(g, f32(x), f32(cols)) }, func() { im2col(g, f64(x), f64(cols)) })
}

func im2col[T float](g device.ConvGeom, x, cols []T) {
	d := g.Patch()
	for b := 0; b < g.Batch; b++ {
		for oy := 0; oy < g.OH; oy++ {
			for ox := 0; ox < g.OW; ox++ {
				row := cols[((b*g.OH+oy)*g.OW+ox)*d:]
				for c := 0; c < g.C; c++ {
					for i := 0; i < g.K; i++ {
						for j := 0; j < g.K; j++ {
							ih, iw := oy*g.Stride-g.Pad+i, ox*g.Stride-g.Pad+j
							var v T
							if ih >= 0 && ih < g.H && iw >= 0 && iw < g.W {
								v = x[((b*g.C+c)*g.H+ih)*g.W+iw]
							}
							row[(c*g.K+i)*g.K+j] = v
						}
					}
				}
			}
		}
	}
}

func (d *Device) Col2im(g device.ConvGeom, dcols, dx device.Buffer) {
	dt, ok := d.convOK("Col2im", g, check.B("dcols", dcols, g.Rows()*g.Patch()), check.B("dx", dx, g.Batch*g.C*g.H*g.W))
	if !ok {
		return
	}
	run(dt, func() { col2im(g, f32(dcols), f32(dx)) }, func() { col2im(g, f64(dcols), f64(dx)) })
}

// col2im adds in nn.Conv2d's order: output row, channel, kernel row, kernel
// column, output column.
func col2im[T float](g device.ConvGeom, dcols, dx []T) {
	clear(dx[:g.Batch*g.C*g.H*g.W])
	d := g.Patch()
	for b := 0; b < g.Batch; b++ {
		for oy := 0; oy < g.OH; oy++ {
			for c := 0; c < g.C; c++ {
				for i := 0; i < g.K; i++ {
					ih := oy*g.Stride - g.Pad + i
					if ih < 0 || ih >= g.H {
						continue
					}
					for j := 0; j < g.K; j++ {
						for ox := 0; ox < g.OW; ox++ {
							iw := ox*g.Stride - g.Pad + j
							if iw < 0 || iw >= g.W {
								continue
							}
							dx[((b*g.C+c)*g.H+ih)*g.W+iw] += dcols[((b*g.OH+oy)*g.OW+ox)*d+(c*g.K+i)*g.K+j]
						}
					}
				}
			}
		}
	}
}

func (d *Device) ConvOutput(g device.ConvGeom, out int, ymat, bias, y device.Buffer) {
	n := g.Rows() * out
	dt, ok := d.convOK("ConvOutput", g, check.B("ymat", ymat, n), check.Opt("bias", bias, out), check.B("y", y, n))
	if !ok {
		return
	}
	run(dt, func() { convOutput(g, out, f32(ymat), f32(bias), f32(y)) }, func() { convOutput(g, out, f64(ymat), f64(bias), f64(y)) })
}

func convOutput[T float](g device.ConvGeom, out int, ymat, bias, y []T) {
	sp := g.OH * g.OW
	for b := 0; b < g.Batch; b++ {
		for o := 0; o < out; o++ {
			var bv T
			if bias != nil {
				bv = bias[o]
			}
			for p := 0; p < sp; p++ {
				y[(b*out+o)*sp+p] = ymat[(b*sp+p)*out+o] + bv
			}
		}
	}
}

func (d *Device) ConvGradRows(g device.ConvGeom, out int, dy, grows, dbias device.Buffer) {
	n := g.Rows() * out
	dt, ok := d.convOK("ConvGradRows", g, check.B("dy", dy, n), check.B("grows", grows, n), check.Opt("dbias", dbias, out))
	if !ok {
		return
	}
	run(dt, func() { convGradRows(g, out, f32(dy), f32(grows), f32(dbias)) }, func() { convGradRows(g, out, f64(dy), f64(grows), f64(dbias)) })
}

// convGradRows is nn.Conv2d's transposition of the output gradient; the
// bias gradient adds each sample's plane sum, summed in T.
func convGradRows[T float](g device.ConvGeom, out int, dy, grows, dbias []T) {
	sp := g.OH * g.OW
	for b := 0; b < g.Batch; b++ {
		for o := 0; o < out; o++ {
			var sum T
			for p := 0; p < sp; p++ {
				v := dy[(b*out+o)*sp+p]
				grows[(b*sp+p)*out+o] = v
				sum += v
			}
			if dbias != nil {
				dbias[o] += sum
			}
		}
	}
}
