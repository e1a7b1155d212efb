package nn

import (
	"math"
	"testing"
)

// Diagonal captures (Mode.Diagonal) against the diagonals of the full
// capture's A^T A and G^T G, and the channel sums of its A and G, computed by
// brute force from the rows the same layer captured on a full pass.

// colSqBrute returns the diagonal of X^T X for the rows x cols matrix x.
func colSqBrute(x []float64, cols int) []float64 {
	out := make([]float64, cols)
	for r := 0; r < len(x)/cols; r++ {
		for j := 0; j < cols; j++ {
			v := x[r*cols+j]
			out[j] += v * v
		}
	}
	return out
}

// channelSumBrute returns the sums of each channel of a B x C x ... tensor.
func channelSumBrute(x *Tensor[float64]) []float64 {
	b, c := x.Shape[0], x.Shape[1]
	inner := len(x.Data) / (b * c)
	out := make([]float64, c)
	for n := 0; n < b; n++ {
		for k := 0; k < c; k++ {
			for _, v := range x.Data[(n*c+k)*inner : (n*c+k+1)*inner] {
				out[k] += v
			}
		}
	}
	return out
}

func closeSlices(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*max(1, math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %.17g, want %.17g", what, i, got[i], want[i])
		}
	}
}

// passWith runs one forward and backward pass of layer in mode with the
// output gradient dy (drawn once, of the output's shape, on first use) and
// returns the output, the input gradient and the capture.
func passWith(layer ParamLayer[float64], x *Tensor[float64], dy **Tensor[float64], mode Mode, seed uint64) (y, dx *Tensor[float64], c *Capture[float64]) {
	for _, p := range layer.Params() {
		p.Grad.zero()
	}
	y = layer.Forward(x, mode).Clone()
	if *dy == nil {
		*dy = randTensor(newRNG(seed), y.Shape...)
	}
	dx = layer.Backward((*dy).Clone(), true).Clone()
	return y, dx, layer.Captured()
}

func gradsOf(layer ParamLayer[float64]) [][]float64 {
	var out [][]float64
	for _, p := range layer.Params() {
		out = append(out, append([]float64(nil), p.Grad.Data...))
	}
	return out
}

// checkDiagonalCapture runs the layer with a full capture and with a
// diagonal one on the same input and output gradient, checks that both
// passes give the same output and gradients, and returns the two captures.
func checkDiagonalCapture(t *testing.T, layer ParamLayer[float64], x *Tensor[float64], train bool) (full, diag Capture[float64]) {
	t.Helper()
	var dy *Tensor[float64]
	y0, dx0, c := passWith(layer, x, &dy, Mode{Train: train, Capture: true}, 11)
	if c == nil || c.Diagonal || c.A == nil {
		t.Fatalf("full capture: %+v", c)
	}
	full = *c
	full.A, full.G = full.A.Clone(), full.G.Clone()
	g0 := gradsOf(layer)
	y1, dx1, c := passWith(layer, x, &dy, Mode{Train: train, Capture: true, Diagonal: true}, 11)
	if c == nil || !c.Diagonal || c.A != nil || c.G != nil {
		t.Fatalf("diagonal capture: %+v", c)
	}
	diag = *c
	sameData(t, "output", y1.Data, y0.Data)
	sameData(t, "input gradient", dx1.Data, dx0.Data)
	for i, g := range gradsOf(layer) {
		sameData(t, "parameter gradient", g, g0[i])
	}
	if diag.Layer != full.Layer || diag.Kind != full.Kind || diag.Bias != full.Bias || diag.Batch != full.Batch ||
		diag.Spatial != full.Spatial || diag.OutH != full.OutH || diag.OutW != full.OutW {
		t.Errorf("diagonal capture %+v does not describe the layer as the full one %+v", diag, full)
	}
	return full, diag
}

func TestDiagonalCaptureConv2d(t *testing.T) {
	rng := newRNG(21)
	for _, c := range []struct {
		k, s, p, out int
		bias         bool
		shape        []int
	}{
		{3, 2, 1, 4, true, []int{2, 3, 7, 6}},
		{3, 2, 1, 4, false, []int{2, 3, 8, 9}},
		{3, 1, 1, 5, true, []int{3, 2, 6, 5}},
		{3, 1, 1, 5, false, []int{2, 2, 4, 7}},
		{5, 1, 3, 3, true, []int{1, 2, 3, 4}},  // windows wholly in the padding
		{1, 1, 0, 6, false, []int{2, 4, 5, 5}}, // read in place
		{1, 2, 0, 6, false, []int{2, 4, 5, 5}}, // a strided shortcut
		{2, 3, 0, 2, true, []int{2, 1, 8, 7}},  // stride over the kernel
		// Large enough for the engine to share the groups over the cores.
		{3, 2, 1, 16, true, []int{24, 8, 16, 16}},
		{3, 1, 1, 16, false, []int{16, 8, 12, 12}},
	} {
		conv := NewConv2d[float64]("conv", c.shape[1], c.out, c.k, c.s, c.p, c.bias)
		conv.Reset(rng)
		x := randTensor(rng, c.shape...)
		full, diag := checkDiagonalCapture(t, conv, x, true)
		rows, d := full.A.Rows()
		if diag.Rows != rows || len(diag.SumSqA) != d || len(diag.SumSqG) != c.out {
			t.Fatalf("%+v: rows %d, %d and %d sums; want %d, %d and %d", c, diag.Rows, len(diag.SumSqA), len(diag.SumSqG), rows, d, c.out)
		}
		closeSlices(t, "SumSqA", diag.SumSqA, colSqBrute(full.A.Data, d), 1e-12)
		closeSlices(t, "SumSqG", diag.SumSqG, colSqBrute(full.G.Data, c.out), 1e-12)
		// A full capture after a diagonal one is whole again.
		var dy *Tensor[float64]
		if _, _, again := passWith(conv, x, &dy, Mode{Train: true, Capture: true}, 3); again.Diagonal || again.A == nil {
			t.Fatalf("a full capture after a diagonal one: %+v", again)
		}
	}
}

