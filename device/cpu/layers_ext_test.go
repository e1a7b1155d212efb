package cpu_test

import (
	"math"
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// The operations of device.LayerExtOps against nn's layers and optim's
// extended factors, in float64 to 1e-12.

func TestSoftmaxMatchesNN(t *testing.T) {
	f := newFixture(t)
	layer := &nn.Softmax[float64]{}
	x := f.tensor(3, 4, 7)
	for i := range x.Data[:7] {
		x.Data[i] *= 300 // a row whose exponentials overflow without the maximum
	}
	y := layer.Forward(x, nn.Mode{})
	dy := f.tensor(3, 4, 7)
	dx := layer.Backward(dy, true)
	n := len(x.Data)
	yb, dxb := f.zeros(n), f.zeros(n)
	f.d.SoftmaxForward(12, 7, f.up(x.Data), yb)
	f.d.SoftmaxBackward(12, 7, yb, f.up(dy.Data), dxb)
	f.near("y", yb, y.Data)
	f.near("dx", dxb, dx.Data)
}

// TestSoftmaxThenCrossEntropy: the iris toy's loss is cross-entropy of the
// softmax output (a log-softmax of probabilities), and its gradient flows
// back through the softmax; both as the host computes them.
func TestSoftmaxThenCrossEntropy(t *testing.T) {
	f := newFixture(t)
	const rows, cols = 9, 3
	layer := &nn.Softmax[float64]{}
	x := f.tensor(rows, cols)
	labels := []int{0, 2, 1, 1, 0, 2, 2, 0, 1}
	p := layer.Forward(x, nn.Mode{})
	grad := nn.NewTensor[float64]()
	loss, hits := nn.CrossEntropy(p, labels, grad)
	dx := layer.Backward(grad, true)

	lab := make([]int32, rows)
	for i, v := range labels {
		lab[i] = int32(v)
	}
	lb, err := device.Upload(f.d, lab)
	if err != nil {
		t.Fatal(err)
	}
	hb, err := f.d.Alloc(device.I32, rows)
	if err != nil {
		t.Fatal(err)
	}
	pb, gb, lossb, dxb := f.zeros(rows*cols), f.zeros(rows*cols), f.zeros(rows), f.zeros(rows*cols)
	f.d.SoftmaxForward(rows, cols, f.up(x.Data), pb)
	f.d.SoftmaxCrossEntropy(rows, cols, pb, lb, gb, lossb, hb)
	f.d.SoftmaxBackward(rows, cols, pb, gb, dxb)
	ls, err := device.Download[float64](f.d, lossb)
	if err != nil {
		t.Fatal(err)
	}
	hs, err := device.Download[int32](f.d, hb)
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	var correct int
	for i, v := range ls {
		sum += v
		correct += int(hs[i])
	}
	if got := sum / rows; math.Abs(got-loss) > 1e-12*loss || correct != hits {
		t.Errorf("loss %.17g, %d hits; host %.17g, %d", got, correct, loss, hits)
	}
	f.near("dlogits", gb, grad.Data)
	f.near("dx", dxb, dx.Data)
}

// TestBatchNorm1dMatchesNN: BatchNorm1d is BatchNormForward/Backward on the
// B x C x L x 1 view, for B x C and B x C x L inputs, training (running
// statistics) and evaluation.
func TestBatchNorm1dMatchesNN(t *testing.T) {
	for _, shape := range [][]int{{6, 4}, {3, 4, 5}} {
		for _, train := range []bool{true, false} {
			f := newFixture(t)
			const c = 4
			layer := nn.NewBatchNorm1d[float64]("bn", c)
			bn := layer.Inner()
			copy(bn.Weight.Value.Data, []float64{0.5, 1.5, -1, 2})
			copy(bn.Bias.Value.Data, []float64{0.1, -0.2, 0.3, 0})
			copy(bn.RunningMean.Data, []float64{0.2, -0.1, 0.05, 1})
			copy(bn.RunningVar.Data, []float64{1.2, 0.8, 2, 0.5})
			l := 1
			if len(shape) == 3 {
				l = shape[2]
			}
			a := device.NormArgs{Batch: shape[0], C: c, HW: l, Eps: bn.Eps, Momentum: bn.Momentum, Train: train}
			wb, bb := f.up(bn.Weight.Value.Data), f.up(bn.Bias.Value.Data)
			rm, rv := f.up(bn.RunningMean.Data), f.up(bn.RunningVar.Data)
			x := f.tensor(shape...)
			y := layer.Forward(x, nn.Mode{Train: train})
			dy := f.tensor(shape...)
			dx := layer.Backward(dy, true)

			n := len(x.Data)
			xhat, yb, inv := f.zeros(n), f.zeros(n), f.zeros(c)
			f.d.BatchNormForward(a, f.up(x.Data), wb, bb, rm, rv, xhat, yb, inv)
			dw, db, dxb := f.zeros(c), f.zeros(c), f.zeros(n)
			f.d.BatchNormBackward(a, f.up(dy.Data), xhat, wb, inv, dw, db, dxb)
			f.near("y", yb, y.Data)
			f.near("running_mean", rm, bn.RunningMean.Data)
			f.near("running_var", rv, bn.RunningVar.Data)
			f.near("dW", dw, bn.Weight.Grad.Data)
			f.near("db", db, bn.Bias.Grad.Data)
			f.near("dx", dxb, dx.Data)
		}
	}
}

func TestGroupNormMatchesNN(t *testing.T) {
	for _, c := range []struct {
		groups, channels int
		shape            []int
	}{
		{2, 6, []int{3, 6, 4, 5}}, {3, 6, []int{5, 6}}, {1, 4, []int{2, 4, 7}}, {8, 8, []int{2, 8, 3, 3}},
	} {
		f := newFixture(t)
		layer := nn.NewGroupNorm[float64]("gn", c.groups, c.channels)
		copy(layer.Weight.Value.Data, f.randn(c.channels))
		copy(layer.Bias.Value.Data, f.randn(c.channels))
		x := f.tensor(c.shape...)
		y := layer.Forward(x, nn.Mode{Train: true})
		dy := f.tensor(c.shape...)
		dx := layer.Backward(dy, true)
		b, n := c.shape[0], len(x.Data)
		a := device.GroupArgs{Batch: b, C: c.channels, HW: n / (b * c.channels), Groups: c.groups, Eps: layer.Eps}
		wb, bb := f.up(layer.Weight.Value.Data), f.up(layer.Bias.Value.Data)
		xhat, yb, inv := f.zeros(n), f.zeros(n), f.zeros(b*c.groups)
		f.d.GroupNormForward(a, f.up(x.Data), wb, bb, xhat, yb, inv)
		dw, db, dxb := f.zeros(c.channels), f.zeros(c.channels), f.zeros(n)
		f.d.GroupNormBackward(a, f.up(dy.Data), xhat, wb, inv, dw, db, dxb)
		f.near("y", yb, y.Data)
		f.near("dW", dw, layer.Weight.Grad.Data)
		f.near("db", db, layer.Bias.Grad.Data)
		f.near("dx", dxb, dx.Data)
	}
}

// TestExtendedFactorsMatchOptim refreshes AdaFisher's extended factors of
// an Embedding and of BatchNorm1d layers on B x C x L and B x C inputs from
// their captures with the device operations, and compares them with
// optim.AdaFisher's (Extend set), in both factor modes.
func TestExtendedFactorsMatchOptim(t *testing.T) {
	for _, mode := range []string{"reference", "paper"} {
		f := newFixture(t)
		const b, tn, num, dim, classes = 4, 5, 7, 3, 4
		model := nn.NewModel[float64]("emb", []int{tn}, classes,
			nn.NewEmbedding[float64]("emb", num, dim), nn.NewBatchNorm1d[float64]("bn3", tn), &nn.Flatten[float64]{},
			nn.NewBatchNorm1d[float64]("bn2", tn*dim), nn.NewLinear[float64]("fc", tn*dim, classes, true))
		model.Reset(3)
		opt, err := optim.NewAdaFisher(model, optim.FisherConfig{LR: 1e-3, Beta: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 1, Mode: mode, Extend: true})
		if err != nil {
			t.Fatal(err)
		}
		paper := mode == "paper"
		prev := map[string][4]device.Buffer{}
		labels := []int{0, 3, 1, 2}
		for step := 0; step < 2; step++ {
			x := nn.NewTensor[float64](b, tn)
			for i := range x.Data {
				x.Data[i] = float64(f.rng.IntN(num - 2)) // rows num-2 and num-1 never looked up
			}
			logits, err := model.Forward(x, nn.Mode{Train: true, Capture: true})
			if err != nil {
				t.Fatal(err)
			}
			grad := nn.NewTensor[float64]()
			nn.CrossEntropy(logits, labels, grad)
			model.ZeroGrad()
			model.Backward(grad)
			caps := model.Captures()
			if err := opt.Step(optim.StepInput[float64]{Captures: caps}); err != nil {
				t.Fatal(err)
			}
			st := opt.State()
			seen := 0
			for _, c := range caps {
				if c.Kind != nn.KindEmbedding && c.Kind != nn.KindBatchNorm1d {
					continue
				}
				seen++
				hn, sn := len(st.Tensors[c.Layer+".H_D"].Data), len(st.Tensors[c.Layer+".S_D"].Data)
				h, s := f.zeros(hn), f.zeros(sn)
				hAvg, sAvg := f.zeros(hn), f.zeros(sn)
				if step > 0 {
					h, s, hAvg, sAvg = prev[c.Layer][0], prev[c.Layer][1], prev[c.Layer][2], prev[c.Layer][3]
				}
				hr, sr := f.zeros(hn), f.zeros(sn)
				g := f.up(c.G.Data)
				if c.Kind == nn.KindEmbedding {
					idx := make([]int32, len(c.A.Data))
					for i, v := range c.A.Data {
						idx[i] = int32(v)
					}
					ib, err := device.Upload(f.d, idx)
					if err != nil {
						t.Fatal(err)
					}
					f.d.FisherRawEmbedding(len(idx), num, dim, ib, g, hr, sr)
				} else {
					sh := c.A.Shape
					l := 1
					if len(sh) == 3 {
						l = sh[2]
					}
					f.d.FisherRawBatchNorm(sh[0], sh[1], l, f.up(c.A.Data), g, hr, sr)
				}
				f.d.FisherUpdate(h, hAvg, hr, hn, 0.8, paper, step == 0)
				f.d.FisherUpdate(s, sAvg, sr, sn, 0.8, paper, step == 0)
				f.near(mode+" "+c.Layer+".H_D", h, st.Tensors[c.Layer+".H_D"].Data)
				f.near(mode+" "+c.Layer+".S_D", s, st.Tensors[c.Layer+".S_D"].Data)
				prev[c.Layer] = [4]device.Buffer{h, s, hAvg, sAvg}
			}
			if seen != 3 {
				t.Fatalf("%d extended captures, want 3", seen)
			}
		}
	}
}

// TestEmbeddingFactorRaw checks the fresh Embedding diagonals by hand:
// frequencies of the indices and mean squares of the gradient columns.
func TestEmbeddingFactorRaw(t *testing.T) {
	f := newFixture(t)
	idx := []int32{2, 0, 2, 3}
	g := []float64{1, 2, 3, -1, 0, 4, 2, 2}
	ib, err := device.Upload(f.d, idx)
	if err != nil {
		t.Fatal(err)
	}
	h, s := f.zeros(5), f.zeros(2)
	f.d.FisherRawEmbedding(4, 5, 2, ib, f.up(g), h, s)
	f.near("h", h, []float64{0.25, 0, 0.5, 0.25, 0})
	f.near("s", s, []float64{(1 + 9 + 0 + 4) / 4.0, (4 + 1 + 16 + 4) / 4.0})
	bad, err := device.Upload(f.d, []int32{1, 5})
	if err != nil {
		t.Fatal(err)
	}
	f.d.FisherRawEmbedding(2, 5, 2, bad, f.up(g), h, s)
	if err := f.d.Err(); err == nil {
		t.Error("index 5 of a table of 5 rows: no error")
	}
}
