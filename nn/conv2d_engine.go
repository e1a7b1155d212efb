package nn

import "runtime"

// The engine of Conv2d's training passes. The batch is cut into groups of
// samples with about minGroupCols output positions together; each core takes
// a share of the groups and, per group, builds the transposed patch matrix
// P^T (one row per weight entry (ch, i, j), one column per output position
// of the group's samples: each row is a run of shifted copies of input
// rows) in a buffer of its own that stays in cache, and multiplies on it:
//
//	forward:  Y_g = W P^T              (out x n, the group's outputs)
//	backward: dW^T += P^T dY_g^T        (P^T rebuilt from the input; per
//	                                     core, transposed, added at the end)
//	          dP^T = W^T dY_g, dx += col2im(dP^T)
//
// with one single-threaded GEMM per core. Nothing of size batch x patch is
// kept between the passes (the patches are rebuilt in the backward pass),
// and a group of one sample writes its output plane straight into the NCHW
// result. A 1x1 convolution with stride 1 and no padding reads its input in
// place as P^T. Three shapes take faster routes with the same definition:
//
//   - same-width convolutions (stride 1, padding (k-1)/2: the CIFAR
//     ResNets' 3x3) build each patch row with one long shifted copy, and
//     take dx as a convolution of dy with the flipped kernel instead of
//     dP^T and col2im (conv2d_same.go);
//   - in float32 with AVX-512 these also skip the patch matrix in the
//     forward pass and for dx: the GEMM reads a zero-padded copy of the
//     input through per-entry offsets (conv2d_implicit.go);
//   - stride-2 float32 convolutions gather and scatter a whole patch row
//     per call with vector permutes (conv2d_stride2.go).
//
// The patch rows of the whole batch that curvature capture exposes are
// built only on capture steps (conv2d.go).

// minGroupCols is the least number of output positions per group: enough
// columns for the GEMM's panels.
const minGroupCols = 256

// convWork is one core's scratch.
type convWork[T Float] struct {
	cols []T // P^T, then dP^T, of one group: d x n
	// dcols: the patches of dy of one group (out*k*k x n), for the input
	// gradient of same-width convolutions.
	dcols []T
	// pad, offs: a group's padded input or output gradient and the patch
	// entries' offsets in it (conv2d_implicit.go).
	pad  []T
	offs []int
	flip []T // the flipped kernel (first core's workspace only)
	tmp  []T // the group's output or output gradient as out x n
	dwT  []T // d x out: this core's weight gradient, transposed
	db   []T // out bias-gradient partial
	// Diagonal capture: this core's sums of squares of the patch columns
	// and of the output-gradient channels, and a row's scratch.
	sqA, sqG, rowSq []float64
}

// groups returns the samples per group and the number of groups.
func (c *Conv2d[T]) groups() (size, count int) {
	spatial := c.oh * c.ow
	size = min(c.batch, max(1, (minGroupCols+spatial-1)/spatial))
	return size, (c.batch + size - 1) / size
}

// direct reports whether the input is its own P^T (1x1, stride 1, no
// padding), so that a group of one sample needs no patches.
func (c *Conv2d[T]) direct() bool { return c.Kernel == 1 && c.Stride == 1 && c.Padding == 0 }

// cores returns how many cores share a pass of the given work, and takes
// a workspace for each from the pool (releaseWork gives them back).
func (c *Conv2d[T]) cores(work int) int {
	_, count := c.groups()
	cores := 1
	if worthParallel(count, work/max(count, 1)) {
		cores = min(runtime.GOMAXPROCS(0), count)
	}
	c.takeWork(cores)
	return cores
}

// grow returns buf resized to n, reallocated only when too small.
func grow[T Float](buf []T, n int) []T {
	if cap(buf) < n {
		return make([]T, n)
	}
	return buf[:n]
}

