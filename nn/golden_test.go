package nn

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Golden values from PyTorch 1.13 (float64), made by testdata/gen_golden.py.
// The JSON holds every input, weight and upstream gradient as well as
// PyTorch's outputs, so that these tests need no PyTorch.

type jsonTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

func (j jsonTensor) tensor() *Tensor[float64] {
	return &Tensor[float64]{Shape: append([]int(nil), j.Shape...), Data: append([]float64(nil), j.Data...)}
}

func readGolden(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

const goldenTol = 1e-10

// expectTensor checks shape and values against PyTorch's, to goldenTol
// relative to the largest magnitude of the expected tensor (at least 1).
func expectTensor(t *testing.T, what string, got *Tensor[float64], want jsonTensor) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: nil, want shape %v", what, want.Shape)
		return
	}
	if !SameShape(got.Shape, want.Shape) {
		t.Errorf("%s: shape %v, want %v", what, got.Shape, want.Shape)
		return
	}
	expectSlice(t, what, got.Data, want.Data)
}

func expectSlice(t *testing.T, what string, got, want []float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d values, want %d", what, len(got), len(want))
		return
	}
	scale := 1.0
	for _, v := range want {
		scale = math.Max(scale, math.Abs(v))
	}
	bad := 0
	for i := range got {
		if math.Abs(got[i]-want[i]) > goldenTol*scale || math.IsNaN(got[i]) {
			if bad++; bad <= 3 {
				t.Errorf("%s[%d] = %.15g, PyTorch %.15g", what, i, got[i], want[i])
			}
		}
	}
}

func TestGoldenConv2d(t *testing.T) {
	var g struct {
		Cases []struct {
			In, Out, Kernel, Stride, Padding int
			Bias                             bool
			Input, Weight, Output            jsonTensor
			BiasValue                        jsonTensor `json:"bias_value"`
			GradOutput                       jsonTensor `json:"grad_output"`
			GradInput                        jsonTensor `json:"grad_input"`
			GradWeight                       jsonTensor `json:"grad_weight"`
			GradBias                         jsonTensor `json:"grad_bias"`
		}
	}
	readGolden(t, "conv2d.json", &g)
	if len(g.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range g.Cases {
		conv := NewConv2d[float64]("conv", c.In, c.Out, c.Kernel, c.Stride, c.Padding, c.Bias)
		copy(conv.Weight.Value.Data, c.Weight.Data)
		if !SameShape(conv.Weight.Value.Shape, c.Weight.Shape) {
			t.Fatalf("weight shape %v, PyTorch %v", conv.Weight.Value.Shape, c.Weight.Shape)
		}
		if c.Bias {
			copy(conv.Bias.Value.Data, c.BiasValue.Data)
		}
		y := conv.Forward(c.Input.tensor(), Mode{Train: true})
		expectTensor(t, "output", y, c.Output)
		dx := conv.Backward(c.GradOutput.tensor(), true)
		expectTensor(t, "grad_input", dx, c.GradInput)
		expectTensor(t, "grad_weight", conv.Weight.Grad, c.GradWeight)
		if c.Bias {
			expectTensor(t, "grad_bias", conv.Bias.Grad, c.GradBias)
		}
	}
}

func TestGoldenBatchNorm2d(t *testing.T) {
	type step struct {
		Input, Output     jsonTensor
		GradOutput        jsonTensor `json:"grad_output"`
		GradInput         jsonTensor `json:"grad_input"`
		GradWeight        jsonTensor `json:"grad_weight"`
		GradBias          jsonTensor `json:"grad_bias"`
		RunningMean       jsonTensor `json:"running_mean"`
		RunningVar        jsonTensor `json:"running_var"`
		NumBatchesTracked int64      `json:"num_batches_tracked"`
	}
	var g struct {
		Channels      int
		Eps, Momentum float64
		Weight, Bias  []float64
		TrainSteps    []step `json:"train_steps"`
		Eval          step
	}
	readGolden(t, "batchnorm2d.json", &g)
	bn := NewBatchNorm2d[float64]("bn", g.Channels)
	if bn.Eps != g.Eps || bn.Momentum != g.Momentum {
		t.Errorf("eps %g, momentum %g; PyTorch %g, %g", bn.Eps, bn.Momentum, g.Eps, g.Momentum)
	}
	copy(bn.Weight.Value.Data, g.Weight)
	copy(bn.Bias.Value.Data, g.Bias)
	if len(g.TrainSteps) != 2 {
		t.Fatalf("%d training steps, want 2", len(g.TrainSteps))
	}
	run := func(s step, mode Mode) {
		t.Helper()
		bn.Weight.Grad.zero()
		bn.Bias.Grad.zero()
		expectTensor(t, "output", bn.Forward(s.Input.tensor(), mode), s.Output)
		expectTensor(t, "grad_input", bn.Backward(s.GradOutput.tensor(), true), s.GradInput)
		expectTensor(t, "grad_weight", bn.Weight.Grad, s.GradWeight)
		expectTensor(t, "grad_bias", bn.Bias.Grad, s.GradBias)
		if bn.NumBatchesTracked != s.NumBatchesTracked {
			t.Errorf("num_batches_tracked %d, PyTorch %d", bn.NumBatchesTracked, s.NumBatchesTracked)
		}
	}
	for _, s := range g.TrainSteps {
		run(s, Mode{Train: true})
		expectTensor(t, "running_mean", bn.RunningMean, s.RunningMean)
		expectTensor(t, "running_var", bn.RunningVar, s.RunningVar)
	}
	run(g.Eval, Mode{})
}

func TestGoldenMaxPool2d(t *testing.T) {
	var g struct {
		Cases []struct {
			Kernel, Stride int
			Input, Output  jsonTensor
			GradOutput     jsonTensor `json:"grad_output"`
			GradInput      jsonTensor `json:"grad_input"`
		}
	}
	readGolden(t, "maxpool2d.json", &g)
	if len(g.Cases) == 0 {
		t.Fatal("no cases")
	}
	for _, c := range g.Cases {
		p := NewMaxPool2d[float64](c.Kernel, c.Stride)
		expectTensor(t, "output", p.Forward(c.Input.tensor(), Mode{Train: true}), c.Output)
		expectTensor(t, "grad_input", p.Backward(c.GradOutput.tensor(), true), c.GradInput)
	}
}

func TestGoldenGELU(t *testing.T) {
	var g struct {
		Input, Output jsonTensor
		GradOutput    jsonTensor `json:"grad_output"`
		GradInput     jsonTensor `json:"grad_input"`
	}
	readGolden(t, "gelu.json", &g)
	a := NewActivation[float64]("gelu")
	expectTensor(t, "output", a.Forward(g.Input.tensor(), Mode{}), g.Output)
	expectTensor(t, "grad_input", a.Backward(g.GradOutput.tensor(), true), g.GradInput)
}

func TestGoldenCrossEntropy(t *testing.T) {
	var g struct {
		Logits     jsonTensor
		Labels     []int
		Loss       float64
		GradLogits jsonTensor `json:"grad_logits"`
	}
	readGolden(t, "cross_entropy.json", &g)
	var grad Tensor[float64]
	loss, _ := CrossEntropy(g.Logits.tensor(), g.Labels, &grad)
	if math.Abs(loss-g.Loss) > goldenTol*math.Max(1, math.Abs(g.Loss)) {
		t.Errorf("loss %.15g, PyTorch %.15g", loss, g.Loss)
	}
	expectTensor(t, "grad_logits", &grad, g.GradLogits)
}
