package nn

// Stride-1 convolutions whose output rows are as wide as the input's (the
// "same" 3x3 convolutions of the CIFAR ResNets: padding (k-1)/2): a row
// (ch, i, j) of P^T is then, over all the output rows it covers, one
// contiguous shifted copy of the input plane, wrong only in the columns
// that fall in the padding. One long copy and a few fix-ups replace a
// short copy per output row (32 values on CIFAR), which made patchesT the
// largest part of a narrow ResNet's step; the values are those of the
// general path. The input gradient needs no adjoint (col2im) here: it is a
// convolution of dy (inputGradSame).

// sameRows reports whether the fast path applies.
func (c *Conv2d[T]) sameRows() bool { return c.Stride == 1 && c.ow == c.w }

// rowSpan returns, for kernel row i, the output rows [oy0, oy1) that read
// inside the image and the offset in the plane of the first one's column
// 0 shifted by kernel column j (it may be -1 or run one past the plane).
func (c *Conv2d[T]) rowSpan(i, j int) (oy0, oy1, off int) {
	p := c.Padding
	oy0, oy1 = max(0, p-i), min(c.oh, c.h+p-i)
	return oy0, oy1, (oy0+i-p)*c.w + j - p
}

// patchesTSame is patchesT for sameRows convolutions.
func (c *Conv2d[T]) patchesTSame(x, pt []T, b0, b1 int) { c.patchesTSameOf(x, pt, b0, b1, c.In) }

// patchesTSameOf is patchesTSame for an input of the given number of
// channels and the convolution's geometry: the output gradient dy, whose
// patches under the same kernel size and padding give the input gradient
// (inputGradSame).
func (c *Conv2d[T]) patchesTSameOf(x, pt []T, b0, b1, channels int) {
	k, h, w, ow := c.Kernel, c.h, c.w, c.ow
	spatial := c.oh * ow
	n := (b1 - b0) * spatial
	for b := b0; b < b1; b++ {
		img := x[b*channels*h*w : (b+1)*channels*h*w]
		for ch := 0; ch < channels; ch++ {
			plane := img[ch*h*w : (ch+1)*h*w]
			for i := 0; i < k; i++ {
				for j := 0; j < k; j++ {
					lo, hi := c.span[2*j], c.span[2*j+1]
					row := pt[((ch*k+i)*k+j)*n+(b-b0)*spatial:][:spatial]
					oy0, oy1, off := c.rowSpan(i, j)
					if lo >= hi || oy0 >= oy1 {
						clear(row)
						continue
					}
					clear(row[:oy0*ow])
					clear(row[oy1*ow:])
					dst := row[oy0*ow : oy1*ow]
					a, e := max(0, -off), min(len(dst), len(plane)-off)
					clear(dst[:a])
					copy(dst[a:e], plane[off+a:off+e])
					clear(dst[e:])
					zeroCols(dst, ow, lo, hi)
				}
			}
		}
	}
}

// The input gradient of a same-width convolution is itself a same-width
// convolution: of dy, with padding k-1-p = p and the kernel flipped in both
// directions with its channel axes swapped,
//
//	dx[c, y, x] = sum over o, i, j of W[o, c, k-1-i, k-1-j] dy[o, y-p+i, x-p+j],
//
// so it is one product with an inner dimension of out*k*k (the patches of
// dy) instead of a product with an inner dimension of out, whose result
// (as large as P^T) is then added back patch by patch.

// flipKernel sets the pass's flipped kernel, the first core's workspace's
// flip, to W' (In x out*k*k): W'[c][(o, i, j)] = W[o][c][k-1-i][k-1-j].
func (c *Conv2d[T]) flipKernel() {
	k, kk := c.Kernel, c.Kernel*c.Kernel
	w0 := c.work[0]
	w0.flip = grow(w0.flip, c.In*c.Out*kk)
	w := c.Weight.Value.Data
	for ch := 0; ch < c.In; ch++ {
		for o := 0; o < c.Out; o++ {
			src := w[(o*c.In+ch)*kk : (o*c.In+ch+1)*kk]
			dst := w0.flip[(ch*c.Out+o)*kk : (ch*c.Out+o+1)*kk]
			for i := 0; i < k; i++ {
				for j := 0; j < k; j++ {
					dst[i*k+j] = src[(k-1-i)*k+(k-1-j)]
				}
			}
		}
	}
}

// inputGradSame sets the input gradient of samples [b0, b1) from dy, with
// the pass's flipped kernel set (flipKernel).
func (c *Conv2d[T]) inputGradSame(wk *convWork[T], dy, dx []T, b0, b1 int) {
	if c.implicit() {
		c.inputGradImplicit(wk, dy, dx, b0, b1)
		return
	}
	spatial := c.h * c.w
	n := (b1 - b0) * spatial
	dd := c.Out * c.Kernel * c.Kernel
	wk.dcols = grow(wk.dcols, dd*n)
	c.patchesTSameOf(dy, wk.dcols, b0, b1, c.Out)
	if b1-b0 == 1 {
		gemmSerial(false, false, c.In, n, dd, 1, c.work[0].flip, dd, wk.dcols, n, 0, dx[b0*c.In*spatial:(b0+1)*c.In*spatial], n)
		return
	}
	wk.tmp = grow(wk.tmp, c.In*n)
	gemmSerial(false, false, c.In, n, dd, 1, c.work[0].flip, dd, wk.dcols, n, 0, wk.tmp, n)
	ungroup(dx, wk.tmp, b0, b1, c.In, spatial)
}

// zeroCols zeroes, in each row of width ow of m, the columns before lo and
// from hi on: a few stores per row (one on each side for a 3x3 kernel with
// padding 1), where a slice clear per side would cost a call.
func zeroCols[T Float](m []T, ow, lo, hi int) {
	switch {
	case lo == 0 && hi == ow:
		return
	case lo == 1 && hi == ow: // kernel column 0 of a 3x3, padding 1
		for r := 0; r < len(m); r += ow {
			m[r] = 0
		}
		return
	case lo == 0 && hi == ow-1: // kernel column 2
		for r := ow - 1; r < len(m); r += ow {
			m[r] = 0
		}
		return
	}
	for r := 0; r+ow <= len(m); r += ow {
		row := m[r : r+ow : r+ow]
		for q := 0; q < lo; q++ {
			row[q] = 0
		}
		for q := hi; q < ow; q++ {
			row[q] = 0
		}
	}
}