// forwardGroups computes y from c.x with the engine.
func (c *Conv2d[T]) forwardGroups(y []T) {
	_, count := c.groups()
	d := c.In * c.Kernel * c.Kernel
	cores := c.cores(c.batch * c.oh * c.ow * d * c.Out)
	if c.diag {
		for _, wk := range c.work[:cores] {
			wk.sqA = diagPartials(wk.sqA, d)
			wk.rowSq = diagPartials(wk.rowSq, max(c.h*c.Kernel, c.h+c.w))
		}
	}
	if cores == 1 {
		c.forwardRange(c.work[0], 0, count, y)
	} else {
		c.parallel(convForward, cores, y, nil, nil, nil, count, cores)
	}
	if c.diag {
		c.sumSqA = grow(c.sumSqA, d)
		c.sumPartials(c.sumSqA, cores, func(wk *convWork[T]) []float64 { return wk.sqA })
	}
	c.releaseWork()
}

// forwardRange computes the outputs of groups [g0, g1).
func (c *Conv2d[T]) forwardRange(wk *convWork[T], g0, g1 int, y []T) {
	size, _ := c.groups()
	spatial := c.oh * c.ow
	d, out := c.In*c.Kernel*c.Kernel, c.Out
	x, w := c.x.Data, c.Weight.Value.Data
	for g := g0; g < g1; g++ {
		b0, b1 := g*size, min((g+1)*size, c.batch)
		n := (b1 - b0) * spatial
		if c.implicit() {
			if c.diag {
				c.addPatchSquares(x, wk.sqA, wk.rowSq, b0, b1)
			}
			c.forwardImplicit(wk, y, b0, b1)
			continue
		}
		var pt []T
		if c.direct() && b1-b0 == 1 {
			pt = x[b0*d*spatial : (b0+1)*d*spatial]
		} else {
			wk.cols = grow(wk.cols, d*n)
			c.patchesT(x, wk.cols, b0, b1)
			pt = wk.cols
		}
		if c.diag {
			// float32 (speed): from the input, about one operation per
			// input value; float64 (analysis, parity with the full
			// capture): from P^T, one per patch entry, in the full
			// capture's order.
			if is32[T]() {
				c.addPatchSquares(x, wk.sqA, wk.rowSq, b0, b1)
			} else {
				addSquaresInOrder(pt, n, wk.sqA)
			}
		}
		if b1-b0 == 1 {
			dst := y[b0*out*spatial : (b0+1)*out*spatial]
			gemmSerial(false, false, out, n, d, 1, w, d, pt, n, 0, dst, n)
			c.addBias(dst)
			continue
		}
		wk.tmp = grow(wk.tmp, out*n)
		gemmSerial(false, false, out, n, d, 1, w, d, pt, n, 0, wk.tmp, n)
		ungroup(y, wk.tmp, b0, b1, out, spatial)
		for b := b0; b < b1; b++ {
			c.addBias(y[b*out*spatial : (b+1)*out*spatial])
		}
	}
}

// addBias adds the bias to one sample's output planes.
func (c *Conv2d[T]) addBias(y []T) {
	if c.Bias == nil {
		return
	}
	spatial := c.oh * c.ow
	for o, v := range c.Bias.Value.Data {
		plane := y[o*spatial : (o+1)*spatial]
		for p := range plane {
			plane[p] += v
		}
	}
}

// backwardGroups adds the weight and bias gradients of dy into the
// parameters and, with dx not nil, sets dx to the input gradient.
func (c *Conv2d[T]) backwardGroups(dy, dx []T) {
	_, count := c.groups()
	d, out := c.In*c.Kernel*c.Kernel, c.Out
	cores := c.cores(2 * c.batch * c.oh * c.ow * d * out)
	if c.diag {
		for _, wk := range c.work[:cores] {
			wk.sqG = diagPartials(wk.sqG, out)
		}
	}
	if dx != nil && c.sameRows() {
		c.flipKernel()
	}
	if cores == 1 {
		c.backwardRange(0, c.work[0], 0, count, dy, dx)
	} else {
		c.parallel(convBackward, cores, nil, nil, dy, dx, count, cores)
	}
	if c.diag {
		c.sumPartials(c.sumSqG, cores, func(wk *convWork[T]) []float64 { return wk.sqG })
	}
	// Add the cores' weight gradients, in core order, and the other cores'
	// bias partials.
	for _, wk := range c.work[:cores] {
		addTransposed(c.Weight.Grad.Data, wk.dwT, out, d)
	}
	for _, wk := range c.work[1:cores] {
		if c.Bias != nil {
			for i, v := range wk.db {
				c.Bias.Grad.Data[i] += v
			}
		}
	}
	c.releaseWork()
}

