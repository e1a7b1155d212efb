package nn

import (
	"testing"
)

// naiveIm2col is the patch matrix by its definition: row (b, oh, ow), column
// (c, i, j) holds x[b, c, oh*s-p+i, ow*s-p+j], 0 in the padding.
func naiveIm2col(x *Tensor[float64], k, s, p int) (rows, d int, out []float64) {
	b, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow := (h+2*p-k)/s+1, (w+2*p-k)/s+1
	d = c * k * k
	rows = b * oh * ow
	out = make([]float64, rows*d)
	for n := 0; n < b; n++ {
		for y := 0; y < oh; y++ {
			for z := 0; z < ow; z++ {
				r := (n*oh+y)*ow + z
				for ch := 0; ch < c; ch++ {
					for i := 0; i < k; i++ {
						for j := 0; j < k; j++ {
							ih, iw := y*s-p+i, z*s-p+j
							if ih >= 0 && ih < h && iw >= 0 && iw < w {
								out[r*d+(ch*k+i)*k+j] = x.Data[((n*c+ch)*h+ih)*w+iw]
							}
						}
					}
				}
			}
		}
	}
	return rows, d, out
}

func sameData(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("%s[%d] = %g, want %g", what, i, got[i], want[i])
		}
	}
}

func aliases(a, b []float64) bool { return len(a) > 0 && len(b) > 0 && &a[0] == &b[0] }

func TestCaptureConv2d(t *testing.T) {
	rng := newRNG(5)
	for _, c := range []struct {
		k, s, p int
		bias    bool
		shape   []int
	}{
		{3, 1, 1, true, []int{2, 3, 5, 4}},
		{3, 2, 1, false, []int{2, 2, 7, 6}},
		{2, 2, 0, true, []int{3, 1, 5, 5}},
		{5, 1, 3, true, []int{1, 2, 3, 4}}, // windows that lie wholly in the padding
	} {
		conv := NewConv2d[float64]("conv", c.shape[1], 4, c.k, c.s, c.p, c.bias)
		conv.Reset(rng)
		x := randTensor(rng, c.shape...)
		// The same layer is used twice, with a capture pass between plain ones,
		// so that stale state would show.
		for pass, capture := range []bool{false, true, false, true} {
			y := conv.Forward(x, Mode{Train: true, Capture: capture})
			if conv.Captured() != nil {
				t.Fatalf("pass %d: Captured() is not nil between forward and backward", pass)
			}
			dy := randTensor(rng, y.Shape...)
			conv.Backward(dy, pass%2 == 0)
			got := conv.Captured()
			if !capture {
				if got != nil {
					t.Fatalf("pass %d: Captured() = %+v after a pass without capture", pass, got)
				}
				continue
			}
			if got == nil {
				t.Fatalf("pass %d: Captured() is nil after a capture pass", pass)
			}
			rows, d, patches := naiveIm2col(x, c.k, c.s, c.p)
			b, oh, ow := y.Shape[0], y.Shape[2], y.Shape[3]
			if got.Layer != "conv" || got.Kind != KindConv2d || got.Bias != c.bias || got.Batch != b || got.Spatial != oh*ow {
				t.Errorf("capture %s %s bias %v batch %d spatial %d; want conv Conv2d %v %d %d",
					got.Layer, got.Kind, got.Bias, got.Batch, got.Spatial, c.bias, b, oh*ow)
			}
			if !SameShape(got.A.Shape, []int{rows, d}) || !SameShape(got.G.Shape, []int{rows, 4}) {
				t.Fatalf("A %v, G %v; want [%d %d] and [%d 4]", got.A.Shape, got.G.Shape, rows, d, rows)
			}
			sameData(t, "A", got.A.Data, patches)
			dyMat := make([]float64, rows*4)
			for n := 0; n < b; n++ {
				for o := 0; o < 4; o++ {
					for q := 0; q < oh*ow; q++ {
						dyMat[(n*oh*ow+q)*4+o] = dy.Data[(n*4+o)*oh*ow+q]
					}
				}
			}
			sameData(t, "G", got.G.Data, dyMat)
			if !aliases(got.A.Data, conv.cols.Data) || !aliases(got.G.Data, conv.g.Data) {
				t.Error("capture copies the layer's buffers instead of aliasing them")
			}
		}
	}
}

