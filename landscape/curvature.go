package landscape

import (
	"errors"
	"fmt"
	"strings"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/nn"
)

// Kind names a curvature matrix of the loss L(theta) = (1/N) sum_n l_n, the
// mean softmax cross-entropy over a dataset of N samples.
type Kind string

const (
	// Hessian is the matrix of second derivatives of L (PyHessian's
	// operator; curvlinops' HessianLinearOperator).
	Hessian Kind = "hessian"
	// GaussNewton is the generalised Gauss-Newton matrix
	// (1/N) sum_n J_n^T (diag(p_n) - p_n p_n^T) J_n, J_n the Jacobian of
	// sample n's logits and p_n their softmax (curvlinops'
	// GGNLinearOperator). For the softmax cross-entropy it is also the true
	// Fisher information, the expectation over labels drawn from the model.
	GaussNewton Kind = "ggn"
	// EmpiricalFisher is (1/N) sum_n g_n g_n^T with g_n the gradient of
	// sample n's loss at its label in the data (the uncentred gradient
	// covariance; curvlinops' EFLinearOperator with reduction 'mean').
	EmpiricalFisher Kind = "fisher"
	// MonteCarloFisher is (1/N) sum_n g_n g_n^T with g_n the gradient of
	// sample n's loss at one label drawn from the model's predictive
	// distribution p_n, drawn once from a seeded generator (curvlinops'
	// FisherMCLinearOperator with mc_samples 1). Its expectation over the
	// draws is the true Fisher, that is [GaussNewton].
	MonteCarloFisher Kind = "fisher-mc"
)

// Kinds lists the curvature matrices [NewCurvature] builds.
var Kinds = []Kind{Hessian, GaussNewton, EmpiricalFisher, MonteCarloFisher}

// CurvatureOptions selects the matrix and what it is over.
type CurvatureOptions struct {
	// Kind is the matrix (default Hessian).
	Kind Kind
	// Layer restricts the matrix to the parameters of one layer ("fc1") or
	// to one parameter ("fc1.weight"): the diagonal block of the full
	// matrix. Empty is the whole model.
	Layer string
	// Train evaluates BatchNorm with batch statistics (each chunk a batch)
	// rather than the running statistics (Hessian and Gauss-Newton only: a
	// Fisher's per-sample gradients need evaluation mode).
	Train bool
	// Chunk is the number of samples per pass (default 1024).
	Chunk int
	// Seed seeds the labels a Monte-Carlo Fisher draws.
	Seed uint64
}

// Curvature is a curvature matrix of a model's loss on a dataset as an
// [Operator]: products with it are exact up to rounding and nothing of its
// size is ever formed.
//
// The Hessian and the Gauss-Newton matrix multiply through nn.HVP
// (Pearlmutter's R-operator) over the dataset in chunks, averaged with the
// chunks' sizes as weights, which in evaluation mode (the default, as
// PyHessian: BatchNorm on its running statistics) is exactly the matrix of
// the dataset's mean loss; in training mode each chunk is a batch with its
// own statistics. A Fisher keeps the per-sample gradients (N x Dim values,
// computed once by a backward pass per sample) and multiplies with them.
type Curvature struct {
	kind     Kind
	m        *nn.Model[float64]
	e        *nn.HVP[float64]
	chunks   []hchunk
	samples  int
	mode     nn.Mode
	sel      []int // indices of the selected parameters
	names    []string
	dim      int
	v, out   []*nn.Tensor[float64]
	products int
	fisher   *fisher
}

type hchunk struct {
	in     *nn.Tensor[float64]
	labels []int
}

