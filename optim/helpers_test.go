package optim

import (
	"math"
	"testing"

	"github.com/adafisher-go/landscape/nn"
)

// newParams makes parameters of the given shapes named p0.weight, p1.weight...
// with values from a fixed formula.
func newParams[T nn.Float](shapes ...[]int) []*nn.Param[T] {
	ps := make([]*nn.Param[T], len(shapes))
	for i, s := range shapes {
		p := &nn.Param[T]{
			Name:  "l" + string(rune('0'+i)) + ".weight",
			Layer: "l" + string(rune('0'+i)),
			Role:  "weight",
			Value: nn.NewTensor[T](s...),
			Grad:  nn.NewTensor[T](s...),
		}
		for j := range p.Value.Data {
			p.Value.Data[j] = T(math.Sin(float64(3*j+i)) * 0.7)
		}
		ps[i] = p
	}
	return ps
}

// setGrads writes step k's gradients, a fixed formula of k and the element.
func setGrads[T nn.Float](ps []*nn.Param[T], k int) {
	for i, p := range ps {
		for j := range p.Grad.Data {
			p.Grad.Data[j] = T(math.Cos(0.7*float64(k)+1.3*float64(j)+float64(i)) * (0.2 + float64((j+k)%4)))
		}
	}
}

func cloneParams[T nn.Float](ps []*nn.Param[T]) []*nn.Param[T] {
	out := make([]*nn.Param[T], len(ps))
	for i, p := range ps {
		q := *p
		q.Value, q.Grad = p.Value.Clone(), p.Grad.Clone()
		out[i] = &q
	}
	return out
}

func one[T nn.Float](values ...float64) []*nn.Param[T] {
	p := &nn.Param[T]{Name: "w", Value: nn.NewTensor[T](len(values)), Grad: nn.NewTensor[T](len(values))}
	for i, v := range values {
		p.Value.Data[i] = T(v)
	}
	return []*nn.Param[T]{p}
}

func setGrad[T nn.Float](p *nn.Param[T], g ...float64) {
	for i, v := range g {
		p.Grad.Data[i] = T(v)
	}
}

func assertClose[T nn.Float](t *testing.T, what string, got []T, want []float64) {
	t.Helper()
	tol := 1e-13
	if is32[T]() {
		tol = 1e-6
	}
	for i := range want {
		if d := math.Abs(float64(got[i]) - want[i]); d > tol*math.Max(1, math.Abs(want[i])) {
			t.Errorf("%s[%d] = %.17g, want %.17g", what, i, float64(got[i]), want[i])
		}
	}
}

func sameBits[T nn.Float](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if ulps(a[i], b[i]) != 0 {
			return false
		}
	}
	return true
}
