package optim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
)

// A diagonal capture (nn.Mode.Diagonal) gives the same fresh diagonals as
// the full capture of the same pass, whose diagonals
// TestFisherDiagonalsMatchFormulas checks against the formulas.
func TestFisherDiagonalsFromSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	fill := func(x *nn.Tensor[float64]) *nn.Tensor[float64] {
		for i := range x.Data {
			x.Data[i] = rng.NormFloat64()
		}
		return x
	}
	for _, c := range []struct {
		name  string
		layer nn.ParamLayer[float64]
		in    []int
	}{
		{"Linear 2-D", nn.NewLinear[float64]("fc", 5, 3, true), []int{6, 5}},
		{"Linear 3-D", nn.NewLinear[float64]("fc", 5, 3, true), []int{4, 2, 5}},
		{"Linear 3-D without bias", nn.NewLinear[float64]("fc", 5, 3, false), []int{4, 2, 5}},
		{"Conv2d stride 2 padding 1", nn.NewConv2d[float64]("conv", 3, 4, 3, 2, 1, true), []int{2, 3, 7, 6}},
		{"Conv2d stride 2 padding 1 without bias", nn.NewConv2d[float64]("conv", 3, 4, 3, 2, 1, false), []int{2, 3, 7, 6}},
		{"Conv2d stride 1 padding 1", nn.NewConv2d[float64]("conv", 2, 5, 3, 1, 1, true), []int{3, 2, 6, 5}},
		{"BatchNorm2d", nn.NewBatchNorm2d[float64]("bn", 4), []int{3, 4, 5, 2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if r, ok := c.layer.(interface{ Reset(*rand.Rand) }); ok {
				r.Reset(rng)
			}
			x := fill(nn.NewTensor[float64](c.in...))
			var dy *nn.Tensor[float64]
			diagonals := func(diagonal bool) (h, s []float64) {
				y := c.layer.Forward(x, nn.Mode{Train: true, Capture: true, Diagonal: diagonal})
				if dy == nil {
					dy = fill(nn.NewTensor[float64](y.Shape...))
				}
				c.layer.Backward(dy.Clone(), false)
				w := c.layer.Params()[0]
				hl, sl, err := diagLens(c.layer.Kind(), w.Value.Shape, len(c.layer.Params()) > 1)
				if err != nil {
					t.Fatal(err)
				}
				h, s = make([]float64, hl), make([]float64, sl)
				capt := c.layer.Captured()
				if capt.Diagonal != diagonal {
					t.Fatalf("capture Diagonal %v, want %v", capt.Diagonal, diagonal)
				}
				if err := rawDiagonals(capt, h, s); err != nil {
					t.Fatal(err)
				}
				return h, s
			}
			wantH, wantS := diagonals(false)
			h, s := diagonals(true)
			nearRel(t, "H", h, wantH, 1e-12)
			nearRel(t, "S", s, wantS, 1e-12)
		})
	}
}

func nearRel(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if math.Abs(got[i]-want[i]) > tol*max(math.Abs(want[i]), 1e-300) {
			t.Fatalf("%s[%d] = %.17g, want %.17g (relative tolerance %g)", what, i, got[i], want[i], tol)
		}
	}
}

// AdaFisher trained with diagonal captures (what its Needs ask for) takes the
// same steps as with full captures, on models with every kind of layer that
// captures diagonals: convolutions with and without bias, strided and 1x1
// shortcuts, BatchNorm2d fused with a ReLU and in residual blocks, Linear.
func TestAdaFisherDiagonalCaptureTrains(t *testing.T) {
	for _, cfg := range []models.Config{
		{Arch: "cnn", InputShape: []int{1, 8, 8}, Classes: 3, Seed: 1},
		{Arch: "resnet", Depth: 8, Width: 4, InputShape: []int{3, 8, 8}, Classes: 3, Seed: 2},
	} {
		for _, tcov := range []int{1, 2} {
			train := func(full bool) []*nn.Param[float64] {
				m, err := models.Build[float64](cfg)
				if err != nil {
					t.Fatal(err)
				}
				fc := fisherDefaults()
				fc.TCov = tcov
				o, err := NewAdaFisher(m, fc)
				if err != nil {
					t.Fatal(err)
				}
				rng := rand.New(rand.NewPCG(7, 8))
				x := nn.NewTensor[float64](append([]int{5}, cfg.InputShape...)...)
				labels := make([]int, 5)
				var dl nn.Tensor[float64]
				for step := 0; step < 6; step++ {
					for i := range x.Data {
						x.Data[i] = rng.NormFloat64()
					}
					for i := range labels {
						labels[i] = rng.IntN(cfg.Classes)
					}
					needs := o.Needs()
					if needs.Curvature && !needs.Diagonal {
						t.Fatal("AdaFisher without full factors does not ask for diagonal captures")
					}
					m.ZeroGrad()
					out, err := m.Forward(x, nn.Mode{Train: true, Capture: needs.Curvature, Diagonal: needs.Diagonal && !full})
					if err != nil {
						t.Fatal(err)
					}
					nn.CrossEntropy(out, labels, &dl)
					m.Backward(&dl)
					var caps []*nn.Capture[float64]
					if needs.Curvature {
						caps = m.Captures()
						for _, c := range caps {
							if c.Diagonal == full && c.Kind != nn.KindLayerNorm {
								t.Fatalf("%s: capture Diagonal %v on a %v run", c.Layer, c.Diagonal, map[bool]string{true: "full", false: "diagonal"}[full])
							}
						}
					}
					if err := o.Step(StepInput[float64]{Captures: caps}); err != nil {
						t.Fatal(err)
					}
				}
				return m.Params()
			}
			// Weights of order 1 or less: an absolute 1e-12 (a weight that
			// nearly cancels keeps the rounding of the sums in the last
			// digits, far below it).
			want, got := train(true), train(false)
			for i, p := range got {
				near(t, cfg.Arch+" "+p.Name, p.Value.Data, want[i].Value.Data, 1e-12)
			}
		}
	}
}
