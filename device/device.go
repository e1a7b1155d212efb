package device

import (
	"fmt"
	"unsafe"
)

// DType is the element type of a buffer.
type DType uint8

// Element types. I32 holds indices: labels, embedding rows, max-pooling
// positions.
const (
	F32 DType = iota + 1
	F64
	I32
)

// Size is the element size in bytes.
func (d DType) Size() int {
	switch d {
	case F32, I32:
		return 4
	case F64:
		return 8
	}
	return 0
}

func (d DType) String() string {
	switch d {
	case F32:
		return "float32"
	case F64:
		return "float64"
	case I32:
		return "int32"
	}
	return fmt.Sprintf("DType(%d)", uint8(d))
}

// Buffer is device memory of Len elements of one DType. A Buffer belongs to
// the Device that allocated it.
type Buffer interface {
	DType() DType
	Len() int
}

// Mat is a row-major matrix in a buffer: element (i, j) is at Off + i*LD + j.
// Stride is the distance between consecutive matrices of a batched GEMM.
type Mat struct {
	Buf             Buffer
	Off, LD, Stride int
}

// Act names an element-wise activation.
type Act uint8

// Activations, as torch.relu, torch.tanh, torch.sigmoid and the exact
// (erf) torch.nn.functional.gelu.
const (
	ReLU Act = iota + 1
	Tanh
	Sigmoid
	GELU
)

// ConvGeom is a 2-D convolution's shapes: input Batch x C x H x W, a square
// kernel K with Stride and Pad, output OH x OW (see nn.Conv2d).
type ConvGeom struct {
	Batch, C, H, W int
	K, Stride, Pad int
	OH, OW         int
}

// Patch is the number of columns of the patch matrix, C*K*K.
func (g ConvGeom) Patch() int { return g.C * g.K * g.K }

// Rows is the number of rows of the patch matrix, Batch*OH*OW.
func (g ConvGeom) Rows() int { return g.Batch * g.OH * g.OW }

// PoolGeom is a pooling window over Planes (batch times channels) planes
// of H x W: a square window K with Stride, no padding, floor mode.
type PoolGeom struct {
	Planes, H, W int
	K, Stride    int
}

// Out returns the output height and width.
func (g PoolGeom) Out() (oh, ow int) { return (g.H-g.K)/g.Stride + 1, (g.W-g.K)/g.Stride + 1 }

// NormArgs are a normalisation layer's sizes and constants: BatchNorm2d over
// Batch x C x HW, LayerNorm over Rows rows of D.
type NormArgs struct {
	Batch, C, HW int
	Rows, D      int
	Eps          float64
	Momentum     float64 // BatchNorm2d's running-statistics momentum
	Train        bool    // BatchNorm2d: batch statistics (and update the running ones)
}

// SGDCoef is one torch.optim.SGD step's settings; First marks the step that
// initialises the momentum buffers.
type SGDCoef struct {
	LR, Momentum, Dampening, WeightDecay float64
	Nesterov, First                      bool
}

// AdamCoef is one torch.optim.Adam or AdamW step on one parameter, the
// scalars computed by the host in float64 as optim.Adam does:
// NegStep = -(lr / (1 - beta1^t)), BC2Sqrt = sqrt(1 - beta2^t); WeightDecay
// is Adam's L2 coefficient (0 for none), Decay AdamW's factor 1 - lr*wd
// (1 for none).
type AdamCoef struct {
	Beta1, Beta2, Eps, WeightDecay float64
	Decay                          float64
	NegStep, BC2Sqrt               float64
}

// FisherCoef is one AdaFisher or AdaFisherW step on one parameter:
// BC = 1 - beta^t.
type FisherCoef struct {
	Beta, LR, BC, WeightDecay float64
	Decoupled                 bool
}

