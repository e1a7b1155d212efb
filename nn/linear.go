package nn

import (
	"math"
	"math/rand/v2"
)

// Linear is y = x W^T + b with W of shape out x in, as torch.nn.Linear. Inputs
// with more than two dimensions are treated as rows of their last dimension.
type Linear[T Float] struct {
	name    string
	In, Out int
	Weight  *Param[T]
	Bias    *Param[T] // nil without bias

	x          *Tensor[T]
	y, dx      Tensor[T]
	shape      []int
	capture    bool
	diag       bool
	captured   Capture[T]
	capA, capG Tensor[T]
	has        bool
	// diagonal capture: column sums of squares of the input and output
	// gradient rows
	sumSqA, sumSqG []float64
}

// NewLinear returns a Linear layer named name; call Reset to initialise it.
func NewLinear[T Float](name string, in, out int, bias bool) *Linear[T] {
	l := &Linear[T]{name: name, In: in, Out: out, Weight: newParam[T](name, "weight", out, in)}
	if bias {
		l.Bias = newParam[T](name, "bias", out)
	}
	return l
}

func (l *Linear[T]) Name() string { return l.name }
func (l *Linear[T]) Kind() Kind   { return KindLinear }

func (l *Linear[T]) Params() []*Param[T] {
	if l.Bias == nil {
		return []*Param[T]{l.Weight}
	}
	return []*Param[T]{l.Weight, l.Bias}
}

// Reset draws the weights and bias from U(-1/sqrt(in), 1/sqrt(in)), which is
// what PyTorch's default initialisation (kaiming_uniform with a = sqrt(5))
// amounts to.
func (l *Linear[T]) Reset(rng *rand.Rand) {
	bound := 1 / math.Sqrt(float64(l.In))
	uniform(rng, l.Weight.Value.Data, bound)
	if l.Bias != nil {
		uniform(rng, l.Bias.Value.Data, bound)
	}
}

func uniform[T Float](rng *rand.Rand, s []T, bound float64) {
	for i := range s {
		s[i] = T((2*rng.Float64() - 1) * bound)
	}
}

func (l *Linear[T]) Forward(x *Tensor[T], mode Mode) *Tensor[T] {
	rows, cols := x.Rows()
	if cols != l.In {
		panic(shapeError(l.name, x, l.In))
	}
	l.x = x
	l.capture = mode.Capture
	l.diag = mode.diagonal()
	l.has = false
	l.shape = append(l.shape[:0], x.Shape...)
	l.shape[len(l.shape)-1] = l.Out
	y := l.y.resize(l.shape...)
	if l.Bias != nil {
		b := l.Bias.Value.Data
		for r := 0; r < rows; r++ {
			copy(y.Data[r*l.Out:(r+1)*l.Out], b)
		}
		Gemm(false, true, rows, l.Out, l.In, 1, x.Data, l.In, l.Weight.Value.Data, l.In, 1, y.Data, l.Out)
	} else {
		Gemm(false, true, rows, l.Out, l.In, 1, x.Data, l.In, l.Weight.Value.Data, l.In, 0, y.Data, l.Out)
	}
	return y
}

func (l *Linear[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	rows, _ := l.x.Rows()
	Gemm(true, false, l.Out, l.In, rows, 1, dy.Data, l.Out, l.x.Data, l.In, 1, l.Weight.Grad.Data, l.In)
	if l.Bias != nil {
		db := l.Bias.Grad.Data
		for r := 0; r < rows; r++ {
			row := dy.Data[r*l.Out : (r+1)*l.Out]
			for j, v := range row {
				db[j] += v
			}
		}
	}
	if l.capture {
		batch := rows
		if len(l.x.Shape) > 0 {
			batch = l.x.Shape[0]
		}
		l.has = true
		if l.diag {
			l.sumSqA = grow(l.sumSqA, l.In)
			l.sumSqG = grow(l.sumSqG, l.Out)
			colSquares(l.x.Data, rows, l.In, l.sumSqA)
			colSquares(dy.Data, rows, l.Out, l.sumSqG)
			l.captured = Capture[T]{
				Layer: l.name, Kind: KindLinear, Bias: l.Bias != nil,
				Batch: batch, Spatial: rows / max(batch, 1),
				Diagonal: true, Rows: rows, SumSqA: l.sumSqA, SumSqG: l.sumSqG,
			}
		} else {
			l.captureRows(rows, batch, dy)
		}
	}
	if !needInput {
		return nil
	}
	dx := l.dx.resize(l.x.Shape...)
	Gemm(false, false, rows, l.In, l.Out, 1, dy.Data, l.Out, l.Weight.Value.Data, l.In, 0, dx.Data, l.In)
	return dx
}

// captureRows keeps the rows of the input and of the output gradient (as
// views, nothing is copied).
func (l *Linear[T]) captureRows(rows, batch int, dy *Tensor[T]) {
	l.capA.Data, l.capA.Shape = l.x.Data, append(l.capA.Shape[:0], rows, l.In)
	l.capG.Data, l.capG.Shape = dy.Data, append(l.capG.Shape[:0], rows, l.Out)
	l.captured = Capture[T]{
		Layer: l.name, Kind: KindLinear, Bias: l.Bias != nil,
		A: &l.capA, G: &l.capG,
		Batch: batch, Spatial: rows / max(batch, 1),
	}
}

func (l *Linear[T]) Captured() *Capture[T] {
	if !l.has {
		return nil
	}
	return &l.captured
}
