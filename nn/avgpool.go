package nn

import "fmt"

// AvgPool2d averages each kernel x kernel window of an NCHW input, as
// torch.nn.AvgPool2d(kernel, stride) with no padding and floor mode:
// OH = (H - kernel)/stride + 1, likewise OW.
type AvgPool2d[T Float] struct {
	Kernel, Stride int

	inShape []int
	y, dx   Tensor[T]
}

// NewAvgPool2d returns an average-pooling layer.
func NewAvgPool2d[T Float](kernel, stride int) *AvgPool2d[T] {
	if kernel < 1 || stride < 1 {
		panic(fmt.Sprintf("nn.NewAvgPool2d: kernel %d, stride %d: want positive sizes", kernel, stride))
	}
	return &AvgPool2d[T]{Kernel: kernel, Stride: stride}
}

func (p *AvgPool2d[T]) outShape(x []int) (oh, ow int) {
	return (x[2]-p.Kernel)/p.Stride + 1, (x[3]-p.Kernel)/p.Stride + 1
}

func (p *AvgPool2d[T]) Forward(x *Tensor[T], _ Mode) *Tensor[T] {
	if len(x.Shape) != 4 || x.Shape[2] < p.Kernel || x.Shape[3] < p.Kernel {
		panic(&ShapeError{Layer: "AvgPool2d", Got: append([]int(nil), x.Shape...),
			Want: fmt.Sprintf("[batch, C, H, W] with H and W at least %d", p.Kernel)})
	}
	p.inShape = append(p.inShape[:0], x.Shape...)
	oh, ow := p.outShape(x.Shape)
	y := p.y.resize(x.Shape[0], x.Shape[1], oh, ow)
	p.apply(x.Data, y.Data)
	return y
}

// apply writes the window means of x (of the last input shape) into y.
func (p *AvgPool2d[T]) apply(x, y []T) {
	k, s := p.Kernel, p.Stride
	planes, h, w := p.inShape[0]*p.inShape[1], p.inShape[2], p.inShape[3]
	oh, ow := p.outShape(p.inShape)
	inv := 1 / float64(k*k)
	o := 0
	for pl := 0; pl < planes; pl++ {
		plane := x[pl*h*w : (pl+1)*h*w]
		for r := 0; r < oh; r++ {
			for c := 0; c < ow; c++ {
				var sum float64
				for i := 0; i < k; i++ {
					for _, v := range plane[(r*s+i)*w+c*s : (r*s+i)*w+c*s+k] {
						sum += float64(v)
					}
				}
				y[o] = T(sum * inv)
				o++
			}
		}
	}
}

// adjoint adds the adjoint of apply of dy into dx (zeroed by the caller).
func (p *AvgPool2d[T]) adjoint(dy, dx []T) {
	k, s := p.Kernel, p.Stride
	planes, h, w := p.inShape[0]*p.inShape[1], p.inShape[2], p.inShape[3]
	oh, ow := p.outShape(p.inShape)
	inv := T(1 / float64(k*k))
	o := 0
	for pl := 0; pl < planes; pl++ {
		plane := dx[pl*h*w : (pl+1)*h*w]
		for r := 0; r < oh; r++ {
			for c := 0; c < ow; c++ {
				g := dy[o] * inv
				o++
				for i := 0; i < k; i++ {
					row := plane[(r*s+i)*w+c*s : (r*s+i)*w+c*s+k]
					for j := range row {
						row[j] += g
					}
				}
			}
		}
	}
}

func (p *AvgPool2d[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !needInput {
		return nil
	}
	if len(dy.Data) != len(p.y.Data) {
		panic(&ShapeError{Layer: "AvgPool2d", Got: append([]int(nil), dy.Shape...), Want: fmt.Sprintf("output gradient of shape %v", p.y.Shape)})
	}
	dx := p.dx.resize(p.inShape...)
	dx.zero()
	p.adjoint(dy.Data, dx.Data)
	return dx
}

// GlobalAvgPool2d averages each channel of an NCHW input over its H x W
// positions and returns B x C: torch.nn.AdaptiveAvgPool2d(1) followed by
// flatten(1), the head of a ResNet.
type GlobalAvgPool2d[T Float] struct {
	inShape []int
	y, dx   Tensor[T]
}

func (p *GlobalAvgPool2d[T]) Forward(x *Tensor[T], _ Mode) *Tensor[T] {
	if len(x.Shape) != 4 || x.Shape[2]*x.Shape[3] == 0 {
		panic(&ShapeError{Layer: "GlobalAvgPool2d", Got: append([]int(nil), x.Shape...), Want: "[batch, C, H, W]"})
	}
	p.inShape = append(p.inShape[:0], x.Shape...)
	y := p.y.resize(x.Shape[0], x.Shape[1])
	p.apply(x.Data, y.Data)
	return y
}

func (p *GlobalAvgPool2d[T]) apply(x, y []T) {
	hw := p.inShape[2] * p.inShape[3]
	inv := 1 / float64(hw)
	for i := range y {
		var sum float64
		for _, v := range x[i*hw : (i+1)*hw] {
			sum += float64(v)
		}
		y[i] = T(sum * inv)
	}
}

func (p *GlobalAvgPool2d[T]) adjoint(dy, dx []T) {
	hw := p.inShape[2] * p.inShape[3]
	inv := T(1 / float64(hw))
	for i, g := range dy {
		row := dx[i*hw : (i+1)*hw]
		for j := range row {
			row[j] += g * inv
		}
	}
}

func (p *GlobalAvgPool2d[T]) Backward(dy *Tensor[T], needInput bool) *Tensor[T] {
	if !needInput {
		return nil
	}
	if len(dy.Data) != p.inShape[0]*p.inShape[1] {
		panic(&ShapeError{Layer: "GlobalAvgPool2d", Got: append([]int(nil), dy.Shape...), Want: fmt.Sprintf("output gradient of shape [%d %d]", p.inShape[0], p.inShape[1])})
	}
	dx := p.dx.resize(p.inShape...)
	dx.zero()
	p.adjoint(dy.Data, dx.Data)
	return dx
}
