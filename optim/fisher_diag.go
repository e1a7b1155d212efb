package optim

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/nn"
)

// Fresh Kronecker-factor diagonals of one layer, from what it captured on a
// refresh step, exactly as the official AdaFisher code computes them
// (reference sections 3.2 and 3.3). The sums are accumulated in float64.
//
// H is the activation side and S the gradient side. For Linear and Conv2d the
// bias entry comes last in H. For BatchNorm2d and LayerNorm H has two entries:
// one for the weight, one for the bias.

// diagLens returns the lengths of H and S for a layer.
func diagLens(kind nn.Kind, weight []int, bias bool) (h, s int, err error) {
	switch kind {
	case nn.KindLinear, nn.KindConv2d:
		if len(weight) < 2 {
			return 0, 0, fmt.Errorf("%s weight of shape %v", kind, weight)
		}
		h = 1
		for _, d := range weight[1:] {
			h *= d
		}
		if bias {
			h++
		}
		return h, weight[0], nil
	case nn.KindBatchNorm2d, nn.KindLayerNorm:
		if len(weight) != 1 {
			return 0, 0, fmt.Errorf("%s weight of shape %v", kind, weight)
		}
		return 2, weight[0], nil
	}
	return 0, 0, fmt.Errorf("no Fisher factors for layer kind %s", kind)
}

// rawDiagonals writes the fresh diagonals H_raw and S_raw of a captured layer
// into h and s, whose lengths diagLens gave.
func rawDiagonals[T nn.Float](c *nn.Capture[T], h, s []float64) error {
	if c.Diagonal {
		return sumDiagonals(c, h, s)
	}
	switch c.Kind {
	case nn.KindLinear:
		rows, cols := c.A.Rows()
		if err := checkDiag(c, cols, len(s), len(h)); err != nil {
			return err
		}
		colSumSquares(c.A.Data, rows, cols, h[:cols])
		scale(h[:cols], 1/float64(rows))
		if c.Bias {
			h[cols] = 1
		}
		colSumSquares(c.G.Data, rows, len(s), s)
		scale(s, 1/float64(rows))
	case nn.KindConv2d:
		// The official code divides the activation side by
		// B * OH*OW * D (its "spatial_size" multiplies both trailing
		// dimensions of the patch tensor), the gradient side by B*OH*OW.
		rows, d := c.A.Rows()
		if err := checkDiag(c, d, len(s), len(h)); err != nil {
			return err
		}
		colSumSquares(c.A.Data, rows, d, h[:d])
		scale(h[:d], 1/(float64(rows)*float64(d)))
		if c.Bias {
			h[d] = 1 / float64(d)
		}
		colSumSquares(c.G.Data, rows, len(s), s)
		scale(s, 1/float64(rows))
	case nn.KindBatchNorm2d:
		if len(c.A.Shape) != 4 || !nn.SameShape(c.A.Shape, c.G.Shape) || c.A.Shape[1] != len(s) {
			return fmt.Errorf("layer %s: BatchNorm2d capture of shapes %v and %v for %d channels", c.Layer, c.A.Shape, c.G.Shape, len(s))
		}
		batchNormDiagonals(c, c.A.Shape[0], c.A.Shape[1], c.A.Shape[2]*c.A.Shape[3], h, s)
	case nn.KindLayerNorm:
		// Activation side: reduce over every dimension but dim 1 (for a
		// B x T x D input that is the sequence, as the official code does);
		// gradient side: sum over every dimension but the last, squared.
		sh := c.A.Shape
		if len(sh) < 2 || !nn.SameShape(sh, c.G.Shape) || sh[len(sh)-1] != len(s) {
			return fmt.Errorf("layer %s: LayerNorm capture of shapes %v and %v for %d features", c.Layer, sh, c.G.Shape, len(s))
		}
		b, k := sh[0], sh[1]
		inner := 1
		for _, d := range sh[2:] {
			inner *= d
		}
		dimNorm := float64(inner)
		var sum float64
		for j := 0; j < k; j++ {
			u := channelSum(c.A.Data, b, k, inner, j) / (dimNorm * dimNorm)
			sum += u * u
		}
		bb := float64(b) * float64(b)
		h[0], h[1] = sum/bb, float64(k)/bb
		rows := len(c.G.Data) / len(s)
		colSumsInto(c.G.Data, rows, len(s), s)
		for j := range s {
			s[j] = s[j] * s[j] / float64(b)
		}
	default:
		return extendedDiagonals(c, h, s)
	}
	return nil
}

