package opencl

import (
	"testing"

	"github.com/adafisher-go/landscape/device"
)

type outs = map[string]device.Buffer

func gemmCase(name string, ta, tb bool, m, n, k, batch int, beta float64) opCase {
	return opCase{name: name, run: func(e *env) outs {
		ar, ac := m, k
		if ta {
			ar, ac = k, m
		}
		br, bc := k, n
		if tb {
			br, bc = n, k
		}
		// Offsets and leading dimensions larger than the rows, as
		// attention's per-head products use.
		a := device.Mat{Off: 3, LD: ac + 2, Stride: ar*(ac+2) + 1}
		b := device.Mat{Off: 1, LD: bc + 1, Stride: br*(bc+1) + 2}
		c := device.Mat{Off: 2, LD: n + 3, Stride: m*(n+3) + 1}
		a.Buf = e.rand(a.Off+batch*a.Stride, -1, 1)
		b.Buf = e.rand(b.Off+batch*b.Stride, -1, 1)
		c.Buf = e.rand(c.Off+batch*c.Stride, -1, 1)
		if batch == 1 {
			e.d.Gemm(ta, tb, m, n, k, 0.7, a, b, beta, c)
		} else {
			e.d.GemmBatched(ta, tb, m, n, k, 0.7, a, b, beta, c, batch)
		}
		return outs{"C": c.Buf}
	}}
}

var blasCases = []opCase{
	gemmCase("gemm/NN", false, false, 13, 17, 19, 1, 0.3),
	gemmCase("gemm/TN", true, false, 13, 17, 19, 1, 0.3),
	gemmCase("gemm/NT", false, true, 13, 17, 19, 1, 0),
	gemmCase("gemm/TT", true, true, 13, 17, 19, 1, 1),
	gemmCase("gemm/k0", false, false, 5, 4, 0, 1, 0.5),
	gemmCase("gemm/large", false, true, 130, 70, 300, 1, 1),
	gemmCase("gemm/largeTN", true, false, 96, 200, 150, 1, 0),
	gemmCase("gemm/batchedNT", false, true, 7, 6, 5, 3, 0),
	gemmCase("gemm/batchedTN", true, false, 7, 6, 5, 4, 1),
	gemmCase("gemm/batchedTT", true, true, 9, 4, 6, 2, 0.5),
	gemmCase("gemm/batchedLarge", false, true, 130, 130, 130, 2, 0.5),
}

func TestGemm(t *testing.T) { compare(t, blasCases) }

var elementCases = []opCase{
	{name: "fill", exact: true, run: func(e *env) outs {
		x := e.rand(10, -1, 1)
		e.d.Fill(x, 2, 5, 0.25)
		i := e.izeros(6)
		e.d.Fill(i, 1, 4, 7)
		return outs{"x": x, "i": i}
	}},
	{name: "copy", exact: true, run: func(e *env) outs {
		x, y := e.rand(10, -1, 1), e.rand(12, -1, 1)
		e.d.Copy(y, 3, x, 1, 7)
		i := e.ints([]int32{1, 2, 3, 4})
		j := e.izeros(5)
		e.d.Copy(j, 1, i, 0, 4)
		return outs{"y": y, "j": j}
	}},
	{name: "add", exact: true, run: func(e *env) outs {
		a, b := e.rand(100, -1, 1), e.rand(100, -1, 1)
		c := e.zeros(100)
		e.d.Add(c, a, b, 100)
		e.d.Add(a, a, c, 100)
		m := e.zeros(100)
		e.d.Mul(m, a, b, 100)
		return outs{"c": c, "a": a, "mul": m}
	}},
	{name: "rows", exact: true, run: func(e *env) outs {
		dst, src := e.zeros(7*9), e.rand(9, -1, 1)
		e.d.BroadcastRows(dst, src, 7, 9)
		acc := e.rand(9, -1, 1)
		e.d.SumRows(acc, e.rand(70*9, -1, 1), 70, 9)
		return outs{"broadcast": dst, "sum": acc}
	}},
}

func TestElementwise(t *testing.T) { compare(t, elementCases) }

func actCase(name string, f device.Act, exact bool) opCase {
	return opCase{name: name, exact: exact, run: func(e *env) outs {
		const n = 300
		data := make([]float64, n)
		for i := range data {
			data[i] = -6 + 12*e.rng.Float64()
		}
		data[0], data[1], data[2] = 0, -20, 20
		x, y := e.vals(data), e.zeros(n)
		e.d.Activation(f, x, y, n)
		dy, dx := e.rand(n, -1, 1), e.zeros(n)
		e.d.ActivationBackward(f, x, y, dy, dx, n)
		return outs{"y": y, "dx": dx}
	}}
}

