package cpu_test

import (
	"math"
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
)

// linear runs y = broadcast(b) + x W^T on rows x in, as nn.Linear.
func linear(d device.Device, rows, in, out int, x, w, b, y device.Buffer) {
	d.BroadcastRows(y, b, rows, out)
	d.Gemm(false, true, rows, out, in, 1, m(x, in), m(w, in), 1, m(y, out))
}

// linearBackward adds the parameter gradients and sets dx (optional).
func linearBackward(d device.Device, rows, in, out int, x, w, dy, dw, db, dx device.Buffer) {
	d.Gemm(true, false, out, in, rows, 1, m(dy, out), m(x, in), 1, m(dw, in))
	d.SumRows(db, dy, rows, out)
	if dx != nil {
		d.Gemm(false, false, rows, in, out, 1, m(dy, out), m(w, in), 0, m(dx, in))
	}
}

// TestAttentionMatchesNN builds minGPT's causal self-attention from device
// operations: per sample, one batched GEMM over the heads reads q, k and v
// in place in the qkv rows (leading dimension 3D, heads dh apart).
func TestAttentionMatchesNN(t *testing.T) {
	f := newFixture(t)
	const b, tn, dim, heads = 2, 6, 12, 3
	dh := dim / heads
	block := nn.NewCausalSelfAttention[float64]("attn", dim, heads)
	for _, l := range []*nn.Linear[float64]{block.QKV, block.Proj} {
		copy(l.Weight.Value.Data, f.randn(len(l.Weight.Value.Data)))
		copy(l.Bias.Value.Data, f.randn(len(l.Bias.Value.Data)))
	}
	x := f.tensor(b, tn, dim)
	y := block.Forward(x, nn.Mode{Train: true})
	dy := f.tensor(b, tn, dim)
	dx := block.Backward(dy, true)

	d := f.d
	rows := b * tn
	scale := 1 / math.Sqrt(float64(dh))
	wq, bq := f.up(block.QKV.Weight.Value.Data), f.up(block.QKV.Bias.Value.Data)
	wp, bp := f.up(block.Proj.Weight.Value.Data), f.up(block.Proj.Bias.Value.Data)
	xb, qkv, att, out, yb := f.up(x.Data), f.zeros(rows*3*dim), f.zeros(b*heads*tn*tn), f.zeros(rows*dim), f.zeros(rows*dim)
	part := func(buf device.Buffer, n, p, width int) device.Mat {
		return device.Mat{Buf: buf, Off: n*tn*width + p*dim, LD: width, Stride: dh}
	}
	scores := func(buf device.Buffer, n int) device.Mat {
		return device.Mat{Buf: buf, Off: n * heads * tn * tn, LD: tn, Stride: tn * tn}
	}
	linear(d, rows, dim, 3*dim, xb, wq, bq, qkv)
	for n := 0; n < b; n++ {
		d.GemmBatched(false, true, tn, tn, dh, scale, part(qkv, n, 0, 3*dim), part(qkv, n, 1, 3*dim), 0, scores(att, n), heads)
	}
	d.CausalSoftmax(b*heads, tn, att)
	for n := 0; n < b; n++ {
		d.GemmBatched(false, false, tn, dh, tn, 1, scores(att, n), part(qkv, n, 2, 3*dim), 0, part(out, n, 0, dim), heads)
	}
	linear(d, rows, dim, dim, out, wp, bp, yb)
	f.near("y", yb, y.Data)

	dyb, dout, ds, dqkv, dxb := f.up(dy.Data), f.zeros(rows*dim), f.zeros(b*heads*tn*tn), f.zeros(rows*3*dim), f.zeros(rows*dim)
	dwp, dbp := f.zeros(dim*dim), f.zeros(dim)
	dwq, dbq := f.zeros(3*dim*dim), f.zeros(3*dim)
	linearBackward(d, rows, dim, dim, out, wp, dyb, dwp, dbp, dout)
	for n := 0; n < b; n++ {
		d.GemmBatched(false, true, tn, tn, dh, 1, part(dout, n, 0, dim), part(qkv, n, 2, 3*dim), 0, scores(ds, n), heads)
	}
	d.CausalSoftmaxBackward(b*heads, tn, att, ds)
	for n := 0; n < b; n++ {
		d.GemmBatched(true, false, tn, dh, tn, 1, scores(att, n), part(dout, n, 0, dim), 0, part(dqkv, n, 2, 3*dim), heads)
		d.GemmBatched(false, false, tn, dh, tn, scale, scores(ds, n), part(qkv, n, 1, 3*dim), 0, part(dqkv, n, 0, 3*dim), heads)
		d.GemmBatched(true, false, tn, dh, tn, scale, scores(ds, n), part(qkv, n, 0, 3*dim), 0, part(dqkv, n, 1, 3*dim), heads)
	}
	linearBackward(d, rows, dim, 3*dim, xb, wq, dqkv, dwq, dbq, dxb)
	f.near("proj dW", dwp, block.Proj.Weight.Grad.Data)
	f.near("proj db", dbp, block.Proj.Bias.Grad.Data)
	f.near("qkv dW", dwq, block.QKV.Weight.Grad.Data)
	f.near("qkv db", dbq, block.QKV.Bias.Grad.Data)
	f.near("dx", dxb, dx.Data)
}
