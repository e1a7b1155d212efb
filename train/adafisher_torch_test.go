package train

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/adafisher-go/landscape/models"
	"github.com/adafisher-go/landscape/nn"
	"github.com/adafisher-go/landscape/optim"
)

// The golden file written by `scripts/adafisher_torch.py golden`: an
// independent PyTorch AdaFisher in reference mode, written from the
// reference's description (and checked there against its hand-computed
// vector), trains a small CNN and a ResNet-8 in float64 from deterministic
// weights and inputs. Go's AdaFisher must train the same models to the same
// losses, parameters and factor diagonals.
type torchGolden struct {
	Torch string      `json:"torch"`
	Cases []torchCase `json:"cases"`
}

type torchCase struct {
	Name       string `json:"name"`
	Model      string `json:"model"`
	DType      string `json:"dtype"`
	InputShape []int  `json:"input_shape"` // with the batch first
	Classes    int    `json:"classes"`
	DataSeed   uint32 `json:"data_seed"`
	Hyper      struct {
		LR          float64 `json:"lr"`
		Beta        float64 `json:"beta"`
		Lambda      float64 `json:"Lambda"`
		Gamma       float64 `json:"gamma"`
		TCov        int     `json:"TCov"`
		WeightDecay float64 `json:"weight_decay"`
		Decoupled   bool    `json:"decoupled"`
	} `json:"hyper"`
	Steps  int `json:"steps"`
	Params []struct {
		Name   string  `json:"name"`
		Shape  []int   `json:"shape"`
		Offset float64 `json:"offset"`
		Scale  float64 `json:"scale"`
	} `json:"params"`
	Losses  []float64            `json:"losses"`
	Final   map[string][]float64 `json:"final"` // absent for the float32 ResNet
	Factors map[string]struct {
		H []float64 `json:"H"`
		S []float64 `json:"S"`
	} `json:"factors"`
}

// det is the generator's integer hash: a value in [-0.5, 0.5) on a grid of
// 2^-24, exact in float64.
func det(seed, i uint32) float64 {
	x := seed*0x9E3779B1 + i*0x85EBCA77 + 0x165667B1
	x ^= x >> 15
	x *= 0x2C1B3C6D
	x ^= x >> 12
	x *= 0x297A2D39
	x ^= x >> 15
	return float64(x>>8)/(1<<24) - 0.5
}

// torchCaseModel builds the case's model with the generator's module names.
func torchCaseModel[T nn.Float](c *torchCase) (*nn.Model[T], error) {
	sample := c.InputShape[1:]
	switch c.Model {
	case "cnn":
		hw := sample[1] / 2
		return nn.NewModel("cnn-tiny", sample, c.Classes,
			nn.NewConv2d[T]("conv1", sample[0], 4, 3, 1, 1, true),
			nn.NewBatchNorm2d[T]("bn1", 4),
			nn.NewActivation[T]("relu"),
			nn.NewMaxPool2d[T](2, 2),
			&nn.Flatten[T]{},
			nn.NewLinear[T]("fc", 4*hw*hw, c.Classes, true)), nil
	case "resnet8":
		return models.Build[T](models.Config{Arch: "resnet", Depth: 8, Width: 4, InputShape: sample, Classes: c.Classes})
	}
	return nil, fmt.Errorf("unknown model %q", c.Model)
}

func TestAdaFisherMatchesTorchReference(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "adafisher_torch_golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g torchGolden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("adafisher_torch_golden.json: %v", err)
	}
	if len(g.Cases) == 0 {
		t.Fatal("adafisher_torch_golden.json holds no cases")
	}
	for i := range g.Cases {
		c := &g.Cases[i]
		switch c.DType {
		case "float64":
			t.Run(c.Name, func(t *testing.T) { replayTorchCase[float64](t, c, torchTol) })
		case "float32":
			t.Run(c.Name, func(t *testing.T) { replayTorchCase[float32](t, c, torchTol32) })
		default:
			t.Fatalf("case %s: dtype %q, want float64 or float32", c.Name, c.DType)
		}
	}
}

// torchTol is the relative tolerance in float64: the two sides sum in
// different orders, and nothing else may differ (measured: 3e-14). In
// float32 the sums' order moves results by a few ulps (6e-8 each), which
// five steps through BatchNorm, min-max and the division by F amplify
// (measured: 4e-6).
const (
	torchTol   = 1e-10
	torchTol32 = 1e-4
)

