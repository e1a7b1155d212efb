package device

// GroupArgs are a GroupNorm layer's sizes: Batch x C x HW values, the C
// channels in Groups groups of C/Groups consecutive channels, and its eps.
type GroupArgs struct {
	Batch, C, HW, Groups int
	Eps                  float64
}

// LayerExtOps are the operations of the layers added after the first
// backend: nn.Softmax, nn.GroupNorm, and the fresh diagonals of AdaFisher's
// extended Embedding factors (optim/fisher_extend.go). BatchNorm1d needs no
// operation of its own: it is BatchNormForward and BatchNormBackward on the
// B x C x L input viewed as B x C x L x 1, as nn.BatchNorm1d computes it,
// and its extended factors are FisherRawBatchNorm's with hw = L.
type LayerExtOps interface {
	// SoftmaxForward sets each row of the rows x cols y to the softmax of
	// that row of x, as nn.Softmax (the exponentials and their sum in
	// float64, the row maximum subtracted first).
	SoftmaxForward(rows, cols int, x, y Buffer)
	// SoftmaxBackward sets dx = y * (dy - rowsum(y*dy)) from the forward
	// pass's output y, the row sums in the element type, as nn.Softmax.
	SoftmaxBackward(rows, cols int, y, dy, dx Buffer)

	// GroupNormForward normalises each group of each sample with the
	// group's mean and biased variance (float64, two passes) and applies
	// the per-channel weight and bias: xhat, y and invStd (Batch*Groups),
	// as nn.GroupNorm.
	GroupNormForward(a GroupArgs, x, weight, bias, xhat, y, invStd Buffer)
	// GroupNormBackward adds the weight and bias gradients (summed per
	// channel in the element type, samples then positions in order) and
	// sets dx (optional).
	GroupNormBackward(a GroupArgs, dy, xhat, weight, invStd, dweight, dbias, dx Buffer)

	// FisherRawEmbedding writes an Embedding layer's fresh diagonals from
	// its capture of n lookups: h[v] (num) = the number of lookups of row
	// v over n, s[j] (dim) = the mean over the n rows of the n x dim
	// output gradient g squared. The indices idx (I32) must lie in
	// [0, num).
	FisherRawEmbedding(n, num, dim int, idx, g, h, s Buffer)
}
