package nn

import "github.com/adafisher-go/landscape/internal/gemm"

// Stride-2 convolutions in float32 (the first convolution of a ResNet
// stage and its 1x1 shortcut): a row (ch, i, j) of P^T reads every other
// column of every other input row, which internal/gemm gathers (and its
// adjoint adds back) one patch row at a time instead of one output row at
// a time. Values, and the order of the adjoint's additions, are those of
// the general path.

// stride2Rows reports whether the fast path applies.
func (c *Conv2d[T]) stride2Rows() bool { return c.Stride == 2 && is32[T]() }

// rows2 returns, for kernel row i, the output rows [oy0, oy1) that read
// inside the image (input row 2*oy - p + i in [0, h)).
func (c *Conv2d[T]) rows2(i int) (oy0, oy1 int) {
	p := c.Padding
	oy0 = max(0, (p-i+1)/2)
	if top := c.h - 1 + p - i; top >= 0 {
		oy1 = min(c.oh, top/2+1)
	}
	return oy0, max(oy0, oy1)
}

// patchesT2 is patchesT for stride2Rows convolutions.
func (c *Conv2d[T]) patchesT2(x, pt []T, b0, b1 int) {
	k, p, h, w, ow := c.Kernel, c.Padding, c.h, c.w, c.ow
	spatial := c.oh * ow
	n := (b1 - b0) * spatial
	for b := b0; b < b1; b++ {
		img := as32(x[b*c.In*h*w : (b+1)*c.In*h*w])
		for ch := 0; ch < c.In; ch++ {
			plane := img[ch*h*w : (ch+1)*h*w]
			for i := 0; i < k; i++ {
				oy0, oy1 := c.rows2(i)
				for j := 0; j < k; j++ {
					lo, hi := c.span[2*j], c.span[2*j+1]
					row := pt[((ch*k+i)*k+j)*n+(b-b0)*spatial:][:spatial]
					if lo >= hi || oy0 >= oy1 {
						clear(row)
						continue
					}
					clear(row[:oy0*ow])
					clear(row[oy1*ow:])
					zeroCols(row[oy0*ow:oy1*ow], ow, lo, hi)
					gemm.Stride2RowsS(as32(row[oy0*ow+lo:]), ow, plane[(2*oy0-p+i)*w+2*lo-p+j:], 2*w, oy1-oy0, hi-lo)
				}
			}
		}
	}
}

// addPatchesT2 is addPatchesT for stride2Rows convolutions.
func (c *Conv2d[T]) addPatchesT2(dpt, dx []T, b0, b1 int) {
	k, p, h, w, ow := c.Kernel, c.Padding, c.h, c.w, c.ow
	spatial := c.oh * ow
	n := (b1 - b0) * spatial
	for b := b0; b < b1; b++ {
		img := as32(dx[b*c.In*h*w : (b+1)*c.In*h*w])
		for ch := 0; ch < c.In; ch++ {
			plane := img[ch*h*w : (ch+1)*h*w]
			for i := 0; i < k; i++ {
				oy0, oy1 := c.rows2(i)
				for j := 0; j < k; j++ {
					lo, hi := c.span[2*j], c.span[2*j+1]
					if lo >= hi || oy0 >= oy1 {
						continue
					}
					row := dpt[((ch*k+i)*k+j)*n+(b-b0)*spatial:][:spatial]
					gemm.AddStride2RowsS(plane[(2*oy0-p+i)*w+2*lo-p+j:], 2*w, as32(row[oy0*ow+lo:]), ow, oy1-oy0, hi-lo)
				}
			}
		}
	}
}
