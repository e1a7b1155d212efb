package landscape

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/nn"
)

// fisherMaxBytes bounds the per-sample gradients a Fisher keeps.
const fisherMaxBytes = 1 << 30

// fisher holds the per-sample gradients g_n (rows of G) of a Fisher
// (1/N) G^T G, and the dataset's mean loss.
type fisher struct {
	g    *mat.Dense
	n    int
	loss float64
	t    []float64
}

// newFisher computes the per-sample gradients over c's selected
// parameters, by one forward and backward pass per sample in evaluation
// mode, at the data's labels or at labels drawn from the model's softmax.
// The model's parameter gradients are left as they were.
func newFisher(c *Curvature, d *data.Dataset, o CurvatureOptions) (*fisher, error) {
	if o.Train {
		return nil, errors.New("landscape: a Fisher's per-sample gradients need evaluation mode (BatchNorm on its running statistics)")
	}
	if k := d.LabelsPerSample(); k != 1 {
		return nil, fmt.Errorf("landscape: a Fisher needs one label per sample; the dataset has %d", k)
	}
	n := d.Len()
	if need := int64(n) * int64(c.dim) * 8; need > fisherMaxBytes {
		return nil, fmt.Errorf("landscape: the per-sample gradients of %d samples over %d parameters need %d MiB, more than %d MiB: take fewer samples or one layer",
			n, c.dim, need>>20, fisherMaxBytes>>20)
	}
	m := c.m
	params := m.Params()
	saved := make([][]float64, len(params))
	for i, p := range params {
		saved[i] = append([]float64(nil), p.Grad.Data...)
	}
	defer func() {
		for i, p := range params {
			copy(p.Grad.Data, saved[i])
		}
	}()
	var rng *rand.Rand
	if o.Kind == MonteCarloFisher {
		rng = rand.New(rand.NewPCG(o.Seed, 0x6669_7368_6572)) // "fisher"
	}
	sample := 1
	for _, s := range d.Shape {
		sample *= s
	}
	f := &fisher{g: mat.NewDense(n, c.dim, nil), n: n, t: make([]float64, n)}
	grad := &nn.Tensor[float64]{}
	for i := 0; i < n; i++ {
		in := &nn.Tensor[float64]{Shape: append([]int{1}, d.Shape...), Data: d.X[i*sample : (i+1)*sample]}
		out, err := m.Forward(in, nn.Mode{})
		if err != nil {
			return nil, err
		}
		label := d.Y[i]
		l, _ := nn.CrossEntropy(out, []int{label}, grad)
		f.loss += l
		if rng != nil {
			label = drawLabel(out.Data, rng)
			nn.CrossEntropy(out, []int{label}, grad)
		}
		m.ZeroGrad()
		m.Backward(grad)
		row := f.g.RawRowView(i)
		k := 0
		for _, j := range c.sel {
			k += copy(row[k:], params[j].Grad.Data)
		}
	}
	f.loss /= float64(n)
	return f, nil
}

// drawLabel draws a class from the softmax of the logits z.
func drawLabel(z []float64, rng *rand.Rand) int {
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, v)
	}
	var sum float64
	for _, v := range z {
		sum += math.Exp(v - mx)
	}
	u := rng.Float64() * sum
	var acc float64
	for j, v := range z {
		acc += math.Exp(v - mx)
		if u < acc {
			return j
		}
	}
	return len(z) - 1
}

// apply sets out = (1/N) G^T (G v).
func (f *fisher) apply(v, out []float64) {
	t := mat.NewVecDense(f.n, f.t)
	t.MulVec(f.g, mat.NewVecDense(len(v), v))
	o := mat.NewVecDense(len(out), out)
	o.MulVec(f.g.T(), t)
	o.ScaleVec(1/float64(f.n), o)
}
