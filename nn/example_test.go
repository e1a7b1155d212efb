package nn_test

import (
	"fmt"
	"math"

	"github.com/adafisher-go/landscape/nn"
)

// A two-layer perceptron: one training step's forward pass, loss and
// backward pass.
func ExampleModel() {
	m := nn.NewModel[float64]("mlp", []int{2}, 3,
		nn.NewLinear[float64]("fc1", 2, 4, true),
		nn.NewActivation[float64]("tanh"),
		nn.NewLinear[float64]("fc2", 4, 3, true))
	m.Reset(1)
	for _, s := range m.State() {
		fmt.Println(s.Name, s.Value.Shape)
	}

	x := &nn.Tensor[float64]{Shape: []int{2, 2}, Data: []float64{0.5, -1, 2, 0.25}}
	y, err := m.Forward(x, nn.Mode{Train: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	var dy nn.Tensor[float64]
	loss, _ := nn.CrossEntropy(y, []int{0, 2}, &dy)
	m.ZeroGrad()
	m.Backward(&dy)
	fmt.Println("logits", y.Shape, "loss finite:", !math.IsNaN(loss) && !math.IsInf(loss, 0))
	fmt.Println("fc1.weight grad", m.Param("fc1.weight").Grad.Shape)
	// Output:
	// fc1.weight [4 2]
	// fc1.bias [4]
	// fc2.weight [3 4]
	// fc2.bias [3]
	// logits [2 3] loss finite: true
	// fc1.weight grad [4 2]
}

// Hessian-vector products by the R-operator: H is symmetric, so
// u^T (H v) = v^T (H u) up to rounding.
func ExampleHVP() {
	m := nn.NewModel[float64]("mlp", []int{3}, 2,
		nn.NewLinear[float64]("fc1", 3, 5, true),
		nn.NewActivation[float64]("gelu"),
		nn.NewLinear[float64]("fc2", 5, 2, true))
	m.Reset(7)
	x := &nn.Tensor[float64]{Shape: []int{2, 3}, Data: []float64{1, -0.5, 0.25, 0.3, 0.8, -1.2}}
	labels := []int{1, 0}

	// Two directions u and v and room for the products, one tensor per
	// parameter in m.Params() order.
	vec := func(seed float64) []*nn.Tensor[float64] {
		var out []*nn.Tensor[float64]
		for _, p := range m.Params() {
			t := nn.NewTensor[float64](p.Value.Shape...)
			for i := range t.Data {
				t.Data[i] = math.Sin(seed * float64(i+1))
			}
			out = append(out, t)
		}
		return out
	}
	u, v, hu, hv := vec(1), vec(2), vec(0), vec(0)
	e := nn.NewHVP(m)
	if _, err := e.Hessian(x, labels, nn.Mode{Train: true}, u, hu); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := e.Hessian(x, labels, nn.Mode{Train: true}, v, hv); err != nil {
		fmt.Println(err)
		return
	}
	dot := func(a, b []*nn.Tensor[float64]) float64 {
		var s float64
		for i := range a {
			for j := range a[i].Data {
				s += a[i].Data[j] * b[i].Data[j]
			}
		}
		return s
	}
	uHv, vHu := dot(u, hv), dot(v, hu)
	fmt.Println("exact for every layer:", len(e.FiniteDifferences()) == 0)
	fmt.Println("u^T H v = v^T H u:", math.Abs(uHv-vHu) <= 1e-12*math.Abs(uHv), uHv != 0)
	// Output:
	// exact for every layer: true
	// u^T H v = v^T H u: true true
}
