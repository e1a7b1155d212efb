package nn

import (
	"math"
	"testing"
)

// Capture rows of the layers added with the residual networks and the GPT,
// checked against direct computation: A against the layer's actual input,
// and G through the parameter gradient it must reproduce by the layer's
// defining formula (so a G of the wrong rows, order or scale fails).

// capturePass runs one forward and backward pass of a layer with capture
// and a random output gradient; it returns the capture and that gradient.
func capturePass(t *testing.T, l Layer[float64], x *Tensor[float64], train bool, seed uint64) (*Capture[float64], *Tensor[float64]) {
	t.Helper()
	p := l.(ParamLayer[float64])
	for _, q := range p.Params() {
		q.Grad.zero()
	}
	y := l.Forward(x, Mode{Train: train, Capture: true})
	if p.Captured() != nil {
		t.Fatal("Captured() is not nil between forward and backward")
	}
	dy := randTensor(newRNG(seed), y.Shape...)
	l.Backward(dy, true)
	c := p.Captured()
	if c == nil {
		t.Fatal("Captured() is nil after a capture pass")
	}
	if c.Layer != p.Name() || c.Kind != p.Kind() {
		t.Fatalf("capture of %s %s, want %s %s", c.Layer, c.Kind, p.Name(), p.Kind())
	}
	l.Forward(x, Mode{Train: train})
	l.Backward(dy, true)
	if p.Captured() != nil {
		t.Fatal("Captured() is not nil after a pass without capture")
	}
	// Leave the gradients of the capture pass in place.
	for _, q := range p.Params() {
		q.Grad.zero()
	}
	l.Forward(x, Mode{Train: train, Capture: true})
	l.Backward(dy, true)
	return p.Captured(), dy
}

func near(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > 1e-12*max(1, math.Abs(want[i])) {
			t.Fatalf("%s[%d] = %.15g, want %.15g", what, i, got[i], want[i])
		}
	}
}

// normGrads returns the weight and bias gradients sum(G*xhat) and sum(G) per
// feature, with xhat the input normalised over groups of `size` consecutive
// values and the feature of flat index i given by feature(i).
func normGrads(a, g []float64, size, features int, feature func(i int) int) (gw, gb []float64) {
	gw, gb = make([]float64, features), make([]float64, features)
	for s := 0; s < len(a); s += size {
		var mean, v float64
		for _, x := range a[s : s+size] {
			mean += x
		}
		mean /= float64(size)
		for _, x := range a[s : s+size] {
			v += (x - mean) * (x - mean)
		}
		inv := 1 / math.Sqrt(v/float64(size)+1e-5)
		for i := s; i < s+size; i++ {
			f := feature(i)
			gw[f] += g[i] * (a[i] - mean) * inv
			gb[f] += g[i]
		}
	}
	return gw, gb
}

func TestCaptureLayerNorm(t *testing.T) {
	for _, shape := range [][]int{{4, 5}, {2, 3, 5}} {
		l := NewLayerNorm[float64]("blocks.0.ln1", 5)
		randomAffine(l, 1)
		x := randTensor(newRNG(2), shape...)
		c, dy := capturePass(t, l, x, true, 3)
		if !SameShape(c.A.Shape, x.Shape) || !SameShape(c.G.Shape, x.Shape) || c.Batch != shape[0] || !c.Bias {
			t.Fatalf("A %v G %v batch %d bias %v; want the input's shape %v, batch %d", c.A.Shape, c.G.Shape, c.Batch, c.Bias, x.Shape, shape[0])
		}
		near(t, "A", c.A.Data, x.Data)
		near(t, "G", c.G.Data, dy.Data)
		gw, gb := normGrads(c.A.Data, c.G.Data, 5, 5, func(i int) int { return i % 5 })
		near(t, "weight gradient from A, G", l.Weight.Grad.Data, gw)
		near(t, "bias gradient from A, G", l.Bias.Grad.Data, gb)
	}
}

