// Package nntest holds references that tests of whole models check package
// nn against: seeded inputs, gradients by central differences, and Hessian
// columns by finite differences of the analytic gradient. Package nn's own
// tests cannot import it (it imports nn); packages built on nn, such as the
// model zoo, use it to check a model end to end.
package nntest

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

// NewRNG is the seeded generator every helper here draws from.
func NewRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x7e57)) }

// RandTensor fills a tensor of the given shape with N(0, 1) draws.
func RandTensor(rng *rand.Rand, shape ...int) *nn.Tensor[float64] {
	t := nn.NewTensor[float64](shape...)
	for i := range t.Data {
		t.Data[i] = rng.NormFloat64()
	}
	return t
}

// IDs returns a tensor of the given shape holding random integers in [0, n).
func IDs(seed uint64, n int, shape ...int) *nn.Tensor[float64] {
	rng := NewRNG(seed)
	t := nn.NewTensor[float64](shape...)
	for i := range t.Data {
		t.Data[i] = float64(rng.IntN(n))
	}
	return t
}

// RandomizeBatchNorm gives every BatchNorm2d of m weights in [0.5, 1.5),
// N(0, 0.09) biases and running means, and running variances in [0.5, 1.5),
// so that neither the affine map nor the evaluation-mode statistics are the
// identity.
func RandomizeBatchNorm(m *nn.Model[float64], seed uint64) {
	for _, l := range m.ParamLayers() {
		bn, ok := l.(*nn.BatchNorm2d[float64])
		if !ok {
			continue
		}
		rng := NewRNG(seed)
		for c := 0; c < bn.Channels; c++ {
			bn.Weight.Value.Data[c] = 0.5 + rng.Float64()
			bn.Bias.Value.Data[c] = rng.NormFloat64()
			bn.RunningMean.Data[c] = 0.3 * rng.NormFloat64()
			bn.RunningVar.Data[c] = 0.5 + rng.Float64()
		}
	}
}

// Batch returns n random samples of m's input shape with random labels.
func Batch(m *nn.Model[float64], n int, seed uint64) (*nn.Tensor[float64], []int) {
	rng := NewRNG(seed)
	x := RandTensor(rng, append([]int{n}, m.InputShape...)...)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(m.Classes)
	}
	return x, labels
}

// TokenBatch returns n windows of token ids for a sequence model whose input
// shape is [T], with a label for every position.
func TokenBatch(m *nn.Model[float64], n int, seed uint64) (*nn.Tensor[float64], []int) {
	t := m.InputShape[0]
	x := IDs(seed, m.Classes, n, t)
	labels := make([]int, n*t)
	rng := NewRNG(seed + 1)
	for i := range labels {
		labels[i] = rng.IntN(m.Classes)
	}
	return x, labels
}

// CloseRel reports whether a and b agree to the relative tolerance tol,
// with abs as a floor for values at or near 0.
func CloseRel(a, b, tol, abs float64) bool {
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))+abs
}

// Loss is the mean cross-entropy of m's output on x.
func Loss(t testing.TB, m *nn.Model[float64], x *nn.Tensor[float64], labels []int, mode nn.Mode) float64 {
	t.Helper()
	y, err := m.Forward(x, mode)
	if err != nil {
		t.Fatal(err)
	}
	l, _ := nn.CrossEntropy(y, labels, nil)
	return l
}

// Params returns m's parameters as one flat vector, in the order of
// m.Params().
func Params(m *nn.Model[float64]) []float64 {
	var out []float64
	for _, p := range m.Params() {
		out = append(out, p.Value.Data...)
	}
	return out
}

// SetParams copies the flat vector v into m's parameters.
func SetParams(m *nn.Model[float64], v []float64) {
	k := 0
	for _, p := range m.Params() {
		k += copy(p.Value.Data, v[k:])
	}
}

// Gradient returns the analytic gradient of the cross-entropy at the
// parameters theta, flat in the order of m.Params().
func Gradient(t testing.TB, m *nn.Model[float64], theta []float64, x *nn.Tensor[float64], labels []int, mode nn.Mode) []float64 {
	t.Helper()
	SetParams(m, theta)
	m.ZeroGrad()
	y, err := m.Forward(x, mode)
	if err != nil {
		t.Fatal(err)
	}
	var dy nn.Tensor[float64]
	nn.CrossEntropy(y, labels, &dy)
	m.Backward(&dy)
	var g []float64
	for _, p := range m.Params() {
		g = append(g, p.Grad.Data...)
	}
	return g
}

