package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
)

func fisherDefaults() FisherConfig {
	return FisherConfig{LR: 1e-3, Beta: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 100, Mode: "reference"}
}

// workedVector builds the Linear(2, 2) of reference section 6 with its
// parameters, gradients and capture.
func workedVector(t *testing.T) (*nn.Model[float64], []*nn.Capture[float64]) {
	t.Helper()
	fc := nn.NewLinear[float64]("fc", 2, 2, true)
	m := nn.NewModel[float64]("test", []int{2}, 2, fc)
	copy(fc.Weight.Value.Data, []float64{0.1, 0.2, -0.1, 0.3})
	copy(fc.Bias.Value.Data, []float64{0, 0})
	copy(fc.Weight.Grad.Data, []float64{0.2, -0.1, 0, 0.4})
	copy(fc.Bias.Grad.Data, []float64{0.05, -0.3})
	c := &nn.Capture[float64]{Layer: "fc", Kind: nn.KindLinear, Bias: true,
		A:     &nn.Tensor[float64]{Shape: []int{2, 2}, Data: []float64{1, 2, 3, 0}},
		G:     &nn.Tensor[float64]{Shape: []int{2, 2}, Data: []float64{0.5, 0.1, -0.5, 0.3}},
		Batch: 2, Spatial: 1}
	return m, []*nn.Capture[float64]{c}
}

func near(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol {
			t.Fatalf("%s[%d] = %.12g, want %.12g (tolerance %g)", what, i, got[i], want[i], tol)
		}
	}
}

