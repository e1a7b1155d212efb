package nn

import (
	"fmt"
	"math"
)

// MaxPool2d takes the maximum of each kernel x kernel window of an NCHW
// input, as torch.nn.MaxPool2d(kernel, stride) with no padding, no dilation
// and floor mode: OH = (H - kernel)/stride + 1, likewise OW. As in PyTorch,
// the first maximum of a window in row-major scan order is the one that
// receives the gradient, and a NaN counts as a maximum (the last NaN of a
// window, as PyTorch's scan has it).
type MaxPool2d[T Float] struct {
	Kernel, Stride int

	inShape []int
	arg     []int32 // per output element: index of its maximum in the input
	y, dx   Tensor[T]
}

// NewMaxPool2d returns a max-pooling layer.
func NewMaxPool2d[T Float](kernel, stride int) *MaxPool2d[T] {
	if kernel < 1 || stride < 1 {
		panic(fmt.Sprintf("nn.NewMaxPool2d: kernel %d, stride %d: want positive sizes", kernel, stride))
	}
	return &MaxPool2d[T]{Kernel: kernel, Stride: stride}
}

func (p *MaxPool2d[T]) Forward(x *Tensor[T], _ Mode) *Tensor[T] {
	if len(x.Shape) != 4 || x.Shape[2] < p.Kernel || x.Shape[3] < p.Kernel || len(x.Data) > math.MaxInt32 {
		panic(&ShapeError{Layer: "MaxPool2d", Got: append([]int(nil), x.Shape...),
			Want: fmt.Sprintf("[batch, C, H, W] with H and W at least %d", p.Kernel)})
	}
	k, s := p.Kernel, p.Stride
	planes, h, w := x.Shape[0]*x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow := (h-k)/s+1, (w-k)/s+1
	p.inShape = append(p.inShape[:0], x.Shape...)
	y := p.y.resize(x.Shape[0], x.Shape[1], oh, ow)
	if cap(p.arg) < len(y.Data) {
		p.arg = make([]int32, len(y.Data))
	}
	p.arg = p.arg[:len(y.Data)]
	o := 0
	for pl := 0; pl < planes; pl++ {
		base := pl * h * w
		plane := x.Data[base : base+h*w]
		for r := 0; r < oh; r++ {
			for c := 0; c < ow; c++ {
				start := r*s*w + c*s
				// The maximum by the max builtin and the index by a
				// conditional move: no branch depends on the data, which
				// random inputs would make unpredictable.
				best, arg := T(math.Inf(-1)), start
				for i := 0; i < k; i++ {
					row := plane[start+i*w : start+i*w+k]
					for j, v := range row {
						if v > best {
							arg = start + i*w + j
						}
						best = max(best, v)
					}
				}
				if best != best {
					// A NaN: PyTorch's scan keeps the last NaN.
					best, arg = T(math.Inf(-1)), start
					for i := 0; i < k; i++ {
						for j, v := range plane[start+i*w : start+i*w+k] {
							if v > best || v != v {
								best, arg = v, start+i*w+j
							}
						}
					}
				}
				y.Data[o] = best
				p.arg[o] = int32(base + arg)
				o++
			}
		}
	}
	return y
}

func (p *MaxPool2d[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !needInput {
		return nil
	}
	if len(dy.Data) != len(p.arg) {
		panic(&ShapeError{Layer: "MaxPool2d", Got: append([]int(nil), dy.Shape...), Want: fmt.Sprintf("output gradient of shape %v", p.y.Shape)})
	}
	dx := p.dx.resize(p.inShape...)
	dx.zero()
	for o, g := range dy.Data {
		dx.Data[p.arg[o]] += g
	}
	return dx
}
