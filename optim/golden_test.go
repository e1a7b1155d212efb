package optim

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

// golden.json is written by testdata/gen_golden.py with PyTorch 1.13
// (torch.optim.SGD, Adam and AdamW, foreach=False, on the CPU). The tests
// replay its gradients and demand the same parameters after every step, bit
// for bit, in float64 and float32, and the same final optimizer state.

type goldenFile struct {
	Torch         string       `json:"torch"`
	CPUCapability string       `json:"cpu_capability"`
	Cases         []goldenCase `json:"cases"`
	Pow           [][3]float64 `json:"pow"`
}

type goldenCase struct {
	Name   string     `json:"name"`
	Method string     `json:"method"`
	DType  string     `json:"dtype"`
	Hyper  torchHyper `json:"hyper"`
	LRs    []float64  `json:"lrs"`
	Params []struct {
		Name  string    `json:"name"`
		Shape []int     `json:"shape"`
		Init  []float64 `json:"init"`
	} `json:"params"`
	Grads   [][][]float64        `json:"grads"`  // step, parameter, element
	Values  [][][]float64        `json:"values"` // after each step
	State   map[string][]float64 `json:"state"`
	Scalars map[string]float64   `json:"scalars"`
}

// torchHyper is a case's hyperparameters under torch's argument names.
type torchHyper struct {
	LR          float64 `json:"lr"`
	Momentum    float64 `json:"momentum"`
	Dampening   float64 `json:"dampening"`
	Nesterov    bool    `json:"nesterov"`
	WeightDecay float64 `json:"weight_decay"`
	Beta1       float64 `json:"beta1"`
	Beta2       float64 `json:"beta2"`
	Eps         float64 `json:"eps"`
}

func (h torchHyper) hyper() Hyper {
	return Hyper{LR: h.LR, Momentum: h.Momentum, Dampening: h.Dampening, Nesterov: h.Nesterov,
		WeightDecay: h.WeightDecay, Beta1: h.Beta1, Beta2: h.Beta2, Eps: h.Eps}
}