// HessianColumns builds the Hessian columns cols of the cross-entropy by the
// stencil (-g(+2h) + 8g(+h) - 8g(-h) + g(-2h)) / 12h of the analytic
// gradient. The parameters are restored afterwards.
func HessianColumns(t testing.TB, m *nn.Model[float64], x *nn.Tensor[float64], labels []int, mode nn.Mode, cols []int, h float64) [][]float64 {
	t.Helper()
	theta := Params(m)
	defer SetParams(m, theta)
	out := make([][]float64, len(cols))
	for c, j := range cols {
		at := func(s float64) []float64 {
			th := append([]float64(nil), theta...)
			th[j] += s * h
			return Gradient(t, m, th, x, labels, mode)
		}
		p2, p1, m1, m2 := at(2), at(1), at(-1), at(-2)
		col := make([]float64, len(theta))
		for i := range col {
			col[i] = (-p2[i] + 8*p1[i] - 8*m1[i] + m2[i]) / (12 * h)
		}
		out[c] = col
	}
	return out
}

// KinkFreeHessianColumns returns Hessian columns by finite differences for
// the first of 20 batches (seeds seed, seed+1000, ...) whose stencils at
// steps h and h/2 agree to 1e-9, that is, whose stencil crosses no kink of
// ReLU or max pooling, with that batch.
func KinkFreeHessianColumns(t testing.TB, m *nn.Model[float64], batch int, seed uint64, mode nn.Mode, cols []int, h float64) (*nn.Tensor[float64], []int, [][]float64) {
	t.Helper()
	for try := uint64(0); try < 20; try++ {
		x, labels := Batch(m, batch, seed+1000*try)
		want := HessianColumns(t, m, x, labels, mode, cols, h)
		half := HessianColumns(t, m, x, labels, mode, cols, h/2)
		ok := true
		scale := max(1, maxAbs(want))
		for c := range want {
			for i := range want[c] {
				if math.Abs(want[c][i]-half[c][i]) > 1e-9*scale {
					ok = false
				}
			}
		}
		if ok {
			return x, labels, want
		}
	}
	t.Fatal("every batch puts a kink inside the finite-difference stencil")
	return nil, nil, nil
}

// ProductColumns applies a matrix-vector product over m's parameters (such
// as nn.HVP's Hessian) to the unit vectors cols and returns the results
// flat.
func ProductColumns(t testing.TB, prod func(v, out []*nn.Tensor[float64]) error, m *nn.Model[float64], cols []int) [][]float64 {
	t.Helper()
	var v, out []*nn.Tensor[float64]
	for _, p := range m.Params() {
		v = append(v, nn.NewTensor[float64](p.Value.Shape...))
		out = append(out, nn.NewTensor[float64](p.Value.Shape...))
	}
	res := make([][]float64, len(cols))
	for c, j := range cols {
		k := 0
		for _, d := range v {
			clear(d.Data)
			if j >= k && j < k+len(d.Data) {
				d.Data[j-k] = 1
			}
			k += len(d.Data)
		}
		if err := prod(v, out); err != nil {
			t.Fatal(err)
		}
		var col []float64
		for _, d := range out {
			col = append(col, d.Data...)
		}
		res[c] = col
	}
	return res
}

// CompareColumns fails when two sets of columns differ anywhere by more than
// tol times the largest entry of want (at least 1).
func CompareColumns(t testing.TB, what string, got, want [][]float64, cols []int, tol float64) {
	t.Helper()
	scale := max(1, maxAbs(want))
	worst, wi, wj := 0.0, 0, 0
	for c := range got {
		for i := range got[c] {
			if d := math.Abs(got[c][i] - want[c][i]); d > worst {
				worst, wi, wj = d, i, cols[c]
			}
		}
	}
	if worst > tol*scale {
		t.Errorf("%s: entry [%d,%d] differs by %.3g (scale %.3g, tolerance %.3g)", what, wi, wj, worst, scale, tol*scale)
	}
}

func maxAbs(cols [][]float64) float64 {
	var m float64
	for _, c := range cols {
		for _, v := range c {
			m = max(m, math.Abs(v))
		}
	}
	return m
}
