package nn

// Mode tells a forward pass how to behave.
type Mode struct {
	// Train selects training behaviour (batch statistics in BatchNorm,
	// dropout active). Evaluation uses running statistics.
	Train bool
	// Capture asks every layer with parameters to keep its curvature
	// inputs for this pass (see Capture). It costs nothing when false.
	Capture bool
	// Diagonal, with Capture, asks only for what diagonal Kronecker
	// factors are built from: Linear, Conv2d and BatchNorm2d then keep
	// sums over their rows (Capture.SumSqA and friends) instead of the
	// rows, which spares a Conv2d its whole-batch patch matrix. Other
	// layers capture as usual.
	Diagonal bool
}

// diagonal reports whether the pass keeps diagonal sums only.
func (m Mode) diagonal() bool { return m.Capture && m.Diagonal }

// Layer is one differentiable stage of a model.
//
// Forward returns a tensor owned by the layer, valid until its next Forward.
// Backward takes the gradient of the loss with respect to the layer's last
// output, adds the gradients of its parameters into their Grad tensors, and
// returns the gradient with respect to its input (nil when needInput is
// false, which lets the first layer skip that work).
type Layer[T Float] interface {
	Forward(x *Tensor[T], mode Mode) *Tensor[T]
	Backward(dy *Tensor[T], needInput bool) *Tensor[T]
}

// Kind names the type of a layer with parameters, as PyTorch's class name.
type Kind string

// Layer kinds that own parameters.
const (
	KindLinear      Kind = "Linear"
	KindConv2d      Kind = "Conv2d"
	KindBatchNorm2d Kind = "BatchNorm2d"
	KindLayerNorm   Kind = "LayerNorm"
	KindBatchNorm1d Kind = "BatchNorm1d"
	KindGroupNorm   Kind = "GroupNorm"
	KindEmbedding   Kind = "Embedding"
)

// ParamLayer is a layer that owns parameters. Its name is the PyTorch module
// path ("fc1", "layer1.0.conv2"); its parameters are named "<name>.weight"
// and "<name>.bias".
type ParamLayer[T Float] interface {
	Layer[T]
	Name() string
	Kind() Kind
	Params() []*Param[T]
	// Captured returns what the last capture pass kept, or nil when the
	// last forward and backward pass did not capture.
	Captured() *Capture[T]
}

// BufferLayer is a layer with non-trainable state that is saved with the
// model (BatchNorm running statistics).
type BufferLayer[T Float] interface {
	Buffers() []*Buffer[T]
}

// Container is a layer made of other layers (a residual block, a sequence).
type Container[T Float] interface {
	Children() []Layer[T]
}

// Param is a trainable tensor and its gradient. Layer names the layer that
// owns it ("" for a free-standing parameter) and Role what it is there
// ("weight" or "bias"): ownership is explicit data, never inferred from
// position or shape.
type Param[T Float] struct {
	Name  string
	Layer string
	Role  string
	Value *Tensor[T]
	Grad  *Tensor[T]
}

func newParam[T Float](layer, role string, shape ...int) *Param[T] {
	return &Param[T]{
		Name:  layer + "." + role,
		Layer: layer,
		Role:  role,
		Value: NewTensor[T](shape...),
		Grad:  NewTensor[T](shape...),
	}
}

// Buffer is named non-trainable state. Exactly one of Value and Count is set:
// Count holds integer state such as BatchNorm's num_batches_tracked, which
// PyTorch stores as int64.
type Buffer[T Float] struct {
	Name  string
	Value *Tensor[T]
	Count *int64
}

// Capture is what a layer with parameters keeps on a capture pass: the rows of
// its input and the rows of the gradient of the loss with respect to its
// output, from the same forward and backward pass. The tensors alias the
// layer's own buffers: read them before the next forward pass.
//
//   - Linear: A is N x in (N = product of leading dims), G is N x out. When
//     Bias is set the factor's input rows are [A, 1]: the ones column is
//     implied rather than stored, so that capture copies nothing.
//   - Conv2d: A is the im2col patch matrix, (B*OH*OW) x (Cin*kh*kw) with the
//     feature order (c, i, j) of the weight; G is (B*OH*OW) x Cout.
//   - BatchNorm2d: A is the layer input and G the output gradient, both
//     B x C x H x W.
//   - LayerNorm: A is the layer input and G the output gradient, in the
//     input's shape (B x ... x D).
//   - BatchNorm1d: A is the layer input and G the output gradient, both
//     B x C or B x C x L (Spatial is L, 1 for a B x C input).
//   - GroupNorm: A is the layer input and G the output gradient, both
//     B x C x ... (Spatial is the product of the trailing dimensions).
//   - Embedding: A holds the N looked-up indices as values of T, shape [N]
//     (N = product of the input's dimensions); G is N x D, the gradient of
//     the rows that were looked up.
type Capture[T Float] struct {
	Layer string
	Kind  Kind
	Bias  bool
	A     *Tensor[T]
	G     *Tensor[T]
	// Batch is the number of samples B; Spatial is OH*OW for Conv2d
	// (so the rows of A and G number Batch*Spatial) and 1 for Linear on 2-D
	// inputs.
	Batch   int
	Spatial int
	// OutH and OutW are a Conv2d's output height and width.
	OutH, OutW int

	// A diagonal capture (Mode.Diagonal) of a Linear, Conv2d or
	// BatchNorm2d leaves A and G nil and sets Diagonal and Rows (the
	// number of rows A and G would have: Batch*Spatial for Linear and
	// Conv2d, Batch*H*W for BatchNorm2d) and, accumulated in float64:
	//   - Linear, Conv2d: SumSqA[j], the sum over the rows of A[r,j]^2
	//     (no entry for the implied ones column), and SumSqG[o], that of
	//     G[r,o]^2: the diagonals of A^T A and G^T G;
	//   - BatchNorm2d: SumA[c] and SumG[c], the sums of channel c of the
	//     input and of the output gradient over (B, H, W).
	// The slices alias the layer's buffers, as A and G do.
	Diagonal       bool
	Rows           int
	SumSqA, SumSqG []float64
	SumA, SumG     []float64
}
