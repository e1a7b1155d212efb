package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/adafisher-go/landscape/nn"
)

// buildGPT builds a small GPT (minGPT's layout, pre-LayerNorm) over samples
// of T token ids (InputShape [T]) from a vocabulary of c.Classes tokens:
//
//	tok_emb = Embedding(V, D), pos_emb = Embedding(context, D), added
//	Dropout
//	blocks.i, i < layers, each two residual sub-blocks:
//	    x = x + Dropout(attn(ln1(x)))    ln1 = LayerNorm(D) named blocks.i.ln1,
//	                                      attn = CausalSelfAttention with
//	                                      blocks.i.attn.qkv and blocks.i.attn.proj
//	    x = x + Dropout(mlp(ln2(x)))     blocks.i.mlp.fc1 = Linear(D, 4D), GELU,
//	                                      blocks.i.mlp.fc2 = Linear(4D, D)
//	ln_f = LayerNorm(D)
//	head = Linear(D, V, bias=False), or with Tied the transpose of tok_emb's
//	       weight (no tensor of its own)
//
// The output is B x T x V logits: the model predicts every position's next
// token. Initialisation is minGPT's (not PyTorch's default): every Linear
// and Embedding weight from N(0, 0.02), the residual projections
// (attn.proj, mlp.fc2) from N(0, 0.02/sqrt(2*layers)), biases 0, LayerNorm
// weight 1 and bias 0.
func buildGPT[T nn.Float](c Config) (*nn.Model[T], error) {
	layers, heads, dim, ctx := c.Layers, c.Heads, c.Dim, c.Context
	if layers == 0 {
		layers = 2
	}
	if heads == 0 {
		heads = 4
	}
	if dim == 0 {
		dim = 128
	}
	if len(c.InputShape) != 1 || c.InputShape[0] < 1 {
		return nil, fmt.Errorf("model gpt: input shape %v, want [T]: windows of T token ids (--dataset text:FILE)", c.InputShape)
	}
	if ctx == 0 {
		ctx = c.InputShape[0]
	}
	switch {
	case layers < 1 || heads < 1 || dim < 1:
		return nil, fmt.Errorf("model gpt: %d layers, %d heads, dimension %d: want positive numbers", layers, heads, dim)
	case dim%heads != 0:
		return nil, fmt.Errorf("model gpt: dimension %d is not a multiple of %d heads", dim, heads)
	case ctx < c.InputShape[0]:
		return nil, fmt.Errorf("model gpt: context %d is shorter than the samples' %d tokens", ctx, c.InputShape[0])
	case !(c.Dropout >= 0 && c.Dropout < 1):
		return nil, fmt.Errorf("model gpt: dropout %g, want a probability in [0, 1)", c.Dropout)
	}
	seed := c.Seed
	drop := func() *nn.Dropout[T] {
		seed = splitmix(seed)
		return nn.NewDropout[T](c.Dropout, seed)
	}
	emb := &nn.TokenPositionEmbedding[T]{Tok: nn.NewEmbedding[T]("tok_emb", c.Classes, dim), Pos: nn.NewEmbedding[T]("pos_emb", ctx, dim)}
	net := []nn.Layer[T]{emb, drop()}
	var proj []*nn.Linear[T]
	for i := 0; i < layers; i++ {
		p := fmt.Sprintf("blocks.%d.", i)
		attn := nn.NewCausalSelfAttention[T](p+"attn", dim, heads)
		fc1, fc2 := nn.NewLinear[T](p+"mlp.fc1", dim, 4*dim, true), nn.NewLinear[T](p+"mlp.fc2", 4*dim, dim, true)
		proj = append(proj, attn.Proj, fc2)
		net = append(net,
			nn.NewResidual[T](&nn.Sequential[T]{Layers: []nn.Layer[T]{nn.NewLayerNorm[T](p+"ln1", dim), attn, drop()}}, nil, nil),
			nn.NewResidual[T](&nn.Sequential[T]{Layers: []nn.Layer[T]{nn.NewLayerNorm[T](p+"ln2", dim), fc1, nn.NewActivation[T]("gelu"), fc2, drop()}}, nil, nil))
	}
	net = append(net, nn.NewLayerNorm[T]("ln_f", dim))
	if c.Tied {
		net = append(net, &nn.TiedHead[T]{Emb: emb.Tok})
	} else {
		net = append(net, nn.NewLinear[T]("head", dim, c.Classes, false))
	}
	m := nn.NewModel(c.Arch, c.InputShape, c.Classes, net...)
	m.Reset(c.Seed)
	rng := rand.New(rand.NewPCG(c.Seed, 0x6770_7420_696e_6974))
	small := 0.02 / math.Sqrt(2*float64(layers))
	for _, l := range m.ParamLayers() {
		std := 0.02
		for _, q := range proj {
			if nn.ParamLayer[T](q) == l {
				std = small
			}
		}
		for _, p := range l.Params() {
			switch {
			case l.Kind() == nn.KindLayerNorm:
				continue // weight 1, bias 0 from Reset
			case p.Role == "bias":
				clear(p.Value.Data)
			default:
				for i := range p.Value.Data {
					p.Value.Data[i] = T(std * rng.NormFloat64())
				}
			}
		}
	}
	return m, nil
}