func TestDiagonalCaptureLinear(t *testing.T) {
	rng := newRNG(22)
	for _, shape := range [][]int{{6, 5}, {2, 4, 5}} {
		for _, bias := range []bool{true, false} {
			l := NewLinear[float64]("fc", 5, 3, bias)
			l.Reset(rng)
			x := randTensor(rng, shape...)
			full, diag := checkDiagonalCapture(t, l, x, true)
			rows, _ := full.A.Rows()
			if diag.Rows != rows {
				t.Fatalf("%v: rows %d, want %d", shape, diag.Rows, rows)
			}
			closeSlices(t, "SumSqA", diag.SumSqA, colSqBrute(full.A.Data, 5), 1e-12)
			closeSlices(t, "SumSqG", diag.SumSqG, colSqBrute(full.G.Data, 3), 1e-12)
		}
	}
}

func TestDiagonalCaptureBatchNorm2d(t *testing.T) {
	rng := newRNG(23)
	for _, train := range []bool{true, false} {
		bn := NewBatchNorm2d[float64]("bn", 3)
		for i := range bn.Weight.Value.Data {
			bn.Weight.Value.Data[i] = 0.5 + rng.Float64()
			bn.RunningMean.Data[i] = rng.NormFloat64()
		}
		x := randTensor(rng, 4, 3, 5, 3)
		full, diag := checkDiagonalCapture(t, bn, x, train)
		if diag.Rows != 4*15 {
			t.Fatalf("rows %d, want 60", diag.Rows)
		}
		closeSlices(t, "SumA", diag.SumA, channelSumBrute(full.A), 1e-12)
		closeSlices(t, "SumG", diag.SumG, channelSumBrute(full.G), 1e-12)
	}
}

// TestDiagonalCaptureSequential checks a chain whose BatchNorm2d runs fused
// with its ReLU and writes its input gradient over its output gradient on
// a diagonal capture (which a full capture, keeping dy, does not).
func TestDiagonalCaptureSequential(t *testing.T) {
	rng := newRNG(24)
	conv1 := NewConv2d[float64]("conv1", 2, 4, 3, 1, 1, false)
	bn := NewBatchNorm2d[float64]("bn", 4)
	conv2 := NewConv2d[float64]("conv2", 4, 3, 3, 2, 1, true)
	conv1.Reset(rng)
	conv2.Reset(rng)
	net := &Sequential[float64]{Layers: []Layer[float64]{conv1, bn, NewActivation[float64]("relu"), conv2}}
	x := randTensor(rng, 3, 2, 6, 6)
	var dy *Tensor[float64]
	pass := func(mode Mode) (caps []Capture[float64], dx []float64) {
		for _, l := range []ParamLayer[float64]{conv1, bn, conv2} {
			for _, p := range l.Params() {
				p.Grad.zero()
			}
		}
		y := net.Forward(x, mode)
		if dy == nil {
			dy = randTensor(rng, y.Shape...)
		}
		dx = net.Backward(dy.Clone(), true).Data
		for _, l := range []ParamLayer[float64]{conv1, bn, conv2} {
			c := l.Captured()
			if c == nil {
				t.Fatalf("%s captured nothing", l.Name())
			}
			cc := *c
			if c.A != nil {
				cc.A, cc.G = c.A.Clone(), c.G.Clone()
			}
			caps = append(caps, cc)
		}
		return caps, append([]float64(nil), dx...)
	}
	full, dx0 := pass(Mode{Train: true, Capture: true})
	diag, dx1 := pass(Mode{Train: true, Capture: true, Diagonal: true})
	sameData(t, "input gradient", dx1, dx0)
	closeSlices(t, "conv1 SumSqA", diag[0].SumSqA, colSqBrute(full[0].A.Data, 18), 1e-12)
	closeSlices(t, "conv1 SumSqG", diag[0].SumSqG, colSqBrute(full[0].G.Data, 4), 1e-12)
	closeSlices(t, "bn SumA", diag[1].SumA, channelSumBrute(full[1].A), 1e-12)
	closeSlices(t, "bn SumG", diag[1].SumG, channelSumBrute(full[1].G), 1e-12)
	closeSlices(t, "conv2 SumSqA", diag[2].SumSqA, colSqBrute(full[2].A.Data, 36), 1e-12)
	closeSlices(t, "conv2 SumSqG", diag[2].SumSqG, colSqBrute(full[2].G.Data, 3), 1e-12)
}

