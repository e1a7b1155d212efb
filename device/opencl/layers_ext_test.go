package opencl

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/device"
)

// The operations of device.LayerExtOps on OpenCL against the CPU reference.

func softmaxCase(name string, rows, cols int) opCase {
	return opCase{name: name, run: func(e *env) outs {
		data := make([]float64, rows*cols)
		for i := range data {
			data[i] = -5 + 10*e.rng.Float64()
		}
		data[0] = 700 // exp overflows without the row maximum
		x, y := e.vals(data), e.zeros(rows*cols)
		e.d.SoftmaxForward(rows, cols, x, y)
		dy, dx := e.rand(rows*cols, -1, 1), e.zeros(rows*cols)
		e.d.SoftmaxBackward(rows, cols, y, dy, dx)
		return outs{"y": y, "dx": dx}
	}}
}

func gnCase(name string, a device.GroupArgs, needDx bool) opCase {
	return opCase{name: name, run: func(e *env) outs {
		n, seg := a.Batch*a.C*a.HW, a.Batch*a.Groups
		x := e.rand(n, -2, 3)
		w, b := e.rand(a.C, 0.5, 1.5), e.rand(a.C, -1, 1)
		xhat, y, inv := e.zeros(n), e.zeros(n), e.zeros(seg)
		e.d.GroupNormForward(a, x, w, b, xhat, y, inv)
		dy, dw, db := e.rand(n, -1, 1), e.rand(a.C, -1, 1), e.rand(a.C, -1, 1)
		var dx device.Buffer
		if needDx {
			dx = e.zeros(n)
		}
		e.d.GroupNormBackward(a, dy, xhat, w, inv, dw, db, dx)
		o := outs{"xhat": xhat, "y": y, "invStd": inv, "dw": dw, "db": db}
		if needDx {
			o["dx"] = dx
		}
		return o
	}}
}

func embFactorCase(name string, n, num, dim int) opCase {
	return opCase{name: name, run: func(e *env) outs {
		idx := make([]int32, n)
		for i := range idx {
			idx[i] = int32(e.rng.IntN(num - 1)) // the last row is never looked up
		}
		h, s := e.rand(num, -1, 1), e.zeros(dim)
		e.d.FisherRawEmbedding(n, num, dim, e.ints(idx), e.rand(n*dim, -2, 2), h, s)
		return outs{"h": h, "s": s}
	}}
}

var extCases = []opCase{
	softmaxCase("softmax/3", 37, 3),
	softmaxCase("softmax/70", 9, 70),
	// BatchNorm1d runs as BatchNorm2d on B x C x L x 1: with L = 1 (B x C)
	// the reduction has few values per channel.
	bnCase1d("batchnorm1d/BxC", device.NormArgs{Batch: 24, C: 16, HW: 1, Eps: 1e-5, Momentum: 0.1, Train: true}),
	bnCase1d("batchnorm1d/BxCxL", device.NormArgs{Batch: 3, C: 5, HW: 9, Eps: 1e-5, Momentum: 0.1, Train: true}),
	bnCase1d("batchnorm1d/eval", device.NormArgs{Batch: 24, C: 16, HW: 1, Eps: 1e-5, Momentum: 0.1}),
	gnCase("groupnorm/2of6x20", device.GroupArgs{Batch: 3, C: 6, HW: 20, Groups: 2, Eps: 1e-5}, true),
	gnCase("groupnorm/4of24x1", device.GroupArgs{Batch: 5, C: 24, HW: 1, Groups: 4, Eps: 1e-5}, true),
	gnCase("groupnorm/1of8x37", device.GroupArgs{Batch: 2, C: 8, HW: 37, Groups: 1, Eps: 1e-5}, true),
	gnCase("groupnorm/nodx", device.GroupArgs{Batch: 2, C: 4, HW: 3, Groups: 4, Eps: 1e-5}, false),
	embFactorCase("fisher/raw/embedding", 50, 9, 13),
	embFactorCase("fisher/raw/positions", 6, 8, 4),
}

// bnCase1d is BatchNorm1d's use of the BatchNorm2d operations.
func bnCase1d(name string, a device.NormArgs) opCase {
	return opCase{name: name, run: func(e *env) outs {
		n := a.Batch * a.C * a.HW
		x := e.rand(n, -2, 3)
		w, b := e.rand(a.C, 0.5, 1.5), e.rand(a.C, -1, 1)
		rm, rv := e.rand(a.C, -1, 1), e.rand(a.C, 0.5, 2)
		xhat, y, inv := e.zeros(n), e.zeros(n), e.zeros(a.C)
		e.d.BatchNormForward(a, x, w, b, rm, rv, xhat, y, inv)
		dy, dw, db, dx := e.rand(n, -1, 1), e.rand(a.C, -1, 1), e.rand(a.C, -1, 1), e.zeros(n)
		e.d.BatchNormBackward(a, dy, xhat, w, inv, dw, db, dx)
		hr, sr := e.zeros(2), e.zeros(a.C)
		e.d.FisherRawBatchNorm(a.Batch, a.C, a.HW, x, dy, hr, sr)
		return outs{"y": y, "runMean": rm, "runVar": rv, "dw": dw, "db": db, "dx": dx, "h": hr, "s": sr}
	}}
}

func TestLayersExt(t *testing.T) { compare(t, extCases) }

// TestFisherRawEmbeddingBadIndex: an index outside the table is an error
// at Sync, as in the Embedding lookup.
func TestFisherRawEmbeddingBadIndex(t *testing.T) {
	cl := openDevice(t)
	d, err := Open(cl.Info().Index) // a device of its own: errors are sticky
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	e := &env{t: t, d: d, dt: device.F32, rng: rand.New(rand.NewPCG(1, 2))}
	h, s := e.zeros(4), e.zeros(2)
	d.FisherRawEmbedding(3, 4, 2, e.ints([]int32{0, 4, 1}), e.rand(6, -1, 1), h, s)
	if err := d.Sync(); err == nil || !strings.Contains(err.Error(), "index 4 at 1") {
		t.Errorf("index 4 of a table of 4 rows: Sync = %v", err)
	}
}
