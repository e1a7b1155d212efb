package nn

import (
	"math"
	"testing"
)

// layerParams lists the parameters a layer owns or uses: its own, those of
// the layers inside a container, and those it shares (a tied head), once
// each.
func layerParams(l Layer[float64]) []*Param[float64] {
	var out []*Param[float64]
	seen := map[*Param[float64]]bool{}
	addAll := func(ps []*Param[float64]) {
		for _, p := range ps {
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
		}
	}
	for _, leaf := range leaves(l, nil) {
		if p, ok := leaf.(ParamLayer[float64]); ok {
			addAll(p.Params())
		}
		if s, ok := leaf.(paramSharer[float64]); ok {
			addAll(s.SharedParams())
		}
	}
	return out
}

// randomAffine gives normalisation layers non-trivial weights and biases, and
// resets every other layer with parameters as a model would.
func randomAffine(l Layer[float64], seed uint64) {
	rng := newRNG(seed)
	for _, leaf := range leaves(l, nil) {
		if r, ok := leaf.(Resetter); ok {
			r.Reset(rng)
		}
		if bn, ok := leaf.(*BatchNorm1d[float64]); ok {
			resetLayer(bn.Inner(), seed+1)
			continue
		}
		if bn, ok := leaf.(*BatchNorm2d[float64]); ok {
			resetLayer(bn, seed+1)
			continue
		}
		if p, ok := leaf.(ParamLayer[float64]); ok && (p.Kind() == KindLayerNorm || p.Kind() == KindGroupNorm) {
			for _, q := range p.Params() {
				for i := range q.Value.Data {
					q.Value.Data[i] = 0.5 + rng.Float64()
					if q.Role == "bias" {
						q.Value.Data[i] = rng.NormFloat64()
					}
				}
			}
		}
	}
}

// ids returns a tensor of random integers in [0, n).
func ids(seed uint64, n int, shape ...int) *Tensor[float64] {
	rng := newRNG(seed)
	t := NewTensor[float64](shape...)
	for i := range t.Data {
		t.Data[i] = float64(rng.IntN(n))
	}
	return t
}

func TestGradCheckNewLayers(t *testing.T) {
	rng := newRNG(11)
	train, eval := Mode{Train: true}, Mode{}
	drop := NewDropout[float64](0.3, 5)
	drop.SetStep(7)
	emb := NewEmbedding[float64]("tok_emb", 6, 4)
	cases := []struct {
		name  string
		layer Layer[float64]
		x     *Tensor[float64]
		mode  Mode
		input bool // check the input gradient
	}{
		{"layernorm/2d", NewLayerNorm[float64]("ln", 5), randTensor(rng, 3, 5), train, true},
		{"layernorm/3d", NewLayerNorm[float64]("ln", 4), randTensor(rng, 2, 3, 4), eval, true},
		{"batchnorm1d/2d/train", NewBatchNorm1d[float64]("bn", 3), randTensor(rng, 5, 3), train, true},
		{"batchnorm1d/3d/train", NewBatchNorm1d[float64]("bn", 3), randTensor(rng, 2, 3, 4), train, true},
		{"batchnorm1d/2d/eval", NewBatchNorm1d[float64]("bn", 3), randTensor(rng, 4, 3), eval, true},
		{"groupnorm/4d", NewGroupNorm[float64]("gn", 2, 4), randTensor(rng, 2, 4, 3, 2), train, true},
		{"groupnorm/3d/one-group", NewGroupNorm[float64]("gn", 1, 3), randTensor(rng, 2, 3, 4), train, true},
		{"groupnorm/per-channel", NewGroupNorm[float64]("gn", 3, 3), randTensor(rng, 2, 3, 5), train, true},
		{"avgpool/k2/s2", NewAvgPool2d[float64](2, 2), randTensor(rng, 2, 3, 5, 4), train, true},
		{"avgpool/k3/s1", NewAvgPool2d[float64](3, 1), randTensor(rng, 1, 2, 5, 6), train, true},
		{"globalavgpool", &GlobalAvgPool2d[float64]{}, randTensor(rng, 2, 3, 4, 5), train, true},
		{"dropout/train", drop, randTensor(rng, 4, 6), train, true},
		{"dropout/eval", NewDropout[float64](0.5, 1), randTensor(rng, 3, 4), eval, true},
		{"residual/identity", NewResidual[float64](&Sequential[float64]{Layers: []Layer[float64]{
			NewLinear[float64]("fc", 4, 4, true), NewActivation[float64]("tanh")}}, nil, nil), randTensor(rng, 3, 4), train, true},
		{"residual/shortcut/post", NewResidual[float64](
			&Sequential[float64]{Layers: []Layer[float64]{NewConv2d[float64]("c1", 2, 3, 3, 2, 1, false), NewBatchNorm2d[float64]("bn1", 3)}},
			&Sequential[float64]{Layers: []Layer[float64]{NewConv2d[float64]("s.0", 2, 3, 1, 2, 0, false), NewBatchNorm2d[float64]("s.1", 3)}},
			NewActivation[float64]("tanh")), randTensor(rng, 2, 2, 5, 4), train, true},
		{"attention/1head", NewCausalSelfAttention[float64]("attn", 4, 1), randTensor(rng, 2, 3, 4), train, true},
		{"attention/2heads", NewCausalSelfAttention[float64]("attn", 6, 2), randTensor(rng, 2, 5, 6), train, true},
		{"embedding", emb, ids(3, 6, 3, 4), train, false},
		{"embedding/repeats", NewEmbedding[float64]("e", 2, 3), ids(4, 2, 7), train, false},
		{"tok+pos", &TokenPositionEmbedding[float64]{Tok: NewEmbedding[float64]("tok_emb", 5, 3), Pos: NewEmbedding[float64]("pos_emb", 6, 3)}, ids(5, 5, 2, 4), train, false},
		{"tiedhead", &TiedHead[float64]{Emb: emb}, randTensor(rng, 2, 3, 4), train, true},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			randomAffine(c.layer, uint64(500+i))
			gradCheckOpts(t, c.layer, c.x, c.mode, uint64(600+i), c.input)
		})
	}
}

