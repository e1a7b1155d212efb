package cpu_test

import (
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// TestFisherFactorsMatchOptim refreshes AdaFisher's factors of a Conv2d,
// a BatchNorm2d, a LayerNorm and a Linear layer from their captures with
// the device operations and compares them with optim.AdaFisher's.
func TestFisherFactorsMatchOptim(t *testing.T) {
	for _, mode := range []string{"reference", "paper"} {
		f := newFixture(t)
		const b, classes = 4, 5
		conv := nn.NewConv2d[float64]("conv", 3, 4, 3, 1, 1, true)
		model := nn.NewModel[float64]("cnn", []int{3, 5, 5}, classes,
			conv, nn.NewBatchNorm2d[float64]("bn", 4), nn.NewActivation[float64]("relu"), &nn.Flatten[float64]{},
			nn.NewLayerNorm[float64]("ln", 100), nn.NewLinear[float64]("fc", 100, classes, true))
		model.Reset(3)
		opt, err := optim.NewAdaFisher(model, optim.FisherConfig{LR: 1e-3, Beta: 0.9, Lambda: 1e-3, Gamma: 0.8, TCov: 1, Mode: mode})
		if err != nil {
			t.Fatal(err)
		}
		paper := mode == "paper"
		prev := map[string][4]device.Buffer{} // each layer's device state
		x := f.tensor(b, 3, 5, 5)
		labels := []int{0, 3, 1, 4}
		for step := 0; step < 2; step++ {
			logits, err := model.Forward(x, nn.Mode{Train: true, Capture: true})
			if err != nil {
				t.Fatal(err)
			}
			grad := nn.NewTensor[float64]()
			nn.CrossEntropy(logits, labels, grad)
			model.ZeroGrad()
			model.Backward(grad)
			caps := model.Captures()
			if err := opt.Step(optim.StepInput[float64]{Captures: caps}); err != nil {
				t.Fatal(err)
			}
			st := opt.State()
			for _, c := range caps {
				hn, sn := len(st.Tensors[c.Layer+".H_D"].Data), len(st.Tensors[c.Layer+".S_D"].Data)
				// The device state starts from the optimizer's previous
				// state: that of the step before, recomputed here.
				h, s := f.zeros(hn), f.zeros(sn)
				hAvg, sAvg := f.zeros(hn), f.zeros(sn)
				if step > 0 {
					h, s, hAvg, sAvg = prev[c.Layer][0], prev[c.Layer][1], prev[c.Layer][2], prev[c.Layer][3]
				}
				hr, sr := f.zeros(hn), f.zeros(sn)
				a, g := f.up(c.A.Data), f.up(c.G.Data)
				switch c.Kind {
				case nn.KindConv2d, nn.KindLinear:
					rows, in := c.A.Rows()
					f.d.FisherRawDense(rows, in, sn, c.Kind == nn.KindConv2d, c.Bias, a, g, hr, sr)
				case nn.KindBatchNorm2d:
					sh := c.A.Shape
					f.d.FisherRawBatchNorm(sh[0], sh[1], sh[2]*sh[3], a, g, hr, sr)
				case nn.KindLayerNorm:
					sh := c.A.Shape
					inner := len(c.A.Data) / (sh[0] * sh[1])
					f.d.FisherRawLayerNorm(sh[0], sh[1], inner, sn, a, g, hr, sr)
				}
				f.d.FisherUpdate(h, hAvg, hr, hn, 0.8, paper, step == 0)
				f.d.FisherUpdate(s, sAvg, sr, sn, 0.8, paper, step == 0)
				f.near(mode+" "+c.Layer+".H_D", h, st.Tensors[c.Layer+".H_D"].Data)
				f.near(mode+" "+c.Layer+".S_D", s, st.Tensors[c.Layer+".S_D"].Data)
				prev[c.Layer] = [4]device.Buffer{h, s, hAvg, sAvg}
			}
			if len(caps) != 4 {
				t.Fatalf("%d captures, want 4", len(caps))
			}
		}
	}
}