func TestCaptureBatchNorm1d(t *testing.T) {
	for _, shape := range [][]int{{6, 3}, {4, 3, 5}} {
		l := NewBatchNorm1d[float64]("bn", 3)
		x := randTensor(newRNG(4), shape...)
		c, dy := capturePass(t, l, x, true, 5)
		spatial := 1
		if len(shape) == 3 {
			spatial = shape[2]
		}
		if !SameShape(c.A.Shape, x.Shape) || !SameShape(c.G.Shape, x.Shape) || c.Batch != shape[0] || c.Spatial != spatial {
			t.Fatalf("A %v G %v batch %d spatial %d; want %v, %d, %d", c.A.Shape, c.G.Shape, c.Batch, c.Spatial, x.Shape, shape[0], spatial)
		}
		near(t, "A", c.A.Data, x.Data)
		near(t, "G", c.G.Data, dy.Data)
		// Batch statistics per channel over (B, L): gather each channel.
		b := shape[0]
		var a, g []float64
		for ch := 0; ch < 3; ch++ {
			for s := 0; s < b; s++ {
				a = append(a, c.A.Data[(s*3+ch)*spatial:(s*3+ch+1)*spatial]...)
				g = append(g, c.G.Data[(s*3+ch)*spatial:(s*3+ch+1)*spatial]...)
			}
		}
		gw, gb := normGrads(a, g, b*spatial, 3, func(i int) int { return i / (b * spatial) })
		near(t, "weight gradient from A, G", l.Inner().Weight.Grad.Data, gw)
		near(t, "bias gradient from A, G", l.Inner().Bias.Grad.Data, gb)
	}
}

func TestCaptureGroupNorm(t *testing.T) {
	l := NewGroupNorm[float64]("gn", 2, 4)
	randomAffine(l, 6)
	x := randTensor(newRNG(7), 3, 4, 2, 3)
	c, dy := capturePass(t, l, x, true, 8)
	if !SameShape(c.A.Shape, x.Shape) || c.Batch != 3 || c.Spatial != 6 {
		t.Fatalf("A %v batch %d spatial %d", c.A.Shape, c.Batch, c.Spatial)
	}
	near(t, "A", c.A.Data, x.Data)
	near(t, "G", c.G.Data, dy.Data)
	gw, gb := normGrads(c.A.Data, c.G.Data, 12, 4, func(i int) int { return (i / 6) % 4 })
	near(t, "weight gradient from A, G", l.Weight.Grad.Data, gw)
	near(t, "bias gradient from A, G", l.Bias.Grad.Data, gb)
}

func TestCaptureEmbedding(t *testing.T) {
	l := NewEmbedding[float64]("tok_emb", 5, 3)
	l.Reset(newRNG(9))
	x := ids(10, 5, 2, 4)
	c, dy := capturePass(t, l, x, true, 11)
	if !SameShape(c.A.Shape, []int{8}) || !SameShape(c.G.Shape, []int{8, 3}) || c.Batch != 2 || c.Spatial != 4 || c.Bias {
		t.Fatalf("A %v G %v batch %d spatial %d bias %v; want [8], [8 3], 2, 4, false", c.A.Shape, c.G.Shape, c.Batch, c.Spatial, c.Bias)
	}
	near(t, "A", c.A.Data, x.Data)
	near(t, "G", c.G.Data, dy.Data)
	// The weight gradient is the one-hot rows of A times G.
	want := make([]float64, 15)
	for r, id := range c.A.Data {
		for j := 0; j < 3; j++ {
			want[int(id)*3+j] += c.G.Data[r*3+j]
		}
	}
	near(t, "weight gradient from A, G", l.Weight.Grad.Data, want)
}

// TestCaptureAttention checks the captures of the attention block's Linear
// layers: qkv sees the block's input rows and proj the heads' outputs, and
// each reproduces its weight gradient as G^T A.
func TestCaptureAttention(t *testing.T) {
	a := NewCausalSelfAttention[float64]("blocks.0.attn", 4, 2)
	randomAffine(a, 12)
	x := randTensor(newRNG(13), 2, 3, 4)
	y := a.Forward(x, Mode{Train: true, Capture: true})
	a.Backward(randTensor(newRNG(14), y.Shape...), true)
	for _, l := range []*Linear[float64]{a.QKV, a.Proj} {
		c := l.Captured()
		if c == nil || c.Batch != 2 || c.Spatial != 3 || !SameShape(c.A.Shape, []int{6, 4}) {
			t.Fatalf("%s: capture %+v", l.Name(), c)
		}
		rows, in := c.A.Rows()
		_, out := c.G.Rows()
		want := make([]float64, out*in)
		for r := 0; r < rows; r++ {
			for o := 0; o < out; o++ {
				for i := 0; i < in; i++ {
					want[o*in+i] += c.G.Data[r*out+o] * c.A.Data[r*in+i]
				}
			}
		}
		near(t, l.Name()+" weight gradient from A, G", l.Weight.Grad.Data, want)
	}
	near(t, "qkv A", a.QKV.Captured().A.Data, x.Data)
	near(t, "proj A", a.Proj.Captured().A.Data, a.out.Data)
}
