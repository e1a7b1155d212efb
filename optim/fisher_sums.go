package optim

import (
	"fmt"

	"github.com/adafisher-go/landscape/nn"
)

// sumDiagonals is rawDiagonals for a diagonal capture (nn.Mode.Diagonal):
// the layer kept the column sums of squares of its rows (Linear, Conv2d) or
// its channel sums (BatchNorm2d) instead of the rows, and the official rules
// (reference sections 3.2 and 3.3) need nothing more. The divisors are those
// of rawDiagonals, applied the same way.
func sumDiagonals[T nn.Float](c *nn.Capture[T], h, s []float64) error {
	rows := c.Rows
	switch c.Kind {
	case nn.KindLinear, nn.KindConv2d:
		in := len(c.SumSqA)
		want := in
		if c.Bias {
			want++
		}
		if want != len(h) || len(c.SumSqG) != len(s) || rows < 1 {
			return fmt.Errorf("layer %s: diagonal capture of %d and %d columns over %d rows does not fit factors of %d and %d entries",
				c.Layer, in, len(c.SumSqG), rows, len(h), len(s))
		}
		copy(h, c.SumSqA)
		div := float64(rows)
		if c.Kind == nn.KindConv2d {
			// B * OH*OW * D, as rawDiagonals says.
			div = float64(rows) * float64(in)
		}
		scale(h[:in], 1/div)
		if c.Bias {
			h[in] = 1
			if c.Kind == nn.KindConv2d {
				h[in] = 1 / float64(in)
			}
		}
		copy(s, c.SumSqG)
		scale(s, 1/float64(rows))
	case nn.KindBatchNorm2d:
		ch := len(s)
		if len(c.SumA) != ch || len(c.SumG) != ch || c.Batch < 1 || c.Spatial < 1 {
			return fmt.Errorf("layer %s: BatchNorm2d diagonal capture of %d and %d channel sums for %d channels", c.Layer, len(c.SumA), len(c.SumG), ch)
		}
		// batchNormDiagonals with the channel sums given.
		b, hw := c.Batch, c.Spatial
		var sum float64
		for k := 0; k < ch; k++ {
			u := c.SumA[k] / float64(hw*hw)
			sum += u * u
			t := c.SumG[k]
			s[k] = t * t / float64(b)
		}
		bb := float64(b) * float64(b)
		h[0], h[1] = sum/bb, float64(ch)/bb
	default:
		return fmt.Errorf("layer %s: no diagonal capture for layer kind %s", c.Layer, c.Kind)
	}
	return nil
}
