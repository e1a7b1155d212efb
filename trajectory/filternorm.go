package trajectory

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// Tensor is a named parameter tensor with row-major data, as stored in a
// snapshot: a Linear weight has shape (out, in), a Conv2d weight
// (out, in, kh, kw), a bias or normalisation parameter one dimension.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float64
}

// Filters returns the number of filters of the tensor and the length of
// each: for two or more dimensions a filter is one slice along the first
// (output) dimension, so a Linear row or a Conv2d output channel; a tensor
// of fewer dimensions is one filter.
func (t Tensor) Filters() (n, size int) {
	if len(t.Shape) < 2 {
		return 1, len(t.Data)
	}
	return t.Shape[0], len(t.Data) / max(t.Shape[0], 1)
}

func (t Tensor) check() error {
	n := 1
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("trajectory: tensor %q has shape %v", t.Name, t.Shape)
		}
		n *= d
	}
	if n != len(t.Data) {
		return fmt.Errorf("trajectory: tensor %q has shape %v but %d values", t.Name, t.Shape, len(t.Data))
	}
	return nil
}

// OneDMode says what a direction does on tensors of fewer than two
// dimensions (biases, BatchNorm and LayerNorm parameters).
type OneDMode int

const (
	// OneDZero sets the direction to zero there, so the plane leaves them
	// at the centre's values: Li et al.'s --xignore biasbn.
	OneDZero OneDMode = iota
	// OneDCopy sets the direction to the weights themselves: what Li et
	// al.'s code does for one-dimensional tensors when they are not
	// ignored.
	OneDCopy
	// OneDFilter keeps the random direction and rescales the whole tensor
	// as one filter to the weights' norm.
	OneDFilter
)

// FilterNormOptions configures [FilterNormalizedDirection].
type FilterNormOptions struct {
	Seed uint64
	OneD OneDMode
}

// FilterNormalizedDirection returns a random direction in weight space
// normalised filter by filter (Li, Xu, Taylor, Studer and Goldstein,
// "Visualizing the Loss Landscape of Neural Nets", 2018): a standard
// Gaussian tensor of each weight's shape, each of whose filters is then
// rescaled to the norm of the matching filter of the weights. Tensors of
// fewer than two dimensions follow opt.OneD.
//
// The Gaussian values of a tensor depend only on opt.Seed and the tensor's
// name (a PCG stream per tensor, Box-Muller written here), so the direction
// does not change when tensors are added, removed or reordered; use
// different seeds for the two directions of a plane.
//
// Li et al. divide by the direction's filter norm plus 1e-10; here a filter
// whose random values are all zero (or whose weights are zero) stays zero
// instead, and every other filter gets the weights' norm (to rounding).
func FilterNormalizedDirection(weights []Tensor, opt FilterNormOptions) ([]Tensor, error) {
	dir := make([]Tensor, len(weights))
	for i, w := range weights {
		if err := w.check(); err != nil {
			return nil, err
		}
		d := Tensor{Name: w.Name, Shape: append([]int(nil), w.Shape...), Data: make([]float64, len(w.Data))}
		if len(w.Shape) >= 2 || opt.OneD == OneDFilter {
			gaussianFill(d.Data, opt.Seed, w.Name)
		}
		dir[i] = d
	}
	if err := NormalizeFilters(dir, weights, opt.OneD); err != nil {
		return nil, err
	}
	return dir, nil
}

// NormalizeFilters rescales a given direction in place, filter by filter,
// to the norms of the weights' filters, treating tensors of fewer than two
// dimensions by mode. dir and weights must match tensor by tensor in shape.
func NormalizeFilters(dir, weights []Tensor, mode OneDMode) error {
	if len(dir) != len(weights) {
		return fmt.Errorf("trajectory: direction has %d tensors, weights %d", len(dir), len(weights))
	}
	for i := range dir {
		d, w := dir[i], weights[i]
		if err := d.check(); err != nil {
			return err
		}
		if len(d.Data) != len(w.Data) || len(d.Shape) != len(w.Shape) {
			return fmt.Errorf("trajectory: direction tensor %q has shape %v, weights %v", d.Name, d.Shape, w.Shape)
		}
		for k := range d.Shape {
			if d.Shape[k] != w.Shape[k] {
				return fmt.Errorf("trajectory: direction tensor %q has shape %v, weights %v", d.Name, d.Shape, w.Shape)
			}
		}
		if len(w.Shape) < 2 {
			switch mode {
			case OneDZero:
				clear(d.Data)
				continue
			case OneDCopy:
				copy(d.Data, w.Data)
				continue
			}
		}
		nf, size := w.Filters()
		for f := 0; f < nf; f++ {
			df := d.Data[f*size : (f+1)*size]
			wf := w.Data[f*size : (f+1)*size]
			dn, wn := norm2(df), norm2(wf)
			scale := 0.0
			if dn > 0 {
				scale = wn / dn
			}
			for j := range df {
				df[j] *= scale
			}
		}
	}
	return nil
}

// Flatten concatenates the tensors' data in order: the layout of a
// flattened snapshot.
func Flatten(ts []Tensor) []float64 {
	n := 0
	for _, t := range ts {
		n += len(t.Data)
	}
	out := make([]float64, 0, n)
	for _, t := range ts {
		out = append(out, t.Data...)
	}
	return out
}

// norm2 is the Euclidean norm, scaled to avoid overflow and underflow.
func norm2(x []float64) float64 {
	var scale, ssq float64 = 0, 1
	for _, v := range x {
		if v == 0 {
			continue
		}
		a := math.Abs(v)
		if scale < a {
			ssq = 1 + ssq*(scale/a)*(scale/a)
			scale = a
		} else {
			ssq += (a / scale) * (a / scale)
		}
	}
	if scale == 0 {
		return 0
	}
	return scale * math.Sqrt(ssq)
}

// gaussianFill fills x with standard normal values from a PCG stream keyed
// by seed and name (Box-Muller on 53-bit uniforms).
func gaussianFill(x []float64, seed uint64, name string) {
	h := fnv.New64a()
	h.Write([]byte(name))
	src := rand.NewPCG(seed^0x6469_7265_6374_696f, h.Sum64()) // "directio"
	unit := func() float64 { return float64(src.Uint64()>>11) * 0x1p-53 }
	for i := 0; i < len(x); i += 2 {
		u1 := 1 - unit() // (0, 1]
		u2 := unit()
		r := math.Sqrt(-2 * math.Log(u1))
		s, c := math.Sincos(2 * math.Pi * u2)
		x[i] = r * c
		if i+1 < len(x) {
			x[i+1] = r * s
		}
	}
}