var actCases = []opCase{
	actCase("relu", device.ReLU, true),
	actCase("tanh", device.Tanh, false),
	actCase("sigmoid", device.Sigmoid, false),
	actCase("gelu", device.GELU, false),
}

func TestActivations(t *testing.T) { compare(t, actCases) }

func convCase(name string, g device.ConvGeom, out int, bias bool) opCase {
	return opCase{name: name, run: func(e *env) outs {
		nx, rows, d := g.Batch*g.C*g.H*g.W, g.Rows(), g.Patch()
		x, cols := e.rand(nx, -1, 1), e.zeros(rows*d)
		e.d.Im2col(g, x, cols)
		dcols, dx := e.rand(rows*d, -1, 1), e.zeros(nx)
		e.d.Col2im(g, dcols, dx)
		var b, db device.Buffer
		if bias {
			b, db = e.rand(out, -1, 1), e.rand(out, -1, 1)
		}
		ymat, y := e.rand(rows*out, -1, 1), e.zeros(rows*out)
		e.d.ConvOutput(g, out, ymat, b, y)
		dy, grows := e.rand(rows*out, -1, 1), e.zeros(rows*out)
		e.d.ConvGradRows(g, out, dy, grows, db)
		o := outs{"cols": cols, "dx": dx, "y": y, "grows": grows}
		if bias {
			o["dbias"] = db
		}
		return o
	}}
}

func geom(b, c, h, w, k, s, p int) device.ConvGeom {
	return device.ConvGeom{Batch: b, C: c, H: h, W: w, K: k, Stride: s, Pad: p,
		OH: (h+2*p-k)/s + 1, OW: (w+2*p-k)/s + 1}
}

var convCases = []opCase{
	convCase("conv/k3s1p1", geom(2, 3, 6, 5, 3, 1, 1), 4, true),
	convCase("conv/k3s2p1", geom(2, 3, 7, 6, 3, 2, 1), 5, false),
	convCase("conv/k1s2p0", geom(3, 4, 5, 5, 1, 2, 0), 2, true),
	convCase("conv/k4s3p2", geom(1, 2, 9, 8, 4, 3, 2), 3, true),
}

func TestConv(t *testing.T) { compare(t, convCases) }

func bnCase(name string, train, needDx bool) opCase {
	return opCase{name: name, run: func(e *env) outs {
		a := device.NormArgs{Batch: 3, C: 5, HW: 37, Eps: 1e-5, Momentum: 0.1, Train: train}
		n := a.Batch * a.C * a.HW
		x := e.rand(n, -2, 3)
		w, b := e.rand(a.C, 0.5, 1.5), e.rand(a.C, -1, 1)
		rm, rv := e.rand(a.C, -1, 1), e.rand(a.C, 0.5, 2)
		xhat, y, inv := e.zeros(n), e.zeros(n), e.zeros(a.C)
		e.d.BatchNormForward(a, x, w, b, rm, rv, xhat, y, inv)
		dy, dw, db := e.rand(n, -1, 1), e.rand(a.C, -1, 1), e.rand(a.C, -1, 1)
		var dx device.Buffer
		if needDx {
			dx = e.zeros(n)
		}
		e.d.BatchNormBackward(a, dy, xhat, w, inv, dw, db, dx)
		o := outs{"xhat": xhat, "y": y, "invStd": inv, "runMean": rm, "runVar": rv, "dw": dw, "db": db}
		if needDx {
			o["dx"] = dx
		}
		return o
	}}
}

func lnCase(name string, rows, d int, needDx bool) opCase {
	return opCase{name: name, run: func(e *env) outs {
		a := device.NormArgs{Rows: rows, D: d, Eps: 1e-5}
		x := e.rand(rows*d, -2, 3)
		w, b := e.rand(d, 0.5, 1.5), e.rand(d, -1, 1)
		xhat, y, inv := e.zeros(rows*d), e.zeros(rows*d), e.zeros(rows)
		e.d.LayerNormForward(a, x, w, b, xhat, y, inv)
		dy, dw, db := e.rand(rows*d, -1, 1), e.rand(d, -1, 1), e.rand(d, -1, 1)
		var dx device.Buffer
		if needDx {
			dx = e.zeros(rows * d)
		}
		e.d.LayerNormBackward(a, dy, xhat, w, inv, dw, db, dx)
		o := outs{"xhat": xhat, "y": y, "invStd": inv, "dw": dw, "db": db}
		if needDx {
			o["dx"] = dx
		}
		return o
	}}
}