// backwardRange adds the gradients of groups [g0, g1): the weight gradient
// into the core's own, transposed (d x out: the product's tiles fill better
// with out as the columns, and nothing has to be transposed per group), the
// bias gradient into the parameter's on core 0 and into a partial on the
// others.
func (c *Conv2d[T]) backwardRange(core int, wk *convWork[T], g0, g1 int, dy, dx []T) {
	size, _ := c.groups()
	spatial := c.oh * c.ow
	d, out := c.In*c.Kernel*c.Kernel, c.Out
	x, w := c.x.Data, c.Weight.Value.Data
	wk.dwT = grow(wk.dwT, d*out)
	clear(wk.dwT)
	var db []T
	if c.Bias != nil {
		db = c.Bias.Grad.Data
	}
	if core > 0 {
		if c.Bias != nil {
			wk.db = grow(wk.db, out)
			clear(wk.db)
			db = wk.db
		}
	}
	for g := g0; g < g1; g++ {
		b0, b1 := g*size, min((g+1)*size, c.batch)
		n := (b1 - b0) * spatial
		var dyg []T
		if b1-b0 == 1 {
			dyg = dy[b0*out*spatial : (b0+1)*out*spatial]
		} else {
			wk.tmp = grow(wk.tmp, out*n)
			group(wk.tmp, dy, b0, b1, out, spatial)
			dyg = wk.tmp
		}
		if c.diag {
			if is32[T]() {
				addRowSquares(dyg, n, wk.sqG)
			} else {
				addSquaresInOrder(dyg, n, wk.sqG)
			}
		}
		if db != nil {
			for o := 0; o < out; o++ {
				var s T
				for _, v := range dyg[o*n : (o+1)*n] {
					s += v
				}
				db[o] += s
			}
		}
		direct := c.direct() && b1-b0 == 1
		var pt []T
		if direct {
			pt = x[b0*d*spatial : (b0+1)*d*spatial]
		} else {
			wk.cols = grow(wk.cols, d*n)
			c.patchesT(x, wk.cols, b0, b1)
			pt = wk.cols
		}
		gemmSerial(false, true, d, out, n, 1, pt, n, dyg, n, 1, wk.dwT, out)
		if dx == nil {
			continue
		}
		if direct {
			gemmSerial(true, false, d, n, out, 1, w, d, dyg, n, 0, dx[b0*d*spatial:(b0+1)*d*spatial], n)
			continue
		}
		if c.sameRows() {
			c.inputGradSame(wk, dy, dx, b0, b1)
			continue
		}
		gemmSerial(true, false, d, n, out, 1, w, d, dyg, n, 0, wk.cols, n)
		img := c.In * c.h * c.w
		clear(dx[b0*img : b1*img])
		c.addPatchesT(wk.cols, dx, b0, b1)
	}
}

// group copies channels x spatial planes of samples [b0, b1) of the NCHW
// tensor src into dst as a channels x n matrix (n the group's positions,
// sample by sample); ungroup is its inverse.
func group[T Float](dst, src []T, b0, b1, channels, spatial int) {
	n := (b1 - b0) * spatial
	for b := b0; b < b1; b++ {
		img := src[b*channels*spatial : (b+1)*channels*spatial]
		for o := 0; o < channels; o++ {
			copy(dst[o*n+(b-b0)*spatial:], img[o*spatial:(o+1)*spatial])
		}
	}
}

