package engine_test

import (
	"fmt"
	"testing"

	"github.com/adafisher-go/landscape/device/engine"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
	"github.com/adafisher-go/landscape/train"
)

func init() {
	h := hypers["adafisher"]
	h.FullFactors = true
	curvHypers["adafisher-full"] = h
	h = hypers["adafisher-pap"]
	h.FullFactors = true
	curvHypers["adafisherw-full"] = h
}

// TestFullFactorsMatchStepper trains with AdaFisher's full factor matrices
// (H_full, S_full in the state) on the host and on the engine, as
// TestKFACMatchesStepper. float32 allows 1e-3 as every AdaFisher test (see
// TestMatchesStepper): min-max normalisation divides by a spread that can
// be a few ulps wide.
func TestFullFactorsMatchStepper(t *testing.T) {
	type tc struct{ arch, opt string }
	cases := []tc{{"mlp", "adafisher-full"}, {"mlp", "adafisherw-full"}, {"cnn", "adafisher-full"}, {"resnet", "adafisherw-full"}, {"gpt", "adafisher-full"}}
	for _, dev := range devices(t) {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/float64/%s/%s", devName(dev), c.arch, c.opt), func(t *testing.T) {
				matchStepper[float64](t, dev, c.arch, "relu", c.opt, 1e-12)
			})
			t.Run(fmt.Sprintf("%s/float32/%s/%s", devName(dev), c.arch, c.opt), func(t *testing.T) {
				matchStepper[float32](t, dev, c.arch, "relu", c.opt, 1e-3)
			})
		}
	}
}

// TestBatchFactors: the batch factors the engine computes from its
// captures equal optim.BatchFactor of the host captures of the same step.
func TestBatchFactors(t *testing.T) {
	for _, dev := range devices(t) {
		for _, arch := range []string{"mlp", "cnn"} {
			t.Run(devName(dev)+"/"+arch, func(t *testing.T) {
				h := hypers["adam"]
				build := func() (*nn.Model[float64], optim.Optimizer[float64]) {
					m := newModel[float64](t, arch, "relu")
					o, err := optim.New("adam", m, h)
					if err != nil {
						t.Fatal(err)
					}
					return m, o
				}
				hm, ho := build()
				dm, do := build()
				xs, ys := batches[float64](1, hm.InputShape)
				r, err := train.NewStepper(hm, ho).Step(xs[0], ys[0], true)
				if err != nil {
					t.Fatal(err)
				}
				e, err := engine.New(dev, dm, do, h)
				if err != nil {
					t.Fatal(err)
				}
				defer e.Close()
				if _, err := e.Step(xs[0], ys[0]); err != nil {
					t.Fatal(err)
				}
				got, err := e.BatchFactors()
				if err != nil {
					t.Fatal(err)
				}
				byLayer := map[string]engine.BatchFactor[float64]{}
				for _, f := range got {
					byLayer[f.Layer] = f
				}
				n := 0
				for _, c := range r.Captures {
					if c.Kind != nn.KindLinear && c.Kind != nn.KindConv2d {
						continue
					}
					n++
					rows, _ := c.A.Rows()
					var wh, ws nn.Tensor[float64]
					optim.BatchFactor(c.A, float64(rows), &wh)
					optim.BatchFactor(c.G, float64(rows), &ws)
					f, ok := byLayer[c.Layer]
					if !ok {
						t.Fatalf("no batch factors of layer %s", c.Layer)
					}
					if d := max(relDiff(wh.Data, f.H.Data), relDiff(ws.Data, f.S.Data)); d > 1e-12 {
						t.Errorf("%s: relative difference %.3g", c.Layer, d)
					}
				}
				if n == 0 || n != len(got) {
					t.Errorf("%d host layers with full factors, %d from the engine", n, len(got))
				}
				if _, err := e.Evaluate(xs[0], ys[0]); err != nil {
					t.Fatal(err)
				}
				if _, err := e.BatchFactors(); err == nil {
					t.Error("BatchFactors after Evaluate: no error")
				}
			})
		}
	}
}
