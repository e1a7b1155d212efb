package opencl

import (
	"math"
	"testing"

	"github.com/adafisher-go/landscape/device"
)

// The whole causal self-attention block (as device/cpu's test builds it
// and holds to nn.CausalSelfAttention) on both devices.
var attentionCase = opCase{name: "attention/block", run: func(e *env) outs {
	const b, tn, dim, heads = 3, 7, 16, 4
	dh, rows := dim/heads, b*tn
	d := e.d
	mat := func(buf device.Buffer, ld int) device.Mat { return device.Mat{Buf: buf, LD: ld} }
	linear := func(in, out int, x, w, bias, y device.Buffer) {
		d.BroadcastRows(y, bias, rows, out)
		d.Gemm(false, true, rows, out, in, 1, mat(x, in), mat(w, in), 1, mat(y, out))
	}
	linearBackward := func(in, out int, x, w, dy, dw, db, dx device.Buffer) {
		d.Gemm(true, false, out, in, rows, 1, mat(dy, out), mat(x, in), 1, mat(dw, in))
		d.SumRows(db, dy, rows, out)
		d.Gemm(false, false, rows, in, out, 1, mat(dy, out), mat(w, in), 0, mat(dx, in))
	}
	part := func(buf device.Buffer, n, p, width int) device.Mat {
		return device.Mat{Buf: buf, Off: n*tn*width + p*dim, LD: width, Stride: dh}
	}
	scores := func(buf device.Buffer, n int) device.Mat {
		return device.Mat{Buf: buf, Off: n * heads * tn * tn, LD: tn, Stride: tn * tn}
	}
	scale := 1 / math.Sqrt(float64(dh))
	wq, bq, wp, bp := e.rand(3*dim*dim, -0.5, 0.5), e.rand(3*dim, -0.5, 0.5), e.rand(dim*dim, -0.5, 0.5), e.rand(dim, -0.5, 0.5)
	x, qkv, att, out, y := e.rand(rows*dim, -1, 1), e.zeros(rows*3*dim), e.zeros(b*heads*tn*tn), e.zeros(rows*dim), e.zeros(rows*dim)
	linear(dim, 3*dim, x, wq, bq, qkv)
	for n := 0; n < b; n++ {
		d.GemmBatched(false, true, tn, tn, dh, scale, part(qkv, n, 0, 3*dim), part(qkv, n, 1, 3*dim), 0, scores(att, n), heads)
	}
	d.CausalSoftmax(b*heads, tn, att)
	for n := 0; n < b; n++ {
		d.GemmBatched(false, false, tn, dh, tn, 1, scores(att, n), part(qkv, n, 2, 3*dim), 0, part(out, n, 0, dim), heads)
	}
	linear(dim, dim, out, wp, bp, y)
	dy, dout, ds, dqkv, dx := e.rand(rows*dim, -1, 1), e.zeros(rows*dim), e.zeros(b*heads*tn*tn), e.zeros(rows*3*dim), e.zeros(rows*dim)
	dwp, dbp, dwq, dbq := e.zeros(dim*dim), e.zeros(dim), e.zeros(3*dim*dim), e.zeros(3*dim)
	linearBackward(dim, dim, out, wp, dy, dwp, dbp, dout)
	for n := 0; n < b; n++ {
		d.GemmBatched(false, true, tn, tn, dh, 1, part(dout, n, 0, dim), part(qkv, n, 2, 3*dim), 0, scores(ds, n), heads)
	}
	d.CausalSoftmaxBackward(b*heads, tn, att, ds)
	for n := 0; n < b; n++ {
		d.GemmBatched(true, false, tn, dh, tn, 1, scores(att, n), part(dout, n, 0, dim), 0, part(dqkv, n, 2, 3*dim), heads)
		d.GemmBatched(false, false, tn, dh, tn, scale, scores(ds, n), part(qkv, n, 1, 3*dim), 0, part(dqkv, n, 0, 3*dim), heads)
		d.GemmBatched(true, false, tn, dh, tn, scale, scores(ds, n), part(qkv, n, 0, 3*dim), 0, part(dqkv, n, 1, 3*dim), heads)
	}
	linearBackward(dim, 3*dim, x, wq, dqkv, dwq, dbq, dx)
	return outs{"y": y, "att": att, "dx": dx, "dWqkv": dwq, "dbqkv": dbq, "dWproj": dwp, "dbproj": dbp}
}}

func TestAttentionBlock(t *testing.T) { compare(t, []opCase{attentionCase}) }
