package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
)

// AdaFisher with extended factors (--fisher-extend): Embedding and
// BatchNorm1d layers get factors of their own. Registered in hypers so that
// the MLP matrix of TestMatchesStepper also runs it (a model without those
// kinds, where it must equal plain AdaFisher).
func init() {
	h := hypers["adafisher"]
	h.FisherExtend = true
	hypers["adafisher-ext"] = h
}

// extModel builds the models of the layers in layers_ext.go, nil for other
// names:
//   - "iris-toy", the zoo's (Linear, ReLU, Linear, Softmax: the
//     cross-entropy then takes the log of a softmax of the softmax), on 4
//     features;
//   - "mlp-norm": fc1 (no bias: BatchNorm removes it, leaving its
//     gradient rounding noise), BatchNorm1d on B x 16, ReLU, fc2, GroupNorm
//     of 4 groups on B x 24, tanh, fc3;
//   - "emb-norm", a token model (arch "gpt": token ids in, a label per
//     token): TokenPositionEmbedding, BatchNorm1d on B x T x D (T channels
//     of length D), GroupNorm of 3 groups on B x T x D, a Linear head.
func extModel[T nn.Float](t *testing.T, arch string) *nn.Model[T] {
	t.Helper()
	var m *nn.Model[T]
	switch arch {
	case "iris-toy":
		var err error
		if m, err = models.Build[T](models.Config{Arch: arch, InputShape: []int{4}, Classes: classes, Seed: 7}); err != nil {
			t.Fatal(err)
		}
		return m
	case "mlp-norm":
		m = nn.NewModel[T]("mlp-norm", []int{12}, classes,
			nn.NewLinear[T]("fc1", 12, 16, false), nn.NewBatchNorm1d[T]("bn1", 16), nn.NewActivation[T]("relu"),
			nn.NewLinear[T]("fc2", 16, 24, true), nn.NewGroupNorm[T]("gn1", 4, 24), nn.NewActivation[T]("tanh"),
			nn.NewLinear[T]("fc3", 24, classes, true))
	case "emb-norm":
		const tn, dim = 6, 8
		emb := &nn.TokenPositionEmbedding[T]{Tok: nn.NewEmbedding[T]("tok_emb", classes, dim), Pos: nn.NewEmbedding[T]("pos_emb", tn, dim)}
		m = nn.NewModel[T]("gpt", []int{tn}, classes, emb, nn.NewBatchNorm1d[T]("bn1", tn),
			nn.NewGroupNorm[T]("gn1", 3, tn), nn.NewLinear[T]("head", dim, classes, true))
	default:
		return nil
	}
	m.Reset(7)
	// Affine parameters away from 1 and 0, so that their gradients matter.
	for _, p := range m.Params() {
		if strings.HasPrefix(p.Name, "bn1.") || strings.HasPrefix(p.Name, "gn1.") {
			for i := range p.Value.Data {
				p.Value.Data[i] += T(0.1 * float64(i%5-2))
			}
		}
	}
	return m
}

// TestExtendedMatchesStepper trains the models of layers_ext.go and the
// GPTs with AdaFisher's extended factors (paper mode, where they are always
// on, and --fisher-extend) as TestMatchesStepper does: host train.Stepper
// against the engine on the CPU reference device and on pocl, resumed from
// the host's state, through a ToHost/FromHost round trip.
func TestExtendedMatchesStepper(t *testing.T) {
	type tc struct{ arch, opt string }
	cases := []tc{
		{"iris-toy", "adam"}, {"iris-toy", "sgd"}, {"iris-toy", "adafisher"}, {"iris-toy", "adafisher-pap"},
		{"mlp-norm", "adam"}, {"mlp-norm", "adafisher"}, {"mlp-norm", "adafisher-ext"}, {"mlp-norm", "adafisher-pap"},
		{"mlp-norm", "adafisherw"},
		{"emb-norm", "adam"}, {"emb-norm", "adafisher"}, {"emb-norm", "adafisher-ext"}, {"emb-norm", "adafisher-pap"},
		{"gpt", "adafisher-pap"}, {"gpt-tied", "adafisher-pap"}, {"gpt", "adafisher-ext"},
	}
	for _, dev := range devices(t) {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/float64/%s/%s", devName(dev), c.arch, c.opt), func(t *testing.T) {
				if !dev.Float64() {
					t.Skip("no float64")
				}
				matchStepper[float64](t, dev, c.arch, "", c.opt, 1e-12)
			})
			t.Run(fmt.Sprintf("%s/float32/%s/%s", devName(dev), c.arch, c.opt), func(t *testing.T) {
				tol := 1e-5
				if strings.HasPrefix(c.opt, "adafisher") {
					tol = 1e-3 // MinMax's spread, see TestMatchesStepper
				}
				matchStepper[float32](t, dev, c.arch, "", c.opt, tol)
			})
		}
	}
}