// Device runs the operations of a training step on its buffers. All
// buffers of one call share the float DType unless the method says
// otherwise; n counts elements. A Buffer argument documented as optional
// may be nil.
type Device interface {
	CurvatureOps
	// Name describes the device ("cpu", "opencl: Intel(R) ... (pocl)").
	Name() string
	// Float64 reports whether F64 buffers and operations are available.
	Float64() bool
	// Alloc returns a zeroed buffer of n elements.
	Alloc(dt DType, n int) (Buffer, error)
	// Free releases a buffer; it must not be used afterwards.
	Free(b Buffer)
	// Write copies src (whole elements of dst's type) to dst from element
	// off; Read copies from src at element off into dst. Both wait for the
	// operations queued before them.
	Write(dst Buffer, off int, src []byte) error
	Read(dst []byte, src Buffer, off int) error
	// Sync waits for the queued operations and returns Err.
	Sync() error
	// Err returns the first failure of an operation, or nil.
	Err() error
	// Close releases the device and everything allocated on it.
	Close() error

	// Gemm sets C = alpha*op(A)*op(B) + beta*C, op(A) m x k and op(B)
	// k x n (Stride unused). With beta 0, C is not read.
	Gemm(transA, transB bool, m, n, k int, alpha float64, a, b Mat, beta float64, c Mat)
	// GemmBatched is batch GEMMs, the i-th on the matrices at Off +
	// i*Stride of each operand.
	GemmBatched(transA, transB bool, m, n, k int, alpha float64, a, b Mat, beta float64, c Mat, batch int)

	// Fill sets x[off : off+n] to v.
	Fill(x Buffer, off, n int, v float64)
	// Copy sets dst[dOff : dOff+n] = src[sOff : sOff+n] (any DType).
	Copy(dst Buffer, dOff int, src Buffer, sOff int, n int)
	// Add sets dst = a + b element-wise (dst may be a or b).
	Add(dst, a, b Buffer, n int)
	// Mul sets dst = a * b element-wise (dst may be a or b): dropout with a
	// mask of 0 and 1/(1-p) drawn by the host as nn.Dropout draws it.
	Mul(dst, a, b Buffer, n int)
	// BroadcastRows sets every row of the rows x cols dst to src (cols).
	BroadcastRows(dst, src Buffer, rows, cols int)
	// SumRows adds the column sums of the rows x cols src into dst (cols),
	// row by row in the element type, as nn.Linear's bias gradient.
	SumRows(dst, src Buffer, rows, cols int)

	// Activation sets y = f(x); ActivationBackward sets dx = dy * f'(x),
	// reading y (ReLU, Tanh, Sigmoid) or x (GELU) of the forward pass.
	Activation(f Act, x, y Buffer, n int)
	ActivationBackward(f Act, x, y, dy, dx Buffer, n int)

	// Im2col fills the patch matrix, Rows() x Patch(): row (b, oh, ow),
	// column (c, i, j) holds x[b, c, oh*s-p+i, ow*s-p+j], 0 in the padding.
	Im2col(g ConvGeom, x, cols Buffer)
	// Col2im sets dx (Batch x C x H x W) to the adjoint of Im2col applied to
	// dcols.
	Col2im(g ConvGeom, dcols, dx Buffer)
	// ConvOutput sets y (Batch x out x OH x OW) from the rows
	// (Batch*OH*OW) x out of ymat, adding bias (optional, out).
	ConvOutput(g ConvGeom, out int, ymat, bias, y Buffer)
	// ConvGradRows sets grows ((Batch*OH*OW) x out) from dy (NCHW) and adds
	// the bias gradient into dbias (optional): per sample, the sum of the
	// channel's plane, as nn.Conv2d.
	ConvGradRows(g ConvGeom, out int, dy, grows, dbias Buffer)

	// BatchNorm2d's forward: xhat, y and invStd (C) from x, as
	// nn.BatchNorm2d; in training it updates runMean and runVar.
	BatchNormForward(a NormArgs, x, weight, bias, runMean, runVar, xhat, y, invStd Buffer)
	// BatchNormBackward adds the weight and bias gradients and sets dx
	// (optional).
	BatchNormBackward(a NormArgs, dy, xhat, weight, invStd, dweight, dbias, dx Buffer)
	// LayerNormForward normalises Rows rows of D: xhat, y, invStd (Rows).
	LayerNormForward(a NormArgs, x, weight, bias, xhat, y, invStd Buffer)
	// LayerNormBackward adds the weight and bias gradients and sets dx
	// (optional).
	LayerNormBackward(a NormArgs, dy, xhat, weight, invStd, dweight, dbias, dx Buffer)

	// MaxPool sets y and arg (I32: the input index of each maximum, the
	// first in scan order, a NaN winning as in PyTorch).
	MaxPool(g PoolGeom, x, y, arg Buffer)
	// MaxPoolBackward sets dx to the sum of the dy routed to each input.
	MaxPoolBackward(g PoolGeom, dy, arg, dx Buffer)
	// AvgPool and AvgPoolBackward are window means and their adjoint.
	AvgPool(g PoolGeom, x, y Buffer)
	AvgPoolBackward(g PoolGeom, dy, dx Buffer)
	// GlobalAvgPool sets y[i] to the mean of plane i (hw values);
	// GlobalAvgPoolBackward is its adjoint.
	GlobalAvgPool(planes, hw int, x, y Buffer)
	GlobalAvgPoolBackward(planes, hw int, dy, dx Buffer)

	// SoftmaxCrossEntropy writes, per row of the rows x cols logits, the
	// loss logsumexp(z) - z[label] into loss (rows) and 1 into correct
	// (I32, rows) where the first maximum is the label, else 0; grad
	// (optional) gets the gradient of the mean loss. Labels (I32) must lie
	// in [0, cols).
	SoftmaxCrossEntropy(rows, cols int, logits, labels, grad, loss, correct Buffer)

	// Embedding sets row i of y (n x dim) to row idx[i] (I32) of w;
	// EmbeddingBackward adds row i of dy into row idx[i] of dw, in order.
	Embedding(n, dim int, idx, w, y Buffer)
	EmbeddingBackward(n, dim int, idx, dy, dw Buffer)

	// CausalSoftmax replaces each t x t block of p (rows blocks) by the
	// softmax of its lower triangle row by row, zero above the diagonal.
	CausalSoftmax(blocks, t int, p Buffer)
	// CausalSoftmaxBackward replaces ds (the gradient of p) by the gradient
	// of the scores: p * (ds - rowsum(p*ds)) on the lower triangle, 0 above.
	CausalSoftmaxBackward(blocks, t int, p, ds Buffer)

	// SGD, Adam and FisherStep update one parameter p from its gradient g,
	// exactly as optim's kernels (buf optional: no momentum; f optional:
	// F = 1).
	SGD(p, g, buf Buffer, n int, c SGDCoef)
	Adam(p, g, m, v Buffer, n int, c AdamCoef)
	FisherStep(p, g, m, f Buffer, n int, c FisherCoef)

	// FisherRawDense writes a Linear (conv false) or Conv2d layer's fresh
	// diagonals from its capture: h (in, plus 1 with bias) from the rows x
	// in activations a, s (out) from the rows x out gradients g, with
	// optim's scaling, +-Inf replaced by 1 and 0.
	FisherRawDense(rows, in, out int, conv, bias bool, a, g, h, s Buffer)
	// FisherRawBatchNorm writes a BatchNorm2d layer's fresh diagonals
	// (h: 2, s: c) from its input and output gradient, b x c x hw.
	FisherRawBatchNorm(b, c, hw int, a, g, h, s Buffer)
	// FisherRawLayerNorm writes a LayerNorm layer's fresh diagonals (h: 2,
	// s: d) from its input and output gradient of shape b x k x inner
	// (inner a multiple of d, the normalised dimension).
	FisherRawLayerNorm(b, k, inner, d int, a, g, h, s Buffer)
	// FisherUpdate folds the fresh diagonal raw (n) into the factor state:
	// in reference mode state = (0.1g)*state + (0.01g)*MinMax(raw), in
	// paper mode avg = g*avg + (1-g)*raw and state = MinMax(avg); first
	// starts the state (and avg) from ones.
	FisherUpdate(state, avg, raw Buffer, n int, gamma float64, paper, first bool)
	// FisherBuildF sets fw[o*in+i] = s[o]*h[i] + lambda (out x in) and,
	// when fb is not nil, fb[o] = s[o]*h[in] + lambda.
	FisherBuildF(out, in int, s, h, fw, fb Buffer, lambda float64)
	LayerExtOps
}

