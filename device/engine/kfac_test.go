package engine_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/device/engine"
	"github.com/adafisher-go/landscape/nn"

	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/train"
)

// curvHypers are the settings of the second-order optimizers' engine tests
// (matchStepper reads them before hypers). K-FAC refreshes its factors
// every 2 steps and decomposes them every 3: the engine, which starts at
// step 2, decomposes at steps 3 and 6; with the small KL clip the clipping
// is active (nu < 1), with the large one not.
var curvHypers = map[string]optim.Hyper{
	"kfac":        {LR: 0.05, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-3, KLClip: 1e-3, TCov: 2, TInv: 3},
	"kfac-noclip": {LR: 0.01, Momentum: 0, StatDecay: 0.9, Damping: 1e-2, KLClip: 1e6, TCov: 1, TInv: 2},
}

// TestKFACMatchesStepper trains the MLP, the CNN, a ResNet-8 and GPTs
// (untied; tied with Dropout) with K-FAC on the host (train.Stepper) and
// on the engine (resumed after two host steps, a ToHost/FromHost round
// trip, a short batch): losses, parameters and every state tensor and
// count agree.
func TestKFACMatchesStepper(t *testing.T) {
	type tc struct{ arch, act, opt string }
	var cases []tc
	for _, act := range []string{"relu", "tanh"} {
		for _, k := range []string{"kfac", "kfac-noclip"} {
			cases = append(cases, tc{"mlp", act, k})
		}
	}
	for _, arch := range []string{"cnn", "resnet", "gpt", "gpt-tied"} {
		cases = append(cases, tc{arch, "", "kfac"})
	}
	for _, dev := range devices(t) {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/float64/%s/%s/%s", devName(dev), c.arch, c.act, c.opt), func(t *testing.T) {
				matchStepper[float64](t, dev, c.arch, c.act, c.opt, 1e-12)
			})
			t.Run(fmt.Sprintf("%s/float32/%s/%s/%s", devName(dev), c.arch, c.act, c.opt), func(t *testing.T) {
				matchStepper[float32](t, dev, c.arch, c.act, c.opt, 1e-5)
			})
		}
	}
}

// eigenInvariant replaces K-FAC's eigenvectors Q (key "<layer>.Q_a" or
// ".Q_g") of the host and the device by what the update reads of them,
// Q diag(1/(d + damping)) Q^T. Within an eigenspace of (nearly) equal
// eigenvalues, such as the null space of an activation factor with more
// columns than the batch has rows, the eigenvectors are any basis: a
// difference of one ulp in the factor (another GEMM order) turns them
// around by O(1), while this operator moves by ulps.
func eigenInvariant[T nn.Float](key string, host, dev optim.State[T], h optim.Hyper) (want, got []T, ok bool) {
	if strings.Contains(key, ".L_root.") || strings.Contains(key, ".R_root.") {
		return rootPower(host.Tensors[key].Data), rootPower(dev.Tensors[key].Data), true
	}
	var dk string
	switch {
	case strings.HasSuffix(key, ".Q_a"):
		dk = strings.TrimSuffix(key, ".Q_a") + ".d_a"
	case strings.HasSuffix(key, ".Q_g"):
		dk = strings.TrimSuffix(key, ".Q_g") + ".d_g"
	default:
		return nil, nil, false
	}
	op := func(st optim.State[T]) []T {
		q, d := st.Tensors[key].Data, st.Tensors[dk].Data
		n := len(d)
		m := make([]T, n*n)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				var s float64
				for k := 0; k < n; k++ {
					s += float64(q[i*n+k]) * float64(q[j*n+k]) / (float64(d[k]) + h.Damping)
				}
				m[i*n+j] = T(s)
			}
		}
		return m
	}
	return op(host), op(dev), true
}

// rootPower returns root^(-4) for one of Shampoo's inverse fourth roots:
// the statistic at its last refresh with its eigenvalues floored. The root
// itself is ill-conditioned (its relative error is a quarter of the
// statistic's condition number times the statistic's), this is not.
func rootPower[T nn.Float](root []T) []T {
	n := int(math.Round(math.Sqrt(float64(len(root)))))
	var s optim.EigenSolver
	w, q := make([]T, n), make([]T, n*n)
	optim.KFACEigen(&s, root, n, w, q)
	m := make([]T, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			var v float64
			for k := 0; k < n; k++ {
				v += float64(q[i*n+k]) * float64(q[j*n+k]) / math.Pow(float64(w[k]), 4)
			}
			m[i*n+j] = T(v)
		}
	}
	return m
}

// TestKFACWeightDecay: K-FAC's weight decay starts at step 20*TCov; the
// engine takes over at step 20 from the host and matches it for 4 steps
// with the decay on.
func TestKFACWeightDecay(t *testing.T) {
	const steps, start = 24, 20
	h := optim.Hyper{LR: 0.02, Momentum: 0.9, StatDecay: 0.95, Damping: 1e-2, KLClip: 1e-2, WeightDecay: 0.05, TCov: 1, TInv: 3}
	for _, dev := range devices(t) {
		t.Run(devName(dev), func(t *testing.T) {
			build := func() (*nn.Model[float64], optim.Optimizer[float64]) {
				m := newModel[float64](t, "mlp", "relu")
				o, err := optim.New("kfac", m, h)
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
				if e == nil {
					if e, err = engine.New(dev, dm, do, h); err != nil {
						t.Fatal(err)
					}
					defer e.Close()
				}
				got, err := e.Step(xs[s], ys[s])
				if err != nil {
					t.Fatal(err)
				}
				if d := math.Abs(got.Loss-want.Loss) / want.Loss; d > 1e-12 {
					t.Errorf("step %d: loss %.17g, host %.17g", s, got.Loss, want.Loss)
				}
			}
			if err := e.ToHost(); err != nil {
				t.Fatal(err)
			}
			for i, p := range hm.Params() {
				if d := relDiff(p.Value.Data, dm.Params()[i].Value.Data); d > 1e-12 {
					t.Errorf("%s: relative difference %.3g", p.Name, d)
				}
			}
			hb, db := ho.State().Tensors, do.State().Tensors
			for k, v := range hb {
				if strings.HasSuffix(k, ".momentum_buffer") {
					if d := relDiff(v.Data, db[k].Data); d > 1e-12 {
						t.Errorf("%s: relative difference %.3g", k, d)
					}
				}
			}
		})
	}
}