// The worked test vector of reference section 6.
func TestAdaFisherWorkedVector(t *testing.T) {
	m, caps := workedVector(t)
	o, err := NewAdaFisher(m, fisherDefaults())
	if err != nil {
		t.Fatal(err)
	}
	if !o.Needs().Curvature {
		t.Fatal("step 0 must refresh the factors")
	}
	if err := o.Step(StepInput[float64]{Captures: caps}); err != nil {
		t.Fatal(err)
	}
	fl := o.byName["fc"]
	near(t, "H", fl.H, []float64{0.087999998, 0.0819999995, 0.08}, 1e-9)
	near(t, "S", fl.S, []float64{0.08799996, 0.08}, 1e-9)
	near(t, "F weight", fl.fW, []float64{0.0087439963, 0.0082159967, 0.0080399998, 0.00756}, 1e-9)
	near(t, "F bias", fl.fB, []float64{0.0080399968, 0.0074}, 1e-9)
	near(t, "weight", m.Params()[0].Value.Data, []float64{0.07712716, 0.21217138, -0.1, 0.24708995}, 1e-8)
	near(t, "bias", m.Params()[1].Value.Data, []float64{-0.00621891, 0.04054054}, 1e-8)
	if o.Needs().Curvature {
		t.Fatal("step 1 must not refresh the factors with TCov 100")
	}

	// AdaFisherW with weight decay 0.01 subtracts lr*wd*theta more.
	m2, caps2 := workedVector(t)
	cfg := fisherDefaults()
	cfg.Decoupled, cfg.WeightDecay = true, 0.01
	w, err := NewAdaFisher(m2, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Step(StepInput[float64]{Captures: caps2}); err != nil {
		t.Fatal(err)
	}
	near(t, "AdaFisherW weight", m2.Params()[0].Value.Data, []float64{0.07712616, 0.21216938, -0.099999, 0.24708695}, 1e-8)
}

// AdaFisherW equals AdaFisher without decay; with decay they differ exactly
// as reference sections 5.1 (coupled: the decay joins the gradient, so it is
// averaged into m and divided by F) and 5.2 (decoupled: lr*wd*p, not divided).
func TestAdaFisherDecay(t *testing.T) {
	run := func(decoupled bool, wd float64, steps int) (*nn.Model[float64], *AdaFisher[float64]) {
		m, caps := workedVector(t)
		cfg := fisherDefaults()
		cfg.Decoupled, cfg.WeightDecay, cfg.TCov = decoupled, wd, 1
		o, err := NewAdaFisher(m, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < steps; k++ {
			for j, p := range m.Params() {
				for i := range p.Grad.Data {
					p.Grad.Data[i] = math.Sin(float64(1+i+3*j+7*k)) * 0.1
				}
			}
			if err := o.Step(StepInput[float64]{Captures: caps}); err != nil {
				t.Fatal(err)
			}
		}
		return m, o
	}
	a, _ := run(false, 0, 5)
	b, _ := run(true, 0, 5)
	for i, p := range a.Params() {
		for j, v := range p.Value.Data {
			if v != b.Params()[i].Value.Data[j] {
				t.Fatalf("without decay AdaFisher and AdaFisherW differ at %s[%d]: %v vs %v", p.Name, j, v, b.Params()[i].Value.Data[j])
			}
		}
	}
	// One step from the same state, by hand.
	const wd = 0.05
	for _, decoupled := range []bool{false, true} {
		m, o := run(decoupled, wd, 3)
		before := m.Params()[0].Value.Clone()
		mBefore := o.m[0].Clone()
		for i := range m.Params()[0].Grad.Data {
			m.Params()[0].Grad.Data[i] = 0.3 - 0.1*float64(i)
		}
		for i := range m.Params()[1].Grad.Data {
			m.Params()[1].Grad.Data[i] = 0
		}
		_, caps := workedVector(t)
		if err := o.Step(StepInput[float64]{Captures: caps}); err != nil {
			t.Fatal(err)
		}
		f := o.byName["fc"].fW
		bc := 1 - math.Pow(0.9, 4)
		for i, p0 := range before.Data {
			g := 0.3 - 0.1*float64(i)
			var want float64
			if decoupled {
				mm := 0.9*mBefore.Data[i] + 0.1*g
				want = p0 - 1e-3*(mm/bc/f[i]+wd*p0)
			} else {
				mm := 0.9*mBefore.Data[i] + 0.1*(g+wd*p0)
				want = p0 - 1e-3/bc*mm/f[i]
			}
			if got := m.Params()[0].Value.Data[i]; math.Abs(got-want) > 1e-15 {
				t.Fatalf("decoupled=%v: weight[%d] = %.17g, want %.17g", decoupled, i, got, want)
			}
		}
	}
}

// The fresh diagonals equal the formulas of reference sections 3.2 and 3.3,
// computed here directly from the layer's input and output gradient.
func TestFisherDiagonalsMatchFormulas(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	fill := func(t *nn.Tensor[float64]) {
		for i := range t.Data {
			t.Data[i] = rng.NormFloat64()
		}
	}
	t.Run("Linear 3-D", func(t *testing.T) {
		l := nn.NewLinear[float64]("fc", 5, 3, true)
		l.Reset(rng)
		x := nn.NewTensor[float64](4, 2, 5)
		fill(x)
		y := l.Forward(x, nn.Mode{Train: true, Capture: true})
		dy := nn.NewTensor[float64](y.Shape...)
		fill(dy)
		l.Backward(dy, false)
		h, s := make([]float64, 6), make([]float64, 3)
		if err := rawDiagonals(l.Captured(), h, s); err != nil {
			t.Fatal(err)
		}
		wantH, wantS := make([]float64, 6), make([]float64, 3)
		n := 8.0 // tokens count as samples
		for r := 0; r < 8; r++ {
			for j := 0; j < 5; j++ {
				wantH[j] += x.Data[r*5+j] * x.Data[r*5+j] / n
			}
			wantH[5] += 1 / n
			for o := 0; o < 3; o++ {
				wantS[o] += dy.Data[r*3+o] * dy.Data[r*3+o] / n
			}
		}
		near(t, "H", h, wantH, 1e-12)
		near(t, "S", s, wantS, 1e-12)
	})
	t.Run("Conv2d stride 2 padding 1", func(t *testing.T) {
		const B, C, H, W, O, K, st, pad = 2, 3, 7, 6, 4, 3, 2, 1
		c := nn.NewConv2d[float64]("conv", C, O, K, st, pad, true)
		c.Reset(rng)
		x := nn.NewTensor[float64](B, C, H, W)
		fill(x)
		y := c.Forward(x, nn.Mode{Train: true, Capture: true})
		dy := nn.NewTensor[float64](y.Shape...)
		fill(dy)
		c.Backward(dy, false)
		D := C * K * K
		h, s := make([]float64, D+1), make([]float64, O)
		if err := rawDiagonals(c.Captured(), h, s); err != nil {
			t.Fatal(err)
		}
		oh, ow := (H+2*pad-K)/st+1, (W+2*pad-K)/st+1
		wantH, wantS := make([]float64, D+1), make([]float64, O)
		div := float64(B * oh * ow * D) // B * spatial_size, spatial_size = OH*OW*D
		for b := 0; b < B; b++ {
			for i := 0; i < oh; i++ {
				for j := 0; j < ow; j++ {
					for ch := 0; ch < C; ch++ {
						for ki := 0; ki < K; ki++ {
							for kj := 0; kj < K; kj++ {
								yy, xx := i*st-pad+ki, j*st-pad+kj
								var v float64
								if yy >= 0 && yy < H && xx >= 0 && xx < W {
									v = x.Data[((b*C+ch)*H+yy)*W+xx]
								}
								wantH[(ch*K+ki)*K+kj] += v * v / div
							}
						}
					}
					wantH[D] += 1 / div
					for o := 0; o < O; o++ {
						g := dy.Data[((b*O+o)*oh+i)*ow+j]
						wantS[o] += g * g / float64(B*oh*ow)
					}
				}
			}
		}
		near(t, "H", h, wantH, 1e-12)
		near(t, "S", s, wantS, 1e-12)
	})
	t.Run("BatchNorm2d", func(t *testing.T) {
		const B, C, H, W = 3, 4, 5, 2
		bn := nn.NewBatchNorm2d[float64]("bn", C)
		x := nn.NewTensor[float64](B, C, H, W)
		fill(x)
		y := bn.Forward(x, nn.Mode{Train: true, Capture: true})
		dy := nn.NewTensor[float64](y.Shape...)
		fill(dy)
		bn.Backward(dy, false)
		h, s := make([]float64, 2), make([]float64, C)
		if err := rawDiagonals(bn.Captured(), h, s); err != nil {
			t.Fatal(err)
		}
		hw := float64(H * W)
		var sumU2 float64
		wantS := make([]float64, C)
		for c := 0; c < C; c++ {
			var u, tt float64
			for b := 0; b < B; b++ {
				for k := 0; k < H*W; k++ {
					u += x.Data[(b*C+c)*H*W+k]
					tt += dy.Data[(b*C+c)*H*W+k]
				}
			}
			u /= hw * hw
			sumU2 += u * u
			wantS[c] = tt * tt / B
		}
		near(t, "H", h, []float64{sumU2 / (B * B), float64(C) / (B * B)}, 1e-12)
		near(t, "S", s, wantS, 1e-12)
	})
	t.Run("LayerNorm B x T x D", func(t *testing.T) {
		const B, T, D = 3, 4, 5
		a, g := nn.NewTensor[float64](B, T, D), nn.NewTensor[float64](B, T, D)
		fill(a)
		fill(g)
		c := &nn.Capture[float64]{Layer: "ln", Kind: nn.KindLayerNorm, Bias: true, A: a, G: g, Batch: B}
		h, s := make([]float64, 2), make([]float64, D)
		if err := rawDiagonals(c, h, s); err != nil {
			t.Fatal(err)
		}
		// Reduce over all dims but 1 (the sequence), dim_norm = D.
		var sumU2 float64
		for k := 0; k < T; k++ {
			var u float64
			for b := 0; b < B; b++ {
				for d := 0; d < D; d++ {
					u += a.Data[(b*T+k)*D+d]
				}
			}
			u /= D * D
			sumU2 += u * u
		}
		wantS := make([]float64, D)
		for d := 0; d < D; d++ {
			var tt float64
			for r := 0; r < B*T; r++ {
				tt += g.Data[r*D+d]
			}
			wantS[d] = tt * tt / B
		}
		near(t, "H", h, []float64{sumU2 / (B * B), float64(T) / (B * B)}, 1e-12)
		near(t, "S", s, wantS, 1e-12)
	})
}

// The transient of reference section 6 with the default settings: F lies in
// about [7.4e-3, 8.74e-3] for steps 0-99, then near Lambda.
func TestAdaFisherTransient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, err := models.Build[float64](models.Config{Arch: "mlp", InputShape: []int{4}, Hidden: []int{8}, Classes: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewAdaFisher(m, fisherDefaults())
	if err != nil {
		t.Fatal(err)
	}
	x := nn.NewTensor[float64](32, 4)
	labels := make([]int, 32)
	var dl nn.Tensor[float64]
	lo, hi := map[int]float64{}, map[int]float64{}
	for step := 0; step < 300; step++ {
		for i := range x.Data {
			x.Data[i] = rng.NormFloat64()
		}
		for i := range labels {
			labels[i] = rng.IntN(3)
		}
		m.ZeroGrad()
		capture := o.Needs().Curvature
		out, err := m.Forward(x, nn.Mode{Train: true, Capture: capture})
		if err != nil {
			t.Fatal(err)
		}
		nn.CrossEntropy(out, labels, &dl)
		m.Backward(&dl)
		var caps []*nn.Capture[float64]
		if capture {
			caps = m.Captures()
		}
		if err := o.Step(StepInput[float64]{Captures: caps}); err != nil {
			t.Fatal(err)
		}
		band := step / 100
		if _, ok := lo[band]; !ok {
			lo[band], hi[band] = math.Inf(1), math.Inf(-1)
		}
		for _, fl := range o.layers {
			for _, f := range [][]float64{fl.fW, fl.fB} {
				for _, v := range f {
					lo[band] = min(lo[band], v)
					hi[band] = max(hi[band], v)
				}
			}
		}
	}
	want := [][2]float64{{7.40e-3, 8.74e-3}, {1.0e-3, 1.226e-3}, {1.0e-3, 1.085e-3}}
	for band, w := range want {
		if lo[band] < w[0]-1e-5 || hi[band] > w[1]+1e-5 {
			t.Errorf("steps %d-%d: F in [%.4g, %.4g], want within [%.4g, %.4g]", band*100, band*100+99, lo[band], hi[band], w[0], w[1])
		}
	}
	if hi[0] < 8.0e-3 || lo[0] > 7.6e-3 {
		t.Errorf("steps 0-99: F in [%.4g, %.4g] does not span the transient band", lo[0], hi[0])
	}
}

// A parameter that no supported layer owns is updated with F = 1.
func TestAdaFisherUnsupportedParameter(t *testing.T) {
	m, caps := workedVector(t)
	free := &nn.Param[float64]{Name: "pos_embedding", Value: nn.NewTensor[float64](3), Grad: nn.NewTensor[float64](3)}
	copy(free.Grad.Data, []float64{1, -2, 0.5})
	o, err := NewAdaFisher(m, fisherDefaults())
	if err != nil {
		t.Fatal(err)
	}
	o.params = append(o.params, free)
	o.m = append(o.m, nn.NewTensor[float64](3))
	o.pstep = append(o.pstep, 0)
	o.owner = append(o.owner, nil)
	o.bias = append(o.bias, false)
	if err := o.Step(StepInput[float64]{Captures: caps}); err != nil {
		t.Fatal(err)
	}
	near(t, "free", free.Value.Data, []float64{-1e-3, 2e-3, -5e-4}, 1e-15)
}

// Paper mode averages raw diagonals as gamma*old + (1-gamma)*new and
// normalises after the average.
func TestAdaFisherPaperMode(t *testing.T) {
	m, caps := workedVector(t)
	cfg := fisherDefaults()
	cfg.Mode = "paper"
	o, err := NewAdaFisher(m, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Step(StepInput[float64]{Captures: caps}); err != nil {
		t.Fatal(err)
	}
	fl := o.byName["fc"]
	avgH := []float64{0.8 + 0.2*5, 0.8 + 0.2*2, 0.8 + 0.2*1}
	near(t, "H average", fl.hAvg, avgH, 1e-15)
	d := avgH[0] - avgH[2] + 1e-6
	near(t, "H", fl.H, []float64{(avgH[0] - avgH[2]) / d, (avgH[1] - avgH[2]) / d, 0}, 1e-15)
	avgS := []float64{0.8 + 0.2*0.25, 0.8 + 0.2*0.05}
	near(t, "S average", fl.sAvg, avgS, 1e-15)
}
