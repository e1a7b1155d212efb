package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Conv2d is a 2-D convolution over NCHW inputs with a square kernel, as
// torch.nn.Conv2d(in, out, kernel, stride, padding, bias=bias): the weight is
// out x in x k x k and the output is B x out x OH x OW with
// OH = (H + 2*padding - k)/stride + 1 (floor), likewise OW.
//
// It runs as matrix products on patch matrices built a few samples at a time
// (conv2d_engine.go), so that no patch matrix of the whole batch is kept. A
// capture pass also builds the whole batch's patch matrix, one row per
// output position (b, oh, ow) and one column per weight entry (c, i, j), and
// exposes it with the rows of the output gradient; a diagonal capture
// (Mode.Diagonal) keeps only their column sums of squares
// (conv2d_diag.go).
type Conv2d[T Float] struct {
	name                    string
	In, Out                 int
	Kernel, Stride, Padding int
	Weight                  *Param[T]
	Bias                    *Param[T] // nil without bias

	x                   *Tensor[T]
	batch, h, w, oh, ow int
	cols                Tensor[T] // (B*OH*OW) x (In*k*k) patches, on capture steps
	g                   Tensor[T] // (B*OH*OW) x Out rows of the output gradient, on capture steps
	work                []*convWork[T]
	y, dx               Tensor[T]
	span                []int // per kernel column j: the output columns [lo, hi) inside the image
	capture, diag, has  bool
	captured            Capture[T]
	sumSqA, sumSqG      []float64 // diagonal capture: column sums of squares of A and G
	task                convTask[T]
}

// NewConv2d returns a Conv2d layer named name; call Reset to initialise it.
func NewConv2d[T Float](name string, in, out, kernel, stride, padding int, bias bool) *Conv2d[T] {
	if in < 1 || out < 1 || kernel < 1 || stride < 1 || padding < 0 {
		panic(fmt.Sprintf("nn.NewConv2d %s: in %d, out %d, kernel %d, stride %d, padding %d: want positive sizes and padding >= 0",
			name, in, out, kernel, stride, padding))
	}
	c := &Conv2d[T]{name: name, In: in, Out: out, Kernel: kernel, Stride: stride, Padding: padding,
		Weight: newParam[T](name, "weight", out, in, kernel, kernel)}
	if bias {
		c.Bias = newParam[T](name, "bias", out)
	}
	return c
}

func (c *Conv2d[T]) Name() string { return c.name }
func (c *Conv2d[T]) Kind() Kind   { return KindConv2d }

func (c *Conv2d[T]) Params() []*Param[T] {
	if c.Bias == nil {
		return []*Param[T]{c.Weight}
	}
	return []*Param[T]{c.Weight, c.Bias}
}

// Reset draws the weights and bias from U(-1/sqrt(fan_in), 1/sqrt(fan_in))
// with fan_in = in*k*k, which is PyTorch's default initialisation.
func (c *Conv2d[T]) Reset(rng *rand.Rand) {
	bound := 1 / math.Sqrt(float64(c.In*c.Kernel*c.Kernel))
	uniform(rng, c.Weight.Value.Data, bound)
	if c.Bias != nil {
		uniform(rng, c.Bias.Value.Data, bound)
	}
}

// outSize is the output length of one spatial dimension, or 0 when the
// padded input is shorter than the kernel.
func (c *Conv2d[T]) outSize(n int) int {
	if n+2*c.Padding < c.Kernel {
		return 0
	}
	return (n+2*c.Padding-c.Kernel)/c.Stride + 1
}

