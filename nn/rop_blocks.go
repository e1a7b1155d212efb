package nn

// R-operators of the layers added with the residual networks and the GPT
// that have an exact one: the parameter-free linear maps (AvgPool2d,
// GlobalAvgPool2d, Dropout with its step's mask), BatchNorm1d (BatchNorm2d's
// on the B x C x L x 1 view) and Residual (its branches' chains, summed).
// LayerNorm, GroupNorm, Embedding, the attention block and the tied head use
// the finite-difference fallback of rop_fd.go.

// linearMap is a parameter-free layer that is linear in its input: apply
// computes y = L x for the input shape of its last Forward, adjoint adds
// L^T dy into dx (zeroed by the caller).
type linearMap[T Float] interface {
	Layer[T]
	apply(x, y []T)
	adjoint(dy, dx []T)
}

// rLinearMap: R{y} = L R{x}; R{dx} = L^T R{dy}.
type rLinearMap[T Float] struct {
	l        linearMap[T]
	identity bool // Dropout outside training: y = x
	inShape  []int
	ry, rdx  Tensor[T]
}

func (n *rLinearMap[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	n.inShape = append(n.inShape[:0], x.Shape...)
	y := n.l.Forward(x, mode)
	n.identity = y == x
	if rx == nil {
		return y, nil
	}
	if n.identity {
		return y, rx
	}
	ry := n.ry.resize(y.Shape...)
	n.l.apply(rx.Data, ry.Data)
	return y, ry
}

func (n *rLinearMap[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx := n.l.Backward(dy, needInput)
	if rdy == nil || !needInput {
		return dx, nil
	}
	if n.identity {
		return dx, rdy
	}
	rdx := n.rdx.resize(n.inShape...)
	if _, ok := n.l.(*Dropout[T]); ok {
		n.l.apply(rdy.Data, rdx.Data) // the mask is its own adjoint
		return dx, rdx
	}
	rdx.zero()
	n.l.adjoint(rdy.Data, rdx.Data)
	return dx, rdx
}

// Dropout's adjoint is its own mask (the layer is diagonal); it is never
// called through linearMap (see rLinearMap.backward) but completes the
// interface.
func (d *Dropout[T]) adjoint(dy, dx []T) {
	for i, v := range dy {
		dx[i] += v * d.mask[i]
	}
}

// rBatchNorm1d runs BatchNorm2d's R-operator on the B x C x L x 1 views.
type rBatchNorm1d[T Float] struct {
	l              *BatchNorm1d[T]
	inner          rBatchNorm[T]
	xv, rxv        Tensor[T]
	dyv, rdyv      Tensor[T]
	y, ry, dx, rdx Tensor[T]
	inShape        []int
}

func (n *rBatchNorm1d[T]) view(src, dst *Tensor[T]) *Tensor[T] {
	if src == nil {
		return nil
	}
	return n.l.view4(src, dst)
}

func reshaped[T Float](src *Tensor[T], shape []int, dst *Tensor[T]) *Tensor[T] {
	if src == nil {
		return nil
	}
	dst.Data, dst.Shape = src.Data, append(dst.Shape[:0], shape...)
	return dst
}

func (n *rBatchNorm1d[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	if (len(x.Shape) != 2 && len(x.Shape) != 3) || x.Shape[1] != n.l.bn.Channels {
		n.l.Forward(x, mode) // panics with the layer's shape error
	}
	n.inShape = append(n.inShape[:0], x.Shape...)
	y, ry := n.inner.forward(e, n.view(x, &n.xv), n.view(rx, &n.rxv), Mode{Train: mode.Train})
	return reshaped(y, n.inShape, &n.y), reshaped(ry, n.inShape, &n.ry)
}

func (n *rBatchNorm1d[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx, rdx := n.inner.backward(e, n.view(dy, &n.dyv), n.view(rdy, &n.rdyv), needInput)
	return reshaped(dx, n.inShape, &n.dx), reshaped(rdx, n.inShape, &n.rdx)
}

// rResidual carries the R-operators through the block's branches:
// R{y} = Post'(R{Body(x)} + R{Shortcut(x)}), and the backward sums the
// branches' R{dx}.
type rResidual[T Float] struct {
	l                 *Residual[T]
	body, short, post []rNode[T]
	sum, ry, dx, rdx  Tensor[T]
}

// chain returns the nodes of one layer, built as HVP.build builds the model's.
func (e *HVP[T]) chain(l Layer[T]) []rNode[T] {
	if l == nil {
		return nil
	}
	saved := e.nodes
	e.nodes = nil
	e.build(l)
	out := e.nodes
	e.nodes = saved
	return out
}

func chainForward[T Float](e *HVP[T], nodes []rNode[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	for _, n := range nodes {
		x, rx = n.forward(e, x, rx, mode)
	}
	return x, rx
}

func chainBackward[T Float](e *HVP[T], nodes []rNode[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	for i := len(nodes) - 1; i >= 0; i-- {
		dy, rdy = nodes[i].backward(e, dy, rdy, needInput || i > 0)
	}
	return dy, rdy
}

// addInto sets dst = a + b (nil counts as zero; both nil gives nil).
func addInto[T Float](dst, a, b *Tensor[T]) *Tensor[T] {
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil:
		a, b = b, nil
	}
	out := dst.resize(a.Shape...)
	if b == nil {
		copy(out.Data, a.Data)
		return out
	}
	for i, v := range a.Data {
		out.Data[i] = v + b.Data[i]
	}
	return out
}

func (n *rResidual[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	yb, ryb := chainForward(e, n.body, x, rx, mode)
	ys, rys := x, rx
	if n.short != nil {
		ys, rys = chainForward(e, n.short, x, rx, mode)
	}
	if len(yb.Data) != len(ys.Data) {
		panic(&ShapeError{Layer: "residual", Got: append([]int(nil), ys.Shape...), Want: "a shortcut of the body's output shape"})
	}
	sum := n.sum.resize(yb.Shape...)
	for i, v := range yb.Data {
		sum.Data[i] = v + ys.Data[i]
	}
	rsum := addInto(&n.ry, ryb, rys)
	if n.post == nil {
		return sum, rsum
	}
	return chainForward(e, n.post, sum, rsum, mode)
}

func (n *rResidual[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	if n.post != nil {
		dy, rdy = chainBackward(e, n.post, dy, rdy, true)
	}
	db, rdb := chainBackward(e, n.body, dy, rdy, needInput)
	ds, rds := dy, rdy
	if n.short != nil {
		ds, rds = chainBackward(e, n.short, dy, rdy, needInput)
	}
	if !needInput {
		return nil, nil
	}
	return addInto(&n.dx, db, ds), addInto(&n.rdx, rdb, rds)
}