// Write copies a host slice into dst from element off.
func Write[T float32 | float64 | int32](d Device, dst Buffer, off int, src []T) error {
	return d.Write(dst, off, bytesOf(src))
}

// Read copies from src at element off into a host slice.
func Read[T float32 | float64 | int32](d Device, dst []T, src Buffer, off int) error {
	return d.Read(bytesOf(dst), src, off)
}

// Upload allocates a buffer holding src.
func Upload[T float32 | float64 | int32](d Device, src []T) (Buffer, error) {
	b, err := d.Alloc(DTypeOf[T](), len(src))
	if err != nil {
		return nil, err
	}
	if err := Write(d, b, 0, src); err != nil {
		d.Free(b)
		return nil, err
	}
	return b, nil
}

// Download returns a host copy of b.
func Download[T float32 | float64 | int32](d Device, b Buffer) ([]T, error) {
	if b.DType() != DTypeOf[T]() {
		return nil, fmt.Errorf("device: reading a %s buffer as %s", b.DType(), DTypeOf[T]())
	}
	out := make([]T, b.Len())
	return out, Read(d, out, b, 0)
}

// DTypeOf returns the DType of T.
func DTypeOf[T float32 | float64 | int32]() DType {
	var z T
	switch any(z).(type) {
	case float32:
		return F32
	case float64:
		return F64
	}
	return I32
}

func bytesOf[T float32 | float64 | int32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z)))
}