// TestDropoutMask checks the drop rate, the scaling, and that the mask
// depends on the seed and the step only.
func TestDropoutMask(t *testing.T) {
	x := NewTensor[float64](10000)
	for i := range x.Data {
		x.Data[i] = 1
	}
	d := NewDropout[float64](0.25, 3)
	d.SetStep(4)
	y := append([]float64(nil), d.Forward(x, Mode{Train: true}).Data...)
	zeros := 0
	for _, v := range y {
		switch v {
		case 0:
			zeros++
		case 1 / 0.75:
		default:
			t.Fatalf("output %v, want 0 or 1/(1-p)", v)
		}
	}
	if zeros < 2300 || zeros > 2700 {
		t.Errorf("%d of 10000 dropped, want about 2500", zeros)
	}
	again := d.Forward(x, Mode{Train: true}).Data
	for i := range y {
		if again[i] != y[i] {
			t.Fatal("two passes of the same step draw different masks")
		}
	}
	d.SetStep(5)
	diff := 0
	for i, v := range d.Forward(x, Mode{Train: true}).Data {
		if v != y[i] {
			diff++
		}
	}
	if diff == 0 {
		t.Error("the next step draws the same mask")
	}
	if out := d.Forward(x, Mode{}); out != x {
		t.Error("evaluation mode is not the identity")
	}
}

// TestAttentionIsCausal checks that an output position does not depend on
// later inputs.
func TestAttentionIsCausal(t *testing.T) {
	a := NewCausalSelfAttention[float64]("attn", 4, 2)
	randomAffine(a, 1)
	x := randTensor(newRNG(2), 1, 5, 4)
	y := append([]float64(nil), a.Forward(x, Mode{}).Data...)
	for j := 12; j < 20; j++ { // positions 3 and 4
		x.Data[j] += 1
	}
	y2 := a.Forward(x, Mode{}).Data
	for i := 0; i < 12; i++ {
		if y2[i] != y[i] {
			t.Fatalf("output %d changed with a later input", i)
		}
	}
	for i := 12; i < 20; i++ {
		if y2[i] != y[i] {
			return
		}
	}
	t.Error("later outputs did not change")
}

// TestEmbeddingRejectsBadIDs checks the error for an index out of range or
// not an integer.
func TestEmbeddingRejectsBadIDs(t *testing.T) {
	m := NewModel[float64]("emb", []int{2}, 3, NewEmbedding[float64]("e", 3, 2))
	for _, v := range []float64{3, -1, 0.5} {
		_, err := m.Forward(&Tensor[float64]{Shape: []int{1, 2}, Data: []float64{0, v}}, Mode{})
		if err == nil {
			t.Errorf("index %v: no error", v)
		}
	}
}

func TestLayerNormMatchesDefinition(t *testing.T) {
	l := NewLayerNorm[float64]("ln", 3)
	y := l.Forward(&Tensor[float64]{Shape: []int{1, 3}, Data: []float64{1, 2, 6}}, Mode{})
	mean, v := 3.0, (4+1+9)/3.0
	for i, x := range []float64{1, 2, 6} {
		if want := (x - mean) / math.Sqrt(v+1e-5); math.Abs(y.Data[i]-want) > 1e-12 {
			t.Errorf("y[%d] = %v, want %v", i, y.Data[i], want)
		}
	}
}
