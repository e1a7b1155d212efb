package nn

// Stride-1 convolutions whose output rows are as wide as the input's (the
// "same" 3x3 convolutions of the CIFAR ResNets: padding (k-1)/2): a row
// (ch, i, j) of P^T is then, over all the output rows it covers, one
// contiguous shifted copy of the input plane, wrong only in the columns
// that fall in the padding. One long copy and a few fix-ups replace a
// short copy per output row (32 values on CIFAR), which made patchesT and
// its adjoint the largest part of a narrow ResNet's step. The values, and
// the order in which the adjoint adds them, are those of the general path.

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
func (c *Conv2d[T]) patchesTSame(x, pt []T, b0, b1 int) {
	k, h, w, ow := c.Kernel, c.h, c.w, c.ow
	spatial := c.oh * ow
	n := (b1 - b0) * spatial
	for b := b0; b < b1; b++ {
		img := x[b*c.In*h*w : (b+1)*c.In*h*w]
		for ch := 0; ch < c.In; ch++ {
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
					for r := 0; r < len(dst); r += ow {
						clear(dst[r : r+lo])
						clear(dst[r+hi : r+ow])
					}
				}
			}
		}
	}
}

// addPatchesTSame is addPatchesT for sameRows convolutions. It zeroes the
// entries of dpt that lie in the padding (dpt is scratch) so that one
// contiguous sum adds each row.
func (c *Conv2d[T]) addPatchesTSame(dpt, dx []T, b0, b1 int) {
	k, h, w, ow := c.Kernel, c.h, c.w, c.ow
	spatial := c.oh * ow
	n := (b1 - b0) * spatial
	for b := b0; b < b1; b++ {
		img := dx[b*c.In*h*w : (b+1)*c.In*h*w]
		for ch := 0; ch < c.In; ch++ {
			plane := img[ch*h*w : (ch+1)*h*w]
			for i := 0; i < k; i++ {
				for j := 0; j < k; j++ {
					lo, hi := c.span[2*j], c.span[2*j+1]
					row := dpt[((ch*k+i)*k+j)*n+(b-b0)*spatial:][:spatial]
					oy0, oy1, off := c.rowSpan(i, j)
					if lo >= hi || oy0 >= oy1 {
						continue
					}
					src := row[oy0*ow : oy1*ow]
					for r := 0; r < len(src); r += ow {
						clear(src[r : r+lo])
						clear(src[r+hi : r+ow])
					}
					a, e := max(0, -off), min(len(src), len(plane)-off)
					dst := plane[off+a : off+e]
					for q, v := range src[a:e] {
						dst[q] += v
					}
				}
			}
		}
	}
}
