package engine_test

import (
	"math"
	"testing"

	"github.com/adafisher-go/landscape/device/engine"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/train"
)

// TestEigenFailureKeepsDecomposition: a factor holding a NaN cannot be
// decomposed; optim counts a failure and keeps the previous decomposition,
// and so does the engine, which then uploads nothing. A NaN is put into
// one factor of the host's and the engine's state after two host steps;
// four engine steps, each refreshing the decompositions, match the host's,
// with the same failure counts.
func TestEigenFailureKeepsDecomposition(t *testing.T) {
	cases := []struct {
		opt, key, count string
		h               optim.Hyper
	}{
		{"kfac", "fc1.m_aa", "fc1.eig_failures", optim.Hyper{LR: 0.05, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-2, TCov: 1, TInv: 1}},
		{"shampoo", "fc1.weight.L.0", "eig_failures", optim.Hyper{LR: 0.05, Momentum: 0.9, Damping: 1e-4, StatDecay: -1,
			UpdateInterval: 1, MaxPrecondDim: 1024, GraftType: "none"}},
	}
	for _, dev := range devices(t) {
		for _, c := range cases {
			t.Run(devName(dev)+"/"+c.opt, func(t *testing.T) {
				const steps, start = 6, 2
				build := func() (*nn.Model[float64], optim.Optimizer[float64]) {
					m := newModel[float64](t, "mlp", "relu")
					o, err := optim.New(c.opt, m, c.h)
					if err != nil {
						t.Fatal(err)
					}
					return m, o
				}
				hm, ho := build()
				dm, do := build()
				xs, ys := batches[float64](steps, hm.InputShape)
				hs, ds := train.NewStepper(hm, ho), train.NewStepper(dm, do)
				var e *engine.Engine[float64]
				for s := 0; s < steps; s++ {
					if s == start {
						for _, o := range []optim.Optimizer[float64]{ho, do} {
							st := o.State()
							st.Tensors[c.key].Data[0] = math.NaN()
							if err := o.LoadState(st); err != nil {
								t.Fatal(err)
							}
						}
						var err error
						if e, err = engine.New(dev, dm, do, c.h); err != nil {
							t.Fatal(err)
						}
						defer e.Close()
					}
					want, err := hs.Step(xs[s], ys[s], false)
					if err != nil {
						t.Fatal(err)
					}
					if s < start {
						if _, err := ds.Step(xs[s], ys[s], false); err != nil {
							t.Fatal(err)
						}
						continue
					}
					got, err := e.Step(xs[s], ys[s])
					if err != nil {
						t.Fatal(err)
					}
					if d := math.Abs(got.Loss-want.Loss) / want.Loss; !(d <= 1e-12) {
						t.Errorf("step %d: loss %.17g, host %.17g", s, got.Loss, want.Loss)
					}
				}
				if err := e.ToHost(); err != nil {
					t.Fatal(err)
				}
				for i, p := range hm.Params() {
					if d := relDiff(p.Value.Data, dm.Params()[i].Value.Data); !(d <= 1e-12) {
						t.Errorf("%s: relative difference %.3g", p.Name, d)
					}
				}
				hf, df := ho.State().Scalars[c.count], do.State().Scalars[c.count]
				if hf < steps-start || df != hf {
					t.Errorf("%s: %v on the engine, %v on the host, want at least %d", c.count, df, hf, steps-start)
				}
			})
		}
	}
}