func TestCaptureBatchNorm2d(t *testing.T) {
	rng := newRNG(6)
	bn := NewBatchNorm2d[float64]("bn1", 3)
	x := randTensor(rng, 2, 3, 4, 5)
	for pass, mode := range []Mode{{Train: true}, {Train: true, Capture: true}, {}, {Capture: true}} {
		y := bn.Forward(x, mode)
		if bn.Captured() != nil {
			t.Fatalf("pass %d: Captured() is not nil between forward and backward", pass)
		}
		dy := randTensor(rng, y.Shape...)
		bn.Backward(dy, true)
		got := bn.Captured()
		if !mode.Capture {
			if got != nil {
				t.Fatalf("pass %d: Captured() is not nil after a pass without capture", pass)
			}
			continue
		}
		if got == nil {
			t.Fatalf("pass %d: Captured() is nil after a capture pass", pass)
		}
		if got.Layer != "bn1" || got.Kind != KindBatchNorm2d || !got.Bias || got.Batch != 2 || got.Spatial != 20 {
			t.Errorf("capture %s %s bias %v batch %d spatial %d; want bn1 BatchNorm2d true 2 20",
				got.Layer, got.Kind, got.Bias, got.Batch, got.Spatial)
		}
		if !SameShape(got.A.Shape, x.Shape) || !SameShape(got.G.Shape, x.Shape) {
			t.Fatalf("A %v, G %v; want %v", got.A.Shape, got.G.Shape, x.Shape)
		}
		sameData(t, "A", got.A.Data, x.Data)
		sameData(t, "G", got.G.Data, dy.Data)
		if !aliases(got.A.Data, x.Data) || !aliases(got.G.Data, dy.Data) {
			t.Error("capture copies instead of aliasing")
		}
	}
}

func TestCaptureLinear(t *testing.T) {
	rng := newRNG(7)
	for _, shape := range [][]int{{4, 5}, {2, 3, 5}} {
		l := NewLinear[float64]("fc1", 5, 3, true)
		l.Reset(rng)
		x := randTensor(rng, shape...)
		y := l.Forward(x, Mode{Capture: true})
		dy := randTensor(rng, y.Shape...)
		l.Backward(dy, false)
		got := l.Captured()
		rows := len(x.Data) / 5
		if got == nil || got.Kind != KindLinear || !got.Bias || got.Batch != shape[0] || got.Spatial != rows/shape[0] {
			t.Fatalf("capture %+v", got)
		}
		if !SameShape(got.A.Shape, []int{rows, 5}) || !SameShape(got.G.Shape, []int{rows, 3}) {
			t.Fatalf("A %v, G %v", got.A.Shape, got.G.Shape)
		}
		sameData(t, "A", got.A.Data, x.Data)
		sameData(t, "G", got.G.Data, dy.Data)
		l.Forward(x, Mode{})
		l.Backward(dy, false)
		if l.Captured() != nil {
			t.Error("Captured() is not nil after a pass without capture")
		}
	}
}

// TestCaptureModelCNN checks that a capture pass of the cnn model exposes
// every layer with parameters, by name and kind, with the documented shapes.
func TestCaptureModelCNN(t *testing.T) {
	m, err := buildNet[float64](netConfig{Arch: "cnn", InputShape: []int{1, 8, 8}, Classes: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	rng := newRNG(8)
	x := randTensor(rng, 3, 1, 8, 8)
	labels := []int{0, 1, 3}
	step := func(capture bool) []*Capture[float64] {
		m.ZeroGrad()
		y, err := m.Forward(x, Mode{Train: true, Capture: capture})
		if err != nil {
			t.Fatal(err)
		}
		var dy Tensor[float64]
		CrossEntropy(y, labels, &dy)
		m.Backward(&dy)
		return m.Captures()
	}
	if caps := step(false); len(caps) != 0 {
		t.Fatalf("%d captures after a plain pass, want 0", len(caps))
	}
	caps := step(true)
	want := []struct {
		name    string
		kind    Kind
		a, g    []int
		spatial int
	}{
		{"conv1", KindConv2d, []int{3 * 64, 9}, []int{3 * 64, 16}, 64},
		{"bn1", KindBatchNorm2d, []int{3, 16, 8, 8}, []int{3, 16, 8, 8}, 64},
		{"conv2", KindConv2d, []int{3 * 16, 144}, []int{3 * 16, 32}, 16},
		{"bn2", KindBatchNorm2d, []int{3, 32, 4, 4}, []int{3, 32, 4, 4}, 16},
		{"fc", KindLinear, []int{3, 128}, []int{3, 4}, 1},
	}
	if len(caps) != len(want) {
		t.Fatalf("%d captures, want %d", len(caps), len(want))
	}
	for i, w := range want {
		c := caps[i]
		if c.Layer != w.name || c.Kind != w.kind || !c.Bias || c.Batch != 3 || c.Spatial != w.spatial ||
			!SameShape(c.A.Shape, w.a) || !SameShape(c.G.Shape, w.g) {
			t.Errorf("capture %d: %s %s bias %v batch %d spatial %d A %v G %v; want %s %s true 3 %d %v %v",
				i, c.Layer, c.Kind, c.Bias, c.Batch, c.Spatial, c.A.Shape, c.G.Shape, w.name, w.kind, w.spatial, w.a, w.g)
		}
	}
	if caps := step(false); len(caps) != 0 {
		t.Fatalf("%d captures after a plain pass following a capture pass, want 0", len(caps))
	}
}
