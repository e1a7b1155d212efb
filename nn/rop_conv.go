package nn

// The R-operator of Conv2d on patch matrices of its own, built with the
// layer's im2col.

// Conv2d as im2col: Y = P W^T + b with P the patch matrix.
// R{Y} = R{P} W^T + P V^T + v_b with R{P} = im2col(R{x});
// R{dW} = R{G}^T P + G^T R{P}; R{dP} = R{G} W + G V; R{dx} = col2im(R{dP}).
type rConv[T Float] struct {
	c                *Conv2d[T]
	w, b             int
	hasRX            bool
	cols, g          Tensor[T] // P and the rows of dy
	rcols, rym, ry   Tensor[T]
	rg, rdcols, rdx  Tensor[T]
	batch, ih, iw    int
	outH, outW, rows int
}

func (n *rConv[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	c := n.c
	y := c.Forward(x, mode)
	n.batch, n.ih, n.iw = x.Shape[0], x.Shape[2], x.Shape[3]
	n.outH, n.outW = y.Shape[2], y.Shape[3]
	spatial := n.outH * n.outW
	n.rows = n.batch * spatial
	d, out := c.In*c.Kernel*c.Kernel, c.Out
	n.hasRX = rx != nil
	rym := n.rym.resize(n.rows, out)
	rym.zero()
	p := n.cols.resize(n.rows, d)
	c.im2col(x.Data, p.Data)
	if vw := e.dir(n.w); vw != nil {
		Gemm(false, true, n.rows, out, d, 1, p.Data, d, vw, d, 1, rym.Data, out)
	}
	if rx != nil {
		rc := n.rcols.resize(n.rows, d)
		c.im2col(rx.Data, rc.Data)
		Gemm(false, true, n.rows, out, d, 1, rc.Data, d, c.Weight.Value.Data, d, 1, rym.Data, out)
	}
	vb := e.dir(n.b)
	ry := n.ry.resize(y.Shape...)
	for b := 0; b < n.batch; b++ {
		src := rym.Data[b*spatial*out : (b+1)*spatial*out]
		for o := 0; o < out; o++ {
			var bias T
			if vb != nil {
				bias = vb[o]
			}
			plane := ry.Data[(b*out+o)*spatial : (b*out+o+1)*spatial]
			for p := range plane {
				plane[p] = src[p*out+o] + bias
			}
		}
	}
	return y, ry
}

func (n *rConv[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	c := n.c
	dx := c.Backward(dy, needInput)
	if rdy == nil {
		return dx, nil
	}
	d, out := c.In*c.Kernel*c.Kernel, c.Out
	g := n.rowsOf(&n.g, dy).Data
	rg := n.rowsOf(&n.rg, rdy)
	if hw := e.acc(n.w); hw != nil {
		Gemm(true, false, out, d, n.rows, 1, rg.Data, out, n.cols.Data, d, 1, hw, d)
		if n.hasRX {
			Gemm(true, false, out, d, n.rows, 1, g, out, n.rcols.Data, d, 1, hw, d)
		}
	}
	if hb := e.acc(n.b); hb != nil {
		for r := 0; r < n.rows; r++ {
			for o, v := range rg.Data[r*out : (r+1)*out] {
				hb[o] += v
			}
		}
	}
	if !needInput {
		return dx, nil
	}
	rdc := n.rdcols.resize(n.rows, d)
	Gemm(false, false, n.rows, d, out, 1, rg.Data, out, c.Weight.Value.Data, d, 0, rdc.Data, d)
	if vw := e.dir(n.w); vw != nil {
		Gemm(false, false, n.rows, d, out, 1, g, out, vw, d, 1, rdc.Data, d)
	}
	rdx := n.rdx.resize(n.batch, c.In, n.ih, n.iw)
	rdx.zero()
	c.col2im(rdc.Data, rdx.Data)
	return dx, rdx
}

// rowsOf lays the NCHW output gradient t out as rows (b, oh, ow) by
// channel in buf.
func (n *rConv[T]) rowsOf(buf, t *Tensor[T]) *Tensor[T] {
	spatial, out := n.outH*n.outW, n.c.Out
	r := buf.resize(n.rows, out)
	for b := 0; b < n.batch; b++ {
		rb := r.Data[b*spatial*out : (b+1)*spatial*out]
		for o := 0; o < out; o++ {
			for p, v := range t.Data[(b*out+o)*spatial : (b*out+o+1)*spatial] {
				rb[p*out+o] = v
			}
		}
	}
	return r
}