func replayTorchCase[T nn.Float](t *testing.T, c *torchCase, tol float64) {
	m, err := torchCaseModel[T](c)
	if err != nil {
		t.Fatal(err)
	}
	params := m.Params()
	if len(params) != len(c.Params) {
		t.Fatalf("model has %d parameters, the golden %d", len(params), len(c.Params))
	}
	// The same initial values, by the generator's formula, parameter q in
	// model.parameters() order (checked by name and shape).
	for q, p := range params {
		gp := c.Params[q]
		if p.Name != gp.Name || !nn.SameShape(p.Value.Shape, gp.Shape) {
			t.Fatalf("parameter %d is %s %v, the golden's %s %v", q, p.Name, p.Value.Shape, gp.Name, gp.Shape)
		}
		for j := range p.Value.Data {
			p.Value.Data[j] = T(gp.Offset + gp.Scale*det(1000+uint32(q), uint32(j)))
		}
	}
	in := nn.NewTensor[T](c.InputShape...)
	for i := range in.Data {
		in.Data[i] = T(2 * det(c.DataSeed, uint32(i)))
	}
	labels := make([]int, c.InputShape[0])
	for i := range labels {
		labels[i] = int((det(c.DataSeed+1, uint32(i))+0.5)*(1<<24)) % c.Classes
	}
	h := c.Hyper
	opt, err := optim.NewAdaFisher(m, optim.FisherConfig{LR: h.LR, Beta: h.Beta, Lambda: h.Lambda, Gamma: h.Gamma,
		TCov: h.TCov, WeightDecay: h.WeightDecay, Decoupled: h.Decoupled, Mode: "reference"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Losses) != c.Steps {
		t.Fatalf("%d losses for %d steps", len(c.Losses), c.Steps)
	}
	if n := len(opt.FactorLayers()); len(c.Factors) != n {
		t.Fatalf("the golden has factors of %d layers, Go's AdaFisher %d", len(c.Factors), n)
	}
	st := NewStepper[T](m, opt)
	worstL := 0.0
	for k := 0; k < c.Steps; k++ {
		r, err := st.Step(in, labels, false)
		if err != nil {
			t.Fatalf("step %d: %v", k, err)
		}
		d := relDiff(r.Loss, c.Losses[k], 0)
		worstL = math.Max(worstL, d)
		if d > tol {
			t.Errorf("step %d: loss %.17g, torch %.17g (relative difference %.3g)", k, r.Loss, c.Losses[k], d)
		}
	}
	worst, where := 0.0, ""
	for _, p := range params {
		if c.Final == nil {
			break
		}
		want := c.Final[p.Name]
		if len(want) != len(p.Value.Data) {
			t.Fatalf("final %s: %d values, want %d", p.Name, len(p.Value.Data), len(want))
		}
		if d, j := maxRelDiff(p.Value.Data, want); d > worst {
			worst, where = d, fmt.Sprintf("%s[%d] = %.17g, torch %.17g", p.Name, j, p.Value.Data[j], want[j])
		}
	}
	if worst > tol {
		t.Errorf("final parameters: largest relative difference %.3g at %s", worst, where)
	}
	state := opt.State()
	worstF := 0.0
	for layer, f := range c.Factors {
		for _, side := range []struct {
			name string
			want []float64
		}{{"H_D", f.H}, {"S_D", f.S}} {
			got, ok := state.Tensors[layer+"."+side.name]
			if !ok {
				t.Errorf("no factor %s.%s in Go's state", layer, side.name)
				continue
			}
			if len(got.Data) != len(side.want) {
				t.Errorf("%s.%s: %d entries, torch %d", layer, side.name, len(got.Data), len(side.want))
				continue
			}
			d, j := maxRelDiff(got.Data, side.want)
			worstF = math.Max(worstF, d)
			if d > tol {
				t.Errorf("%s.%s[%d] = %.17g, torch %.17g (relative difference %.3g)", layer, side.name, j, got.Data[j], side.want[j], d)
			}
		}
	}
	t.Logf("%s: %d steps; largest relative difference to torch: losses %.2g, parameters %.2g, factors %.2g", c.Name, c.Steps, worstL, worst, worstF)
}

// relDiff is |got - want| relative to max(|want|, floor).
func relDiff(got, want, floor float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), floor)
}

// maxRelDiff returns the largest difference relative to each element, with a
// floor of the tensor's RMS so that entries near zero are judged on the
// tensor's scale, and where it is.
func maxRelDiff[T nn.Float](got []T, want []float64) (float64, int) {
	var ss float64
	for _, w := range want {
		ss += w * w
	}
	floor := math.Max(math.Sqrt(ss/float64(len(want))), 1e-300)
	worst, at := 0.0, 0
	for j := range want {
		if d := relDiff(float64(got[j]), want[j], floor); d > worst || d != d {
			worst, at = d, j
		}
	}
	return worst, at
}
