package nn

import "github.com/adafisher-go/landscape/internal/gemm"

// Same-width float32 convolutions on machines with gemm's indirect product
// (AVX-512) build no patch matrix for the forward pass or the input
// gradient. A group's input is copied once into a zero-padded layout,
// channel by channel,
//
//	p zero rows, then per sample: h rows, p zero rows
//	each row: p zeros, then the w values (row stride L = w + p)
//
// in which the patch entry (ch, i, j) of output position (b, oy, ox) sits
// at ch*S + i*L + j + c, with c = (b*(h+p) + oy)*L + ox (S the channel
// stride): the padding of a row's right edge is the next row's left zeros,
// and the padding between two samples is the p zero rows they share. Over
// the "grid" of positions c the product P W^T is then an indirect product
// with the offsets ch*S + i*L + j; the grid's extra columns (ox >= w) and
// rows (between samples) are computed and dropped. The input gradient is
// the same product on the padded output gradient with the flipped kernel
// (conv2d_same.go). The weight gradient keeps the patch matrix.

// implicit reports whether the padded-grid path applies.
func (c *Conv2d[T]) implicit() bool { return c.sameRows() && is32[T]() && gemm.IndirectS() }

// padded copies channels x h x w planes of samples [b0, b1) of src into
// buf in the padded layout and returns it with the grid's size and the
// offsets of the k*k*channels patch entries in offs.
func (c *Conv2d[T]) padded(buf []T, offs []int, src []T, channels, b0, b1 int) ([]T, []int, int) {
	k, p, h, w := c.Kernel, c.Padding, c.h, c.w
	L, g := w+p, b1-b0
	stride := (g*(h+p) + p) * L
	// The kernels read up to 13 positions past the grid's last row tile,
	// and the last entry's shift adds k-1: zeros.
	buf = grow(buf, channels*stride+k+16)
	for ch := 0; ch < channels; ch++ {
		base := buf[ch*stride : (ch+1)*stride]
		for bb := 0; bb < g; bb++ {
			top := bb * (h + p) * L
			clear(base[top : top+p*L])
			plane := src[((b0+bb)*channels+ch)*h*w : ((b0+bb)*channels+ch+1)*h*w]
			for iy := 0; iy < h; iy++ {
				row := base[top+(p+iy)*L : top+(p+iy+1)*L]
				clear(row[:p])
				copy(row[p:], plane[iy*w:(iy+1)*w])
			}
		}
		clear(base[g*(h+p)*L:])
	}
	clear(buf[channels*stride:])
	offs = growInts(offs, channels*k*k)
	for ch := 0; ch < channels; ch++ {
		for i := 0; i < k; i++ {
			for j := 0; j < k; j++ {
				offs[(ch*k+i)*k+j] = ch*stride + i*L + j
			}
		}
	}
	return buf, offs, ((g-1)*(h+p) + c.oh) * L
}

// gridProduct sets the outputs (channels out) of samples [b0, b1) in the
// NCHW tensor dst to the product of the padded input (offsets offs, grid
// size n) and the kernel w (out x k*k*in): C^T = P W^T on the grid, then
// each output row's ow positions transposed into the planes.
func (c *Conv2d[T]) gridProduct(wk *convWork[T], dst, pad []T, offs []int, n int, w []T, out, b0, b1 int) {
	d := len(offs)
	wk.tmp = grow(wk.tmp, n*out)
	gemm.SgemmIndirectSerial(n, out, d, 1, as32(pad), offs, true, as32(w), d, 0, as32(wk.tmp), out)
	p, h, oh, ow := c.Padding, c.h, c.oh, c.ow
	L, spatial := c.w+p, oh*ow
	for b := b0; b < b1; b++ {
		img := as32(dst[b*out*spatial : (b+1)*out*spatial])
		for oy := 0; oy < oh; oy++ {
			row := ((b-b0)*(h+p) + oy) * L
			gemm.TransposeS(img[oy*ow:], spatial, as32(wk.tmp[row*out:]), out, ow, out)
		}
	}
}

// forwardImplicit computes the outputs of samples [b0, b1).
func (c *Conv2d[T]) forwardImplicit(wk *convWork[T], y []T, b0, b1 int) {
	var n int
	wk.pad, wk.offs, n = c.padded(wk.pad, wk.offs, c.x.Data, c.In, b0, b1)
	c.gridProduct(wk, y, wk.pad, wk.offs, n, c.Weight.Value.Data, c.Out, b0, b1)
	spatial := c.oh * c.ow
	for b := b0; b < b1; b++ {
		c.addBias(y[b*c.Out*spatial : (b+1)*c.Out*spatial])
	}
}

// inputGradImplicit sets the input gradient of samples [b0, b1) from dy,
// with the pass's flipped kernel set (flipKernel).
func (c *Conv2d[T]) inputGradImplicit(wk *convWork[T], dy, dx []T, b0, b1 int) {
	var n int
	wk.pad, wk.offs, n = c.padded(wk.pad, wk.offs, dy, c.Out, b0, b1)
	c.gridProduct(wk, dx, wk.pad, wk.offs, n, c.work[0].flip, c.In, b0, b1)
}

// growInts returns buf resized to n, reallocated only when too small.
func growInts(buf []int, n int) []int {
	if cap(buf) < n {
		return make([]int, n)
	}
	return buf[:n]
}