// NewCurvature prepares products with a curvature matrix of the model's
// loss on the dataset.
func NewCurvature(m *nn.Model[float64], d *data.Dataset, o CurvatureOptions) (*Curvature, error) {
	if d.Len() == 0 {
		return nil, errors.New("landscape: the dataset has no samples")
	}
	if o.Kind == "" {
		o.Kind = Hessian
	}
	chunk := o.Chunk
	if chunk <= 0 {
		chunk = 1024
	}
	c := &Curvature{kind: o.Kind, m: m, samples: len(d.Y), mode: nn.Mode{Train: o.Train}}
	for i, p := range m.Params() {
		if o.Layer == "" || p.Layer == o.Layer || p.Name == o.Layer {
			c.sel = append(c.sel, i)
			c.names = append(c.names, p.Name)
			c.dim += p.Value.Numel()
		}
	}
	if len(c.sel) == 0 {
		var layers []string
		for _, l := range m.ParamLayers() {
			layers = append(layers, l.Name())
		}
		return nil, fmt.Errorf("landscape: the model has no layer or parameter %q (layers: %s)", o.Layer, strings.Join(layers, ", "))
	}
	switch o.Kind {
	case Hessian, GaussNewton:
	case EmpiricalFisher, MonteCarloFisher:
		f, err := newFisher(c, d, o)
		if err != nil {
			return nil, err
		}
		c.fisher = f
		return c, nil
	default:
		return nil, fmt.Errorf("landscape: curvature %q, want one of %v", o.Kind, Kinds)
	}
	c.e = nn.NewHVP(m)
	sample := 1
	for _, s := range d.Shape {
		sample *= s
	}
	for lo := 0; lo < d.Len(); lo += chunk {
		hi := min(lo+chunk, d.Len())
		c.chunks = append(c.chunks, hchunk{
			in:     &nn.Tensor[float64]{Shape: append([]int{hi - lo}, d.Shape...), Data: d.X[lo*sample : hi*sample]},
			labels: d.Y[lo*d.LabelsPerSample() : hi*d.LabelsPerSample()],
		})
	}
	for _, p := range m.Params() {
		c.v = append(c.v, nn.NewTensor[float64](p.Value.Shape...))
		c.out = append(c.out, nn.NewTensor[float64](p.Value.Shape...))
	}
	return c, nil
}

// Kind is the matrix.
func (c *Curvature) Kind() Kind { return c.kind }

// Dim is the number of parameters the matrix is over.
func (c *Curvature) Dim() int { return c.dim }

// Params names the parameters the matrix is over, in order.
func (c *Curvature) Params() []string { return c.names }

// Products is the number of products computed so far (for the Hessian and
// the Gauss-Newton matrix each a pass over the whole dataset).
func (c *Curvature) Products() int { return c.products }

// FiniteDifferences lists the layers whose products come from finite
// differences (none for the models of the zoo, nor for a Fisher).
func (c *Curvature) FiniteDifferences() []string {
	if c.e == nil {
		return nil
	}
	return c.e.FiniteDifferences()
}

// Apply sets out = A v for vectors over the selected parameters (Dim
// values, in Params order).
func (c *Curvature) Apply(v, out []float64) error {
	_, err := c.apply(v, out)
	return err
}

// Loss is the dataset's mean loss at the model's weights. For the Hessian
// and the Gauss-Newton matrix it is the loss their product passes see (in
// training mode, with each chunk's batch statistics), from one product
// with the zero vector, counted in Products.
func (c *Curvature) Loss() (float64, error) {
	if c.fisher != nil {
		return c.fisher.loss, nil
	}
	return c.apply(make([]float64, c.dim), make([]float64, c.dim))
}

func (c *Curvature) apply(v, out []float64) (float64, error) {
	if len(v) != c.dim || len(out) != c.dim {
		return 0, fmt.Errorf("landscape: vectors of %d and %d values, want %d", len(v), len(out), c.dim)
	}
	if c.fisher != nil {
		c.fisher.apply(v, out)
		c.products++
		return c.fisher.loss, nil
	}
	k := 0
	for _, i := range c.sel {
		k += copy(c.v[i].Data, v[k:])
	}
	clear(out)
	var loss float64
	for _, ch := range c.chunks {
		var l float64
		var err error
		if c.kind == GaussNewton {
			l, err = c.e.GaussNewton(ch.in, ch.labels, c.mode, c.v, c.out)
		} else {
			l, err = c.e.Hessian(ch.in, ch.labels, c.mode, c.v, c.out)
		}
		if err != nil {
			return 0, err
		}
		w := float64(len(ch.labels)) / float64(c.samples)
		loss += w * l
		k = 0
		for _, i := range c.sel {
			for _, x := range c.out[i].Data {
				out[k] += w * x
				k++
			}
		}
	}
	c.products++
	return loss, nil
}