var normCases = []opCase{
	bnCase("batchnorm/train", true, true),
	bnCase("batchnorm/eval", false, true),
	bnCase("batchnorm/nodx", true, false),
	lnCase("layernorm/d48", 13, 48, true),
	lnCase("layernorm/d130", 5, 130, true),
	lnCase("layernorm/nodx", 4, 7, false),
}

func TestNorm(t *testing.T) { compare(t, normCases) }

func poolCase(name string, g device.PoolGeom) opCase {
	return opCase{name: name, run: func(e *env) outs {
		oh, ow := g.Out()
		no, ni := g.Planes*oh*ow, g.Planes*g.H*g.W
		// Values from a small set, so that windows hold ties.
		data := make([]float64, ni)
		for i := range data {
			data[i] = float64(e.rng.IntN(7)) - 3
		}
		x := e.vals(data)
		y, arg := e.zeros(no), e.izeros(no)
		e.d.MaxPool(g, x, y, arg)
		dy, dx := e.rand(no, -1, 1), e.zeros(ni)
		e.d.MaxPoolBackward(g, dy, arg, dx)
		xa := e.rand(ni, -1, 1)
		ya, dxa := e.zeros(no), e.zeros(ni)
		e.d.AvgPool(g, xa, ya)
		e.d.AvgPoolBackward(g, dy, dxa)
		hw := g.H * g.W
		yg, dxg := e.zeros(g.Planes), e.zeros(ni)
		e.d.GlobalAvgPool(g.Planes, hw, xa, yg)
		e.d.GlobalAvgPoolBackward(g.Planes, hw, e.rand(g.Planes, -1, 1), dxg)
		return outs{"max": y, "arg": arg, "maxdx": dx, "avg": ya, "avgdx": dxa, "gap": yg, "gapdx": dxg}
	}}
}

var poolCases = []opCase{
	poolCase("pool/k2s2", device.PoolGeom{Planes: 6, H: 8, W: 7, K: 2, Stride: 2}),
	poolCase("pool/k3s1", device.PoolGeom{Planes: 4, H: 6, W: 9, K: 3, Stride: 1}),
	poolCase("pool/k3s2", device.PoolGeom{Planes: 3, H: 9, W: 9, K: 3, Stride: 2}),
}

func TestPool(t *testing.T) { compare(t, poolCases) }

var lossCases = []opCase{
	{name: "xent", run: func(e *env) outs {
		const rows, cols = 37, 11
		labels := make([]int32, rows)
		for i := range labels {
			labels[i] = int32(e.rng.IntN(cols))
		}
		logits := e.rand(rows*cols, -4, 4)
		grad, loss, correct := e.zeros(rows*cols), e.zeros(rows), e.izeros(rows)
		e.d.SoftmaxCrossEntropy(rows, cols, logits, e.ints(labels), grad, loss, correct)
		loss2, correct2 := e.zeros(rows), e.izeros(rows)
		e.d.SoftmaxCrossEntropy(rows, cols, logits, e.ints(labels), nil, loss2, correct2)
		return outs{"grad": grad, "loss": loss, "correct": correct, "lossNoGrad": loss2}
	}},
	{name: "embedding", run: func(e *env) outs {
		const n, num, dim = 50, 9, 13
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(e.rng.IntN(num))
		}
		ib := e.ints(idx)
		w, y := e.rand(num*dim, -1, 1), e.zeros(n*dim)
		e.d.Embedding(n, dim, ib, w, y)
		dw := e.rand(num*dim, -1, 1)
		e.d.EmbeddingBackward(n, dim, ib, e.rand(n*dim, -1, 1), dw)
		return outs{"y": y, "dw": dw}
	}},
	{name: "causal", run: func(e *env) outs {
		const blocks, t = 6, 9
		p := e.rand(blocks*t*t, -3, 3)
		e.d.CausalSoftmax(blocks, t, p)
		ds := e.rand(blocks*t*t, -1, 1)
		e.d.CausalSoftmaxBackward(blocks, t, p, ds)
		return outs{"p": p, "ds": ds}
	}},
}

func TestLossEmbeddingAttention(t *testing.T) { compare(t, lossCases) }
