package nn

// The R-operator of Linear (see rop.go for the method).

// Linear: y = x W^T + b.
// R{y} = R{x} W^T + x V^T + v_b; R{dx} = R{dy} W + dy V;
// R{dW} = R{dy}^T x + dy^T R{x}; R{db} = sum of R{dy} rows.
type rLinear[T Float] struct {
	l       *Linear[T]
	w, b    int
	x, rx   *Tensor[T]
	ry, rdx Tensor[T]
}

func (n *rLinear[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	y := n.l.Forward(x, mode)
	n.x, n.rx = x, rx
	rows, _ := x.Rows()
	in, out := n.l.In, n.l.Out
	ry := n.ry.resize(y.Shape...)
	ry.zero()
	if vb := e.dir(n.b); vb != nil {
		for r := 0; r < rows; r++ {
			copy(ry.Data[r*out:(r+1)*out], vb)
		}
	}
	if vw := e.dir(n.w); vw != nil {
		Gemm(false, true, rows, out, in, 1, x.Data, in, vw, in, 1, ry.Data, out)
	}
	if rx != nil {
		Gemm(false, true, rows, out, in, 1, rx.Data, in, n.l.Weight.Value.Data, in, 1, ry.Data, out)
	}
	return y, ry
}

func (n *rLinear[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	dx := n.l.Backward(dy, needInput)
	if rdy == nil {
		return dx, nil
	}
	rows, _ := n.x.Rows()
	in, out := n.l.In, n.l.Out
	if hw := e.acc(n.w); hw != nil {
		Gemm(true, false, out, in, rows, 1, rdy.Data, out, n.x.Data, in, 1, hw, in)
		if n.rx != nil {
			Gemm(true, false, out, in, rows, 1, dy.Data, out, n.rx.Data, in, 1, hw, in)
		}
	}
	if hb := e.acc(n.b); hb != nil {
		for r := 0; r < rows; r++ {
			for j, v := range rdy.Data[r*out : (r+1)*out] {
				hb[j] += v
			}
		}
	}
	if !needInput {
		return dx, nil
	}
	rdx := n.rdx.resize(n.x.Shape...)
	Gemm(false, false, rows, in, out, 1, rdy.Data, out, n.l.Weight.Value.Data, in, 0, rdx.Data, in)
	if vw := e.dir(n.w); vw != nil {
		Gemm(false, false, rows, in, out, 1, dy.Data, out, vw, in, 1, rdx.Data, in)
	}
	return dx, rdx
}
