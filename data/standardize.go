package data

import (
	"fmt"
	"math"
)

// Scaler z-scores features: x' = (x - Mean[j]) / Scale[j] for feature j.
// It behaves like scikit-learn's StandardScaler.
type Scaler struct {
	Mean  []float64
	Scale []float64 // population standard deviation, 1 for constant features
}

// FitScaler computes every feature's mean and population standard deviation
// (ddof 0) over d. A feature that is constant over d, up to rounding, gets
// Scale 1, so it is centred but not scaled.
func FitScaler(d *Dataset) *Scaler {
	f, n := d.Features(), d.Len()
	s := &Scaler{Mean: make([]float64, f), Scale: make([]float64, f)}
	if n == 0 {
		for j := range s.Scale {
			s.Scale[j] = 1
		}
		return s
	}
	for i := range n {
		for j, v := range d.X[i*f : (i+1)*f] {
			s.Mean[j] += v
		}
	}
	for j := range s.Mean {
		s.Mean[j] /= float64(n)
	}
	// A second pass for the variance is more accurate than one with sums of
	// squares. Scale first accumulates the squared deviations.
	for i := range n {
		for j, v := range d.X[i*f : (i+1)*f] {
			dv := v - s.Mean[j]
			s.Scale[j] += dv * dv
		}
	}
	const eps = 0x1p-52
	for j, ss := range s.Scale {
		v := ss / float64(n)
		// scikit-learn's test for a constant feature: a variance within
		// rounding error of zero.
		bound := float64(n)*eps*v + math.Pow(float64(n)*s.Mean[j]*eps, 2)
		if v <= bound {
			s.Scale[j] = 1
		} else {
			s.Scale[j] = math.Sqrt(v)
		}
	}
	return s
}

// Apply transforms d's features in place. It panics if d's samples do not
// have as many features as the scaler.
func (s *Scaler) Apply(d *Dataset) {
	f := len(s.Mean)
	if d.Features() != f {
		panic(fmt.Sprintf("data: scaler fitted on %d features applied to %s with %d", f, d.Name, d.Features()))
	}
	for i := 0; i+f <= len(d.X); i += f {
		row := d.X[i : i+f]
		for j := range row {
			row[j] = (row[j] - s.Mean[j]) / s.Scale[j]
		}
	}
}
