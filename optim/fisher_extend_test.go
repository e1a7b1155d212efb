package optim

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

// The extended factors for Embedding and BatchNorm1d, against their
// definitions computed directly (fisher_extend.go, README).
func TestExtendedDiagonals(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	fill := func(t *nn.Tensor[float64]) {
		for i := range t.Data {
			t.Data[i] = rng.NormFloat64()
		}
	}
	t.Run("Embedding", func(t *testing.T) {
		const V, D = 6, 3
		e := nn.NewEmbedding[float64]("tok_emb", V, D)
		e.Reset(rng)
		ids := &nn.Tensor[float64]{Shape: []int{2, 4}, Data: []float64{0, 2, 2, 5, 1, 2, 0, 0}}
		y := e.Forward(ids, nn.Mode{Train: true, Capture: true})
		dy := nn.NewTensor[float64](y.Shape...)
		fill(dy)
		e.Backward(dy, false)
		hl, sl, err := extendedDiagLens(nn.KindEmbedding, e.Weight.Value.Shape)
		if err != nil || hl != V || sl != D {
			t.Fatalf("lengths %d %d %v", hl, sl, err)
		}
		h, s := make([]float64, V), make([]float64, D)
		if err := rawDiagonals(e.Captured(), h, s); err != nil {
			t.Fatal(err)
		}
		// One-hot rows: H[v] = count(v)/N.
		near(t, "H", h, []float64{3.0 / 8, 1.0 / 8, 3.0 / 8, 0, 0, 1.0 / 8}, 1e-15)
		wantS := make([]float64, D)
		for r := 0; r < 8; r++ {
			for d := 0; d < D; d++ {
				wantS[d] += dy.Data[r*D+d] * dy.Data[r*D+d] / 8
			}
		}
		near(t, "S", s, wantS, 1e-12)
	})
	t.Run("BatchNorm1d equals the BatchNorm2d view", func(t *testing.T) {
		for _, shape := range [][]int{{5, 3}, {4, 3, 6}} {
			bn1 := nn.NewBatchNorm1d[float64]("bn", 3)
			bn2 := nn.NewBatchNorm2d[float64]("bn", 3)
			x := nn.NewTensor[float64](shape...)
			fill(x)
			l := 1
			if len(shape) == 3 {
				l = shape[2]
			}
			x4 := &nn.Tensor[float64]{Shape: []int{shape[0], 3, l, 1}, Data: x.Data}
			y := bn1.Forward(x, nn.Mode{Train: true, Capture: true})
			bn2.Forward(x4, nn.Mode{Train: true, Capture: true})
			dy := nn.NewTensor[float64](y.Shape...)
			fill(dy)
			bn1.Backward(dy, false)
			bn2.Backward(&nn.Tensor[float64]{Shape: x4.Shape, Data: dy.Data}, false)
			h1, s1, h2, s2 := make([]float64, 2), make([]float64, 3), make([]float64, 2), make([]float64, 3)
			if err := rawDiagonals(bn1.Captured(), h1, s1); err != nil {
				t.Fatal(err)
			}
			if err := rawDiagonals(bn2.Captured(), h2, s2); err != nil {
				t.Fatal(err)
			}
			near(t, "H", h1, h2, 0)
			near(t, "S", s1, s2, 0)
		}
	})
}

// TestAdaFisherExtend checks which parameters get factors with and without
// the extension, and that paper mode turns it on.
func TestAdaFisherExtend(t *testing.T) {
	m := nn.NewModel[float64]("emb-bn", []int{4}, 3,
		nn.NewEmbedding[float64]("emb", 5, 3), &nn.Flatten[float64]{},
		nn.NewBatchNorm1d[float64]("bn", 12), nn.NewLinear[float64]("fc", 12, 3, true))
	m.Reset(1)
	for _, c := range []struct {
		h    Hyper
		want []string
	}{
		{Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 1, FisherMode: "reference"}, []string{"emb.weight", "bn.weight", "bn.bias"}},
		{Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 1, FisherMode: "reference", FisherExtend: true}, nil},
		{Hyper{LR: 1e-3, Beta1: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 1, FisherMode: "paper"}, nil},
	} {
		o, err := New("adafisher", m, c.h)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.Report().Plain; !slices.Equal(got, c.want) {
			t.Errorf("%+v: F = 1 for %v, want %v", c.h, got, c.want)
		}
		// A step with curvature refreshes every layer's factors.
		x := &nn.Tensor[float64]{Shape: []int{6, 4}, Data: make([]float64, 24)}
		for i := range x.Data {
			x.Data[i] = float64((i * 7) % 5)
		}
		m.ZeroGrad()
		y, err := m.Forward(x, nn.Mode{Train: true, Capture: true})
		if err != nil {
			t.Fatal(err)
		}
		var dy nn.Tensor[float64]
		nn.CrossEntropy(y, []int{0, 1, 2, 0, 1, 2}, &dy)
		m.Backward(&dy)
		w := m.Param("emb.weight")
		before, g := w.Value.Clone(), w.Grad.Clone()
		if err := o.Step(StepInput[float64]{Captures: m.Captures()}); err != nil {
			t.Fatal(err)
		}
		layers := map[string]FactorLayer[float64]{}
		for _, f := range o.Report().Factors {
			layers[f.Layer] = f
		}
		if c.want != nil {
			continue
		}
		f, ok := layers["emb"]
		if _, bn := layers["bn"]; !ok || !bn {
			t.Fatalf("%+v: factors for %v", c.h, layers)
		}
		// The first step is p -= lr * g / F with F[v,d] = S[d]*H[v] + Lambda.
		for v := 0; v < 5; v++ {
			for d := 0; d < 3; d++ {
				i := v*3 + d
				F := f.S[d]*f.H[v] + c.h.Lambda
				if want := before.Data[i] - c.h.LR*g.Data[i]/F; !closeTo(w.Value.Data[i], want, 1e-12) {
					t.Fatalf("%+v: emb.weight[%d,%d] = %v, want %v", c.h, v, d, w.Value.Data[i], want)
				}
			}
		}
	}
}

func closeTo(a, b, tol float64) bool {
	d := a - b
	if d < 0 {
		d = -d
	}
	return d <= tol*max(1, max(a, -a))
}
