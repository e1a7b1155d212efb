package optim

import (
	"fmt"

	"github.com/adafisher-go/landscape/nn"
)

// Factor diagonals for the layer kinds the official AdaFisher code does not
// support (reference section 3.1), derived from the same principle and used
// only when FisherConfig.Extend is set (--fisher-extend, or --fisher-mode
// paper); otherwise their parameters get F = 1, as the official code gives
// them. The derivations are in the README ("AdaFisher on Embedding and
// BatchNorm1d"):
//
//   - Embedding (weight num x dim): the layer is a bias-free Linear layer
//     whose input rows are one-hot vectors e_id, y = W^T e_id. The Linear rule
//     H[i] = mean over rows of a_i^2, S[o] = mean over rows of g_o^2 gives
//     H[v] = (number of times index v was looked up) / N, the index
//     frequency in the batch, and S[d] = mean over the N rows of g[n,d]^2.
//     The weight's entry (v, d) takes F = S[d]*H[v] + Lambda: the Linear
//     layout transposed, since an Embedding's weight is in x out.
//   - BatchNorm1d: on a B x C x L input (L = 1 for B x C) it is exactly
//     BatchNorm2d on the B x C x L x 1 view, so it takes the official
//     BatchNorm2d rule with H*W = L: H = [sum_c u[c]^2, C] / B^2 with
//     u[c] = (sum over b, l of the input) / L^2, S[c] = (sum over b, l of the
//     output gradient)^2 / B. A BatchNorm1d and the equivalent BatchNorm2d get
//     the same preconditioner.

// extendedDiagLens returns the diagonal lengths of an extended kind.
func extendedDiagLens(kind nn.Kind, weight []int) (h, s int, err error) {
	switch kind {
	case nn.KindEmbedding:
		if len(weight) != 2 {
			return 0, 0, fmt.Errorf("Embedding weight of shape %v", weight)
		}
		return weight[0], weight[1], nil
	case nn.KindBatchNorm1d:
		if len(weight) != 1 {
			return 0, 0, fmt.Errorf("BatchNorm1d weight of shape %v", weight)
		}
		return 2, weight[0], nil
	}
	return 0, 0, fmt.Errorf("no Fisher factors for layer kind %s", kind)
}

// extendedDiagonals writes the fresh diagonals of an extended kind.
func extendedDiagonals[T nn.Float](c *nn.Capture[T], h, s []float64) error {
	switch c.Kind {
	case nn.KindEmbedding:
		n := len(c.A.Data)
		if len(c.G.Data) != n*len(s) || n == 0 {
			return fmt.Errorf("layer %s: Embedding capture of %d indices and gradient %v for %d x %d factors", c.Layer, n, c.G.Shape, len(h), len(s))
		}
		clear(h)
		for _, v := range c.A.Data {
			k := int(v)
			if k < 0 || k >= len(h) {
				return fmt.Errorf("layer %s: index %v outside the table of %d rows", c.Layer, v, len(h))
			}
			h[k]++
		}
		scale(h, 1/float64(n))
		colSumSquares(c.G.Data, n, len(s), s)
		scale(s, 1/float64(n))
	case nn.KindBatchNorm1d:
		sh := c.A.Shape
		if (len(sh) != 2 && len(sh) != 3) || !nn.SameShape(sh, c.G.Shape) || sh[1] != len(s) {
			return fmt.Errorf("layer %s: BatchNorm1d capture of shapes %v and %v for %d channels", c.Layer, sh, c.G.Shape, len(s))
		}
		l := 1
		if len(sh) == 3 {
			l = sh[2]
		}
		batchNormDiagonals(c, sh[0], sh[1], l, h, s)
	default:
		return fmt.Errorf("layer %s: no Fisher factors for kind %s", c.Layer, c.Kind)
	}
	return nil
}
