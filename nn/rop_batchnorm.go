package nn

// The R-operator of BatchNorm2d, in training and evaluation mode.

// BatchNorm2d, per channel, with s = 1/sqrt(var + eps) and xh the normalised
// input: y = gamma*xh + beta.
//
// Training (batch statistics): R{xh} = s*(R{x} - mean(R{x}) - xh*mean(xh*R{x}))
// and R{s} = -s^2 * mean(xh*R{x}); dx = gamma*s*(dy - m1 - xh*m2) with
// m1 = mean(dy), m2 = mean(dy*xh), so
// R{dx} = (v_gamma*s + gamma*R{s})*(dy - m1 - xh*m2)
// + gamma*s*(R{dy} - R{m1} - R{xh}*m2 - xh*R{m2}).
// Evaluation (running statistics): R{xh} = s*R{x}, dx = gamma*s*dy.
// Both: R{y} = gamma*R{xh} + v_gamma*xh + v_beta,
// R{dgamma} = sum(R{dy}*xh + dy*R{xh}), R{dbeta} = sum(R{dy}).
type rBatchNorm[T Float] struct {
	l       *BatchNorm2d[T]
	w, b    int
	train   bool
	rs      []float64 // per channel R{s}
	xhat    Tensor[T] // the layer's normalised input
	rxh     Tensor[T]
	ry, rdx Tensor[T]
}

func (n *rBatchNorm[T]) forward(e *HVP[T], x, rx *Tensor[T], mode Mode) (*Tensor[T], *Tensor[T]) {
	l := n.l
	y := l.Forward(x, mode)
	l.normalized(&n.xhat)
	n.train = mode.Train
	b, ch, hw := x.Shape[0], l.Channels, x.Shape[2]*x.Shape[3]
	cnt := float64(b * hw)
	if cap(n.rs) < ch {
		n.rs = make([]float64, ch)
	}
	n.rs = n.rs[:ch]
	rxh := n.rxh.resize(x.Shape...)
	ry := n.ry.resize(x.Shape...)
	vg, vb := e.dir(n.w), e.dir(n.b)
	for c := 0; c < ch; c++ {
		s := l.invStd[c]
		gamma := float64(l.Weight.Value.Data[c])
		var dg, db float64
		if vg != nil {
			dg = float64(vg[c])
		}
		if vb != nil {
			db = float64(vb[c])
		}
		var mr, mxr float64
		if rx != nil && n.train {
			for i := 0; i < b; i++ {
				off := (i*ch + c) * hw
				xh := n.xhat.Data[off : off+hw]
				for j, v := range rx.Data[off : off+hw] {
					mr += float64(v)
					mxr += float64(xh[j]) * float64(v)
				}
			}
			mr /= cnt
			mxr /= cnt
		}
		n.rs[c] = -s * s * mxr
		for i := 0; i < b; i++ {
			off := (i*ch + c) * hw
			xh := n.xhat.Data[off : off+hw]
			r := rxh.Data[off : off+hw]
			out := ry.Data[off : off+hw]
			for j := range r {
				var rv float64
				if rx != nil {
					rv = float64(rx.Data[off+j])
					if n.train {
						rv = s * (rv - mr - float64(xh[j])*mxr)
					} else {
						rv *= s
					}
				}
				r[j] = T(rv)
				out[j] = T(gamma*rv + dg*float64(xh[j]) + db)
			}
		}
	}
	return y, ry
}

func (n *rBatchNorm[T]) backward(e *HVP[T], dy, rdy *Tensor[T], needInput bool) (*Tensor[T], *Tensor[T]) {
	l := n.l
	dx := l.Backward(dy, needInput)
	if rdy == nil {
		return dx, nil
	}
	shape := l.x.Shape
	b, ch, hw := shape[0], l.Channels, shape[2]*shape[3]
	cnt := float64(b * hw)
	hg, hb := e.acc(n.w), e.acc(n.b)
	vg := e.dir(n.w)
	var rdx *Tensor[T]
	if needInput {
		rdx = n.rdx.resize(shape...)
	}
	for c := 0; c < ch; c++ {
		var sdy, sdyx, srdy, srdyx, sdyrx float64
		for i := 0; i < b; i++ {
			off := (i*ch + c) * hw
			xh := n.xhat.Data[off : off+hw]
			rxh := n.rxh.Data[off : off+hw]
			r := rdy.Data[off : off+hw]
			for j, g := range dy.Data[off : off+hw] {
				sdy += float64(g)
				sdyx += float64(g) * float64(xh[j])
				srdy += float64(r[j])
				srdyx += float64(r[j]) * float64(xh[j])
				sdyrx += float64(g) * float64(rxh[j])
			}
		}
		if hg != nil {
			hg[c] += T(srdyx + sdyrx)
		}
		if hb != nil {
			hb[c] += T(srdy)
		}
		if !needInput {
			continue
		}
		s := l.invStd[c]
		gamma := float64(l.Weight.Value.Data[c])
		var dg float64
		if vg != nil {
			dg = float64(vg[c])
		}
		for i := 0; i < b; i++ {
			off := (i*ch + c) * hw
			g := dy.Data[off : off+hw]
			r := rdy.Data[off : off+hw]
			out := rdx.Data[off : off+hw]
			if !n.train {
				for j := range out {
					out[j] = T(dg*s*float64(g[j]) + gamma*s*float64(r[j]))
				}
				continue
			}
			xh := n.xhat.Data[off : off+hw]
			rxh := n.rxh.Data[off : off+hw]
			m1, m2 := sdy/cnt, sdyx/cnt
			rm1, rm2 := srdy/cnt, (srdyx+sdyrx)/cnt
			a := dg*s + gamma*n.rs[c]
			bb := gamma * s
			for j := range out {
				x := float64(xh[j])
				out[j] = T(a*(float64(g[j])-m1-x*m2) + bb*(float64(r[j])-rm1-float64(rxh[j])*m2-x*rm2))
			}
		}
	}
	return dx, rdx
}