// batchNormDiagonals is the official BatchNorm2d rule on a capture of B x C x
// HW values: u[c] = sum over (b, hw) of the input / HW^2,
// H = [sum_c u[c]^2, C] / B^2 (weight, bias), S[c] = (sum over (b, hw) of
// the output gradient)^2 / B.
func batchNormDiagonals[T nn.Float](c *nn.Capture[T], b, ch, hw int, h, s []float64) {
	var sum float64
	for k := 0; k < ch; k++ {
		u := channelSum(c.A.Data, b, ch, hw, k) / float64(hw*hw)
		sum += u * u
		t := channelSum(c.G.Data, b, ch, hw, k)
		s[k] = t * t / float64(b)
	}
	bb := float64(b) * float64(b)
	h[0], h[1] = sum/bb, float64(ch)/bb
}

func checkDiag[T nn.Float](c *nn.Capture[T], in, out, hlen int) error {
	want := in
	if c.Bias {
		want++
	}
	_, gcols := c.G.Rows()
	if want != hlen || gcols != out || len(c.A.Data)/max(in, 1) != len(c.G.Data)/max(out, 1) {
		return fmt.Errorf("layer %s: captured rows %v and %v do not fit factors of %d and %d entries", c.Layer, c.A.Shape, c.G.Shape, hlen, out)
	}
	return nil
}

// colSumSquares sets dst[j] to the sum over rows of x[r,j]^2.
func colSumSquares[T nn.Float](x []T, rows, cols int, dst []float64) {
	clear(dst)
	if is32[T]() {
		var buf [4096]float32
		acc := buf[:0]
		if cols <= len(buf) {
			acc = buf[:cols]
		} else {
			acc = make([]float32, cols)
		}
		colSumSquares32(as32(x), rows, cols, dst, acc)
		return
	}
	x64 := as64(x)
	for r := 0; r < rows; r++ {
		row := x64[r*cols : r*cols+cols]
		d := dst[:len(row)]
		for j, v := range row {
			d[j] += v * v
		}
	}
}

// colSumSquares32 accumulates blocks of rows in float32 (exact enough for a
// few dozen squares) before adding into float64, which keeps the inner loop
// cheap on the hot path of per-step refreshes.
func colSumSquares32(x []float32, rows, cols int, dst []float64, acc []float32) {
	const block = 16
	for r0 := 0; r0 < rows; r0 += block {
		r1 := min(r0+block, rows)
		clear(acc)
		for r := r0; r < r1; r++ {
			row := x[r*cols : r*cols+cols]
			a := acc[:len(row)]
			for j, v := range row {
				a[j] += v * v
			}
		}
		for j, v := range acc {
			dst[j] += float64(v)
		}
	}
}

// colSumsInto sets dst[j] to the sum over rows of x[r,j].
func colSumsInto[T nn.Float](x []T, rows, cols int, dst []float64) {
	clear(dst)
	for r := 0; r < rows; r++ {
		row := x[r*cols : r*cols+cols]
		for j, v := range row {
			dst[j] += float64(v)
		}
	}
}

// channelSum sums channel k of a B x C x HW tensor. Each image's row of HW
// values is summed in T with four accumulators (exact enough for the few
// hundred values of a feature map, and several times faster than widening
// every element), the rows in float64.
func channelSum[T nn.Float](x []T, b, c, hw, k int) float64 {
	var sum float64
	for i := 0; i < b; i++ {
		row := x[(i*c+k)*hw : (i*c+k+1)*hw]
		var s0, s1, s2, s3 T
		j := 0
		for ; j+4 <= len(row); j += 4 {
			s0 += row[j]
			s1 += row[j+1]
			s2 += row[j+2]
			s3 += row[j+3]
		}
		for ; j < len(row); j++ {
			s0 += row[j]
		}
		sum += float64(s0) + float64(s1) + float64(s2) + float64(s3)
	}
	return sum
}

func scale(x []float64, f float64) {
	for i := range x {
		x[i] *= f
	}
}

// minMaxEps is the official code's min-max epsilon (1e-6 since May 2024).
const minMaxEps = 1e-6

// detectInf replaces +Inf with 1 and -Inf with 0, as smart_detect_inf does.
func detectInf(x []float64) {
	for i, v := range x {
		if math.IsInf(v, 1) {
			x[i] = 1
		} else if math.IsInf(v, -1) {
			x[i] = 0
		}
	}
}

// minMax scales x to [0, 1) in place: (x - min) / (max - min + eps). A
// constant vector, a vector of length one among them, becomes all zeros.
func minMax[T nn.Float](x []T, eps T) {
	if len(x) == 0 {
		return
	}
	lo, hi := x[0], x[0]
	for _, v := range x[1:] {
		lo = min(lo, v)
		hi = max(hi, v)
	}
	d := hi - lo + eps
	for i, v := range x {
		x[i] = (v - lo) / d
	}
}