// TestDiagonalCaptureConv2dFloat32 checks the float32 path, which sums the
// patch columns' squares from the input row by row (conv2d_diag.go) rather
// than from the patches, against the definition in float64.
func TestDiagonalCaptureConv2dFloat32(t *testing.T) {
	rng := newRNG(25)
	for _, c := range []struct {
		k, s, p, out int
		shape        []int
	}{
		{3, 2, 1, 4, []int{2, 3, 7, 6}},
		{3, 1, 1, 5, []int{3, 2, 6, 5}},
		{5, 1, 3, 3, []int{1, 2, 3, 4}},
		{1, 1, 0, 6, []int{2, 4, 5, 5}},
		{1, 2, 0, 6, []int{2, 4, 5, 5}},
		{2, 3, 0, 2, []int{2, 1, 8, 7}},
		{3, 1, 0, 3, []int{2, 2, 5, 6}},
		{3, 2, 1, 16, []int{24, 8, 16, 16}},
		{3, 1, 1, 16, []int{16, 8, 12, 12}},
		{5, 1, 2, 3, []int{2, 2, 3, 2}},
		{3, 1, 1, 2, []int{2, 3, 1, 1}},
		{7, 1, 3, 2, []int{3, 2, 9, 10}},
	} {
		conv := NewConv2d[float32]("conv", c.shape[1], c.out, c.k, c.s, c.p, true)
		conv.Reset(rng)
		x64 := randTensor(rng, c.shape...)
		x := NewTensor[float32](c.shape...)
		for i, v := range x64.Data {
			x.Data[i] = float32(v)
			x64.Data[i] = float64(x.Data[i])
		}
		y := conv.Forward(x, Mode{Train: true, Capture: true, Diagonal: true})
		dy := NewTensor[float32](y.Shape...)
		dy64 := NewTensor[float64](y.Shape...)
		for i := range dy.Data {
			dy.Data[i] = float32(rng.NormFloat64())
			dy64.Data[i] = float64(dy.Data[i])
		}
		conv.Backward(dy, true)
		got := conv.Captured()
		if got == nil || !got.Diagonal {
			t.Fatalf("%+v: capture %+v", c, got)
		}
		_, d, patches := naiveIm2col(x64, c.k, c.s, c.p)
		closeSlices(t, "SumSqA", got.SumSqA, colSqBrute(patches, d), 1e-12)
		b, oh, ow := y.Shape[0], y.Shape[2], y.Shape[3]
		wantG := make([]float64, c.out)
		for n := 0; n < b; n++ {
			for o := 0; o < c.out; o++ {
				for _, v := range dy64.Data[(n*c.out+o)*oh*ow : (n*c.out+o+1)*oh*ow] {
					wantG[o] += v * v
				}
			}
		}
		closeSlices(t, "SumSqG", got.SumSqG, wantG, 1e-12)
	}
}

// TestDiagonalCaptureBatchNorm2dFloat32 checks the float32 path, which takes
// the channel sums from the passes' own statistics, against float64 sums of
// the same values (to 1e-12 of the sum of magnitudes: the sums cancel).
func TestDiagonalCaptureBatchNorm2dFloat32(t *testing.T) {
	rng := newRNG(26)
	for _, train := range []bool{true, false} {
		bn := NewBatchNorm2d[float32]("bn", 3)
		x := NewTensor[float32](4, 3, 5, 3)
		for i := range x.Data {
			x.Data[i] = float32(rng.NormFloat64())
		}
		y := bn.Forward(x, Mode{Train: train, Capture: true, Diagonal: true})
		dy := NewTensor[float32](y.Shape...)
		for i := range dy.Data {
			dy.Data[i] = float32(rng.NormFloat64())
		}
		want := func(v *Tensor[float32]) (sums, mags []float64) {
			sums, mags = make([]float64, 3), make([]float64, 3)
			for i, f := range v.Data {
				c := i / 15 % 3
				sums[c] += float64(f)
				mags[c] += math.Abs(float64(f))
			}
			return sums, mags
		}
		wantA, magA := want(x)
		wantG, magG := want(dy)
		bn.Backward(dy, true)
		got := bn.Captured()
		if got == nil || !got.Diagonal {
			t.Fatalf("capture %+v", got)
		}
		for c := 0; c < 3; c++ {
			if math.Abs(got.SumA[c]-wantA[c]) > 1e-12*magA[c] || math.Abs(got.SumG[c]-wantG[c]) > 1e-12*magG[c] {
				t.Errorf("train %v channel %d: sums %g %g, want %g %g", train, c, got.SumA[c], got.SumG[c], wantA[c], wantG[c])
			}
		}
	}
}
