package nn

// The R-operators of the layers that only move values: Flatten and
// MaxPool2d.

// Flatten reshapes; so do its R-operators.
type rFlatten[T Float] struct {
	f       *Flatten[T]
	inShape []int
	ry, rdx Tensor[T]
}

func (n *rFlatten[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	y := n.f.Forward(x, mode)
	n.inShape = append(n.inShape[:0], x.Shape...)
	if rx == nil {
		return y, nil
	}
	n.ry.Data = rx.Data
	n.ry.Shape = append(n.ry.Shape[:0], y.Shape...)
	return y, &n.ry
}

func (n *rFlatten[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx := n.f.Backward(dy, needInput)
	if rdy == nil || !needInput {
		return dx, nil
	}
	n.rdx.Data = rdy.Data
	n.rdx.Shape = append(n.rdx.Shape[:0], n.inShape...)
	return dx, &n.rdx
}

// MaxPool2d is linear where it is differentiable: R{y} picks R{x} at each
// window's maximum and R{dx} scatters R{dy} back there.
type rMaxPool[T Float] struct {
	p       *MaxPool2d[T]
	ry, rdx Tensor[T]
}

func (n *rMaxPool[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	y := n.p.Forward(x, mode)
	if rx == nil {
		return y, nil
	}
	ry := n.ry.resize(y.Shape...)
	for o, a := range n.p.arg {
		ry.Data[o] = rx.Data[a]
	}
	return y, ry
}

func (n *rMaxPool[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx := n.p.Backward(dy, needInput)
	if rdy == nil || !needInput {
		return dx, nil
	}
	rdx := n.rdx.resize(n.p.inShape...)
	rdx.zero()
	for o, g := range rdy.Data {
		rdx.Data[n.p.arg[o]] += g
	}
	return dx, rdx
}