func (c *Conv2d[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	if len(x.Shape) != 4 || x.Shape[1] != c.In || c.outSize(x.Shape[2]) == 0 || c.outSize(x.Shape[3]) == 0 {
		panic(&ShapeError{Layer: c.name, Got: append([]int(nil), x.Shape...),
			Want: fmt.Sprintf("[batch, %d, H, W] with H and W at least %d", c.In, max(c.Kernel-2*c.Padding, 1))})
	}
	c.x = x
	c.capture = mode.Capture
	c.diag = mode.diagonal()
	c.has = false
	c.batch, c.h, c.w = x.Shape[0], x.Shape[2], x.Shape[3]
	c.oh, c.ow = c.outSize(c.h), c.outSize(c.w)
	c.setSpan()
	if c.capture && !c.diag {
		c.cols.resize(c.batch*c.oh*c.ow, c.In*c.Kernel*c.Kernel)
		c.im2col(x.Data, c.cols.Data)
	}
	y := c.y.resize(c.batch, c.Out, c.oh, c.ow)
	c.forwardGroups(y.Data)
	return y
}

// setSpan records, for each kernel column j, the output columns ow whose input
// column ow*stride - padding + j lies inside the image: [span[2j],
// span[2j+1]).
func (c *Conv2d[T]) setSpan() {
	k, s, p := c.Kernel, c.Stride, c.Padding
	if cap(c.span) < 2*k {
		c.span = make([]int, 2*k)
	}
	c.span = c.span[:2*k]
	for j := 0; j < k; j++ {
		// 0 <= ow*s - p + j <= w-1
		lo := 0
		if p > j {
			lo = (p - j + s - 1) / s
		}
		hi := 0
		if last := c.w - 1 + p - j; last >= 0 {
			hi = last/s + 1
		}
		hi = min(hi, c.ow)
		lo = min(lo, hi)
		c.span[2*j], c.span[2*j+1] = lo, hi
	}
}

// im2col fills the patch matrix of x, an input of the shape of the last
// Forward, into cols: row (b, oh, ow), column (ch, i, j) holds
// x[b, ch, oh*s-p+i, ow*s-p+j], or 0 in the padding. The R-operator uses it
// for the patches of R{x}.
//
// It works on the block of OW rows of one output row at a time (a few KiB,
// which stays in L1) and fills it column by column, so that each input row is
// read contiguously and the inner loop is a plain strided copy.
// Samples are filled in parallel.
func (c *Conv2d[T]) im2col(x, cols []T) {
	d := c.In * c.Kernel * c.Kernel
	if !worthParallel(c.batch, c.oh*c.ow*d) {
		c.im2colSamples(x, cols, 0, c.batch)
		return
	}
	c.parallel(convIm2col, c.batch, x, cols, nil, nil, 0, 0)
}

// im2colSamples fills the patch rows of samples [b0, b1).
func (c *Conv2d[T]) im2colSamples(x, cols []T, b0, b1 int) {
	k, s, p := c.Kernel, c.Stride, c.Padding
	h, w, oh, ow := c.h, c.w, c.oh, c.ow
	d := c.In * k * k
	for b := b0; b < b1; b++ {
		img := x[b*c.In*h*w : (b+1)*c.In*h*w]
		for y := 0; y < oh; y++ {
			block := cols[(b*oh+y)*ow*d : (b*oh+y+1)*ow*d]
			ih0 := y*s - p
			for ch := 0; ch < c.In; ch++ {
				plane := img[ch*h*w : (ch+1)*h*w]
				for i := 0; i < k; i++ {
					ih := ih0 + i
					col0 := (ch*k + i) * k
					if ih < 0 || ih >= h {
						for xo := 0; xo < ow; xo++ {
							clear(block[xo*d+col0 : xo*d+col0+k])
						}
						continue
					}
					src := plane[ih*w : (ih+1)*w]
					for j := 0; j < k; j++ {
						lo, hi := c.span[2*j], c.span[2*j+1]
						dst := block[col0+j:]
						for xo := 0; xo < lo; xo++ {
							dst[xo*d] = 0
						}
						if s == 1 {
							for q, v := range src[lo-p+j : hi-p+j] {
								dst[(lo+q)*d] = v
							}
						} else {
							for xo := lo; xo < hi; xo++ {
								dst[xo*d] = src[xo*s-p+j]
							}
						}
						for xo := hi; xo < ow; xo++ {
							dst[xo*d] = 0
						}
					}
				}
			}
		}
	}
}

// col2im adds the patch gradient dcols into dx (zeroed by the caller): the
// adjoint of im2col, in the same order.
// Samples are done in parallel (each writes its own image).
func (c *Conv2d[T]) col2im(dcols, dx []T) {
	d := c.In * c.Kernel * c.Kernel
	if !worthParallel(c.batch, c.oh*c.ow*d) {
		c.col2imSamples(dcols, dx, 0, c.batch)
		return
	}
	c.parallel(convCol2im, c.batch, dcols, dx, nil, nil, 0, 0)
}

// col2imSamples adds the patch gradients of samples [b0, b1) into their
// images.
func (c *Conv2d[T]) col2imSamples(dcols, dx []T, b0, b1 int) {
	k, s, p := c.Kernel, c.Stride, c.Padding
	h, w, oh, ow := c.h, c.w, c.oh, c.ow
	d := c.In * k * k
	for b := b0; b < b1; b++ {
		img := dx[b*c.In*h*w : (b+1)*c.In*h*w]
		for y := 0; y < oh; y++ {
			block := dcols[(b*oh+y)*ow*d : (b*oh+y+1)*ow*d]
			ih0 := y*s - p
			for ch := 0; ch < c.In; ch++ {
				plane := img[ch*h*w : (ch+1)*h*w]
				for i := 0; i < k; i++ {
					ih := ih0 + i
					if ih < 0 || ih >= h {
						continue
					}
					col0 := (ch*k + i) * k
					dst := plane[ih*w : (ih+1)*w]
					for j := 0; j < k; j++ {
						lo, hi := c.span[2*j], c.span[2*j+1]
						src := block[col0+j:]
						if s == 1 {
							part := dst[lo-p+j : hi-p+j]
							for q := range part {
								part[q] += src[(lo+q)*d]
							}
						} else {
							for xo := lo; xo < hi; xo++ {
								dst[xo*s-p+j] += src[xo*d]
							}
						}
					}
				}
			}
		}
	}
}

func (c *Conv2d[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	c.captureGradient(dy)
	if !needInput {
		c.backwardGroups(dy.Data, nil)
		return nil
	}
	dx := c.dx.resize(c.x.Shape...)
	c.backwardGroups(dy.Data, dx.Data)
	return dx
}

// backwardInPlace writes the input gradient over dy when the two have the
// same shape: each group of samples reads its part of dy before it writes
// the same part of dx (conv2d_engine.go). A 1x1 convolution that reads its
// input in place does not.
func (c *Conv2d[T]) backwardInPlace(dy *Tensor[T]) bool {
	if c.direct() || !SameShape(dy.Shape, c.x.Shape) {
		return false
	}
	c.captureGradient(dy)
	c.backwardGroups(dy.Data, dy.Data)
	return true
}

// captureGradient checks dy's size and, on a capture step, keeps its rows
// for Captured.
func (c *Conv2d[T]) captureGradient(dy *Tensor[T]) {
	spatial := c.oh * c.ow
	rows, out := c.batch*spatial, c.Out
	if len(dy.Data) != rows*out {
		panic(&ShapeError{Layer: c.name, Got: append([]int(nil), dy.Shape...),
			Want: fmt.Sprintf("output gradient of shape [%d %d %d %d]", c.batch, out, c.oh, c.ow)})
	}
	if c.diag {
		// backwardGroups fills sumSqG.
		c.sumSqG = grow(c.sumSqG, out)
		c.captured = Capture[T]{
			Layer: c.name, Kind: KindConv2d, Bias: c.Bias != nil,
			Batch: c.batch, Spatial: spatial, OutH: c.oh, OutW: c.ow,
			Diagonal: true, Rows: rows, SumSqA: c.sumSqA, SumSqG: c.sumSqG,
		}
		c.has = true
	} else if c.capture {
		// The rows of dy: row (b, oh, ow), column o.
		g := c.g.resize(rows, out)
		for b := 0; b < c.batch; b++ {
			gb := g.Data[b*spatial*out : (b+1)*spatial*out]
			for o := 0; o < out; o++ {
				for p, v := range dy.Data[(b*out+o)*spatial : (b*out+o+1)*spatial] {
					gb[p*out+o] = v
				}
			}
		}
		c.captured = Capture[T]{
			Layer: c.name, Kind: KindConv2d, Bias: c.Bias != nil,
			A: &c.cols, G: &c.g,
			Batch: c.batch, Spatial: spatial, OutH: c.oh, OutW: c.ow,
		}
		c.has = true
	}
}

func (c *Conv2d[T]) Captured() *Capture[T] {
	if !c.has {
		return nil
	}
	return &c.captured
}