func loadGolden(t *testing.T) *goldenFile {
	t.Helper()
	f, err := os.Open("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	var g goldenFile
	if err := dec.Decode(&g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) == 0 || len(g.Pow) == 0 {
		t.Fatal("golden.json has no cases")
	}
	return &g
}

// build makes the optimizer a golden case names.
func build[T nn.Float](method string, params []*nn.Param[T], h Hyper) (Optimizer[T], error) {
	switch method {
	case "sgd":
		return NewSGD(params, h)
	case "adam":
		return NewAdam(params, h, false)
	case "adamw":
		return NewAdam(params, h, true)
	}
	return nil, fmt.Errorf("unknown method %q", method)
}

// ulps is the distance between a and b in units in the last place of T.
func ulps[T nn.Float](a, b T) int64 {
	if is32[T]() {
		x, y := int64(int32(math.Float32bits(float32(a)))), int64(int32(math.Float32bits(float32(b))))
		if x < 0 {
			x = math.MinInt32 - x
		}
		if y < 0 {
			y = math.MinInt32 - y
		}
		return abs64(x - y)
	}
	x, y := int64(math.Float64bits(float64(a))), int64(math.Float64bits(float64(b)))
	if x < 0 {
		x = math.MinInt64 - x
	}
	if y < 0 {
		y = math.MinInt64 - y
	}
	return abs64(x - y)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}

// agreement tracks how far a replay is from PyTorch.
type agreement struct {
	n, exact int
	maxULP   int64
	maxRel   float64
	worst    string
}

func (a *agreement) add(where string, ulp int64, rel float64) {
	a.n++
	if ulp == 0 {
		a.exact++
	}
	if ulp > a.maxULP {
		a.maxULP, a.worst = ulp, where
	}
	a.maxRel = math.Max(a.maxRel, rel)
}

func replayGolden[T nn.Float](t *testing.T, c *goldenCase, tol float64) agreement {
	t.Helper()
	params := make([]*nn.Param[T], len(c.Params))
	for i, ps := range c.Params {
		p := &nn.Param[T]{Name: ps.Name, Value: nn.NewTensor[T](ps.Shape...), Grad: nn.NewTensor[T](ps.Shape...)}
		for j, v := range ps.Init {
			p.Value.Data[j] = T(v)
		}
		params[i] = p
	}
	opt, err := build(c.Method, params, c.Hyper.hyper())
	if err != nil {
		t.Fatal(err)
	}
	var ag agreement
	for k := range c.Grads {
		opt.SetLR(c.LRs[k])
		for i, p := range params {
			for j, g := range c.Grads[k][i] {
				p.Grad.Data[j] = T(g)
			}
		}
		if err := opt.Step(StepInput[T]{}); err != nil {
			t.Fatal(err)
		}
		for i, p := range params {
			for j, want := range c.Values[k][i] {
				got := p.Value.Data[j]
				u, r := ulps(got, T(want)), relErr(float64(got), want)
				ag.add(fmt.Sprintf("step %d %s[%d]", k+1, p.Name, j), u, r)
				if r > tol {
					t.Errorf("%s: step %d: %s[%d] = %.17g, torch %.17g (rel %.2g, %d ulp)",
						c.Name, k+1, p.Name, j, float64(got), want, r, u)
				}
			}
		}
	}
	st := opt.State()
	for key, want := range c.State {
		got, ok := st.Tensors[key]
		if !ok {
			t.Errorf("%s: State has no %q, torch has it", c.Name, key)
			continue
		}
		for j, w := range want {
			u, r := ulps(got.Data[j], T(w)), relErr(float64(got.Data[j]), w)
			ag.add(fmt.Sprintf("state %s[%d]", key, j), u, r)
			if r > tol {
				t.Errorf("%s: state %s[%d] = %.17g, torch %.17g", c.Name, key, j, float64(got.Data[j]), w)
			}
		}
	}
	for key := range st.Tensors {
		if _, ok := c.State[key]; !ok {
			// Before its first step torch keeps no momentum buffer; after
			// it, every tensor we save is one torch saves.
			t.Errorf("%s: State has %q, torch has not", c.Name, key)
		}
	}
	for key, want := range c.Scalars {
		if got, ok := st.Scalars[key]; !ok || got != want {
			t.Errorf("%s: State scalar %q = %v (present %v), torch %v", c.Name, key, got, ok, want)
		}
	}
	return ag
}

func TestGoldenTorch(t *testing.T) {
	g := loadGolden(t)
	t.Logf("golden data from torch %s (%s)", g.Torch, g.CPUCapability)
	for i := range g.Cases {
		c := &g.Cases[i]
		t.Run(c.Name, func(t *testing.T) {
			var ag agreement
			switch c.DType {
			case "float64":
				ag = replayGolden[float64](t, c, 1e-15)
			case "float32":
				ag = replayGolden[float32](t, c, 1e-6)
			default:
				t.Fatalf("dtype %q", c.DType)
			}
			t.Logf("%d/%d values bit-exact, max %d ulp (%s), max rel %.3g", ag.exact, ag.n, ag.maxULP, ag.worst, ag.maxRel)
			// Every operation is rounded as torch rounds it, so the
			// replay is exact, not merely close.
			if ag.exact != ag.n {
				t.Errorf("%d of %d values differ from torch (max %d ulp at %s)", ag.n-ag.exact, ag.n, ag.maxULP, ag.worst)
			}
		})
	}
}

// TestPowIntMatchesC checks the bias corrections' beta**t against Python's
// (C pow) values, bit for bit.
func TestPowIntMatchesC(t *testing.T) {
	g := loadGolden(t)
	for _, e := range g.Pow {
		beta, n, want := e[0], int64(e[1]), e[2]
		if got := powInt(beta, n); got != want {
			t.Errorf("powInt(%v, %d) = %.17g, C pow %.17g", beta, n, got, want)
		}
	}
}