func ungroup[T Float](dst, src []T, b0, b1, channels, spatial int) {
	n := (b1 - b0) * spatial
	for b := b0; b < b1; b++ {
		img := dst[b*channels*spatial : (b+1)*channels*spatial]
		for o := 0; o < channels; o++ {
			copy(img[o*spatial:(o+1)*spatial], src[o*n+(b-b0)*spatial:])
		}
	}
}

// addTransposed sets dw[o*d+r] += dwT[r*out+o].
func addTransposed[T Float](dw, dwT []T, out, d int) {
	dwT = dwT[:d*out]
	for o := 0; o < out; o++ {
		row := dw[o*d : (o+1)*d]
		for r := range row {
			row[r] += dwT[r*out+o]
		}
	}
}

// patchesT writes P^T of samples [b0, b1) of x into pt (d x n, n the
// group's output positions): row (ch, i, j), column (b-b0, oy, ox) holds
// x[b, ch, oy*s-p+i, ox*s-p+j], or 0 in the padding.
func (c *Conv2d[T]) patchesT(x, pt []T, b0, b1 int) {
	if c.sameRows() {
		c.patchesTSame(x, pt, b0, b1)
		return
	}
	if c.stride2Rows() {
		c.patchesT2(x, pt, b0, b1)
		return
	}
	k, s, p := c.Kernel, c.Stride, c.Padding
	h, w, oh, ow := c.h, c.w, c.oh, c.ow
	spatial := oh * ow
	n := (b1 - b0) * spatial
	for b := b0; b < b1; b++ {
		img := x[b*c.In*h*w : (b+1)*c.In*h*w]
		for ch := 0; ch < c.In; ch++ {
			plane := img[ch*h*w : (ch+1)*h*w]
			for i := 0; i < k; i++ {
				for j := 0; j < k; j++ {
					lo, hi := c.span[2*j], c.span[2*j+1]
					row := pt[((ch*k+i)*k+j)*n+(b-b0)*spatial:][:spatial]
					for oy := 0; oy < oh; oy++ {
						dst := row[oy*ow : (oy+1)*ow]
						iy := oy*s - p + i
						if iy < 0 || iy >= h || lo >= hi {
							clear(dst)
							continue
						}
						src := plane[iy*w : (iy+1)*w]
						clear(dst[:lo])
						if s == 1 {
							copy(dst[lo:hi], src[lo-p+j:])
						} else {
							for ox := lo; ox < hi; ox++ {
								dst[ox] = src[ox*s-p+j]
							}
						}
						clear(dst[hi:])
					}
				}
			}
		}
	}
}

// addPatchesT adds the patch gradient dpt (laid out as patchesT's) of
// samples [b0, b1) into their images in dx: the adjoint of patchesT.
func (c *Conv2d[T]) addPatchesT(dpt, dx []T, b0, b1 int) {
	if c.stride2Rows() {
		c.addPatchesT2(dpt, dx, b0, b1)
		return
	}
	k, s, p := c.Kernel, c.Stride, c.Padding
	h, w, oh, ow := c.h, c.w, c.oh, c.ow
	spatial := oh * ow
	n := (b1 - b0) * spatial
	for b := b0; b < b1; b++ {
		img := dx[b*c.In*h*w : (b+1)*c.In*h*w]
		for ch := 0; ch < c.In; ch++ {
			plane := img[ch*h*w : (ch+1)*h*w]
			for i := 0; i < k; i++ {
				for j := 0; j < k; j++ {
					lo, hi := c.span[2*j], c.span[2*j+1]
					row := dpt[((ch*k+i)*k+j)*n+(b-b0)*spatial:][:spatial]
					for oy := 0; oy < oh; oy++ {
						iy := oy*s - p + i
						if iy < 0 || iy >= h || lo >= hi {
							continue
						}
						src := row[oy*ow : (oy+1)*ow]
						dst := plane[iy*w : (iy+1)*w]
						if s == 1 {
							part := dst[lo-p+j : hi-p+j]
							for q, v := range src[lo:hi] {
								part[q] += v
							}
						} else {
							for ox := lo; ox < hi; ox++ {
								dst[ox*s-p+j] += src[ox]
							}
						}
					}
				}
			}
		}
	}
}
