package gersgorin

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Eigenvalues is a list of complex eigenvalues. In JSON it is a list of
// [real, imaginary] pairs, which encoding/json cannot do for complex128.
type Eigenvalues []complex128

// Real returns the real parts.
func (e Eigenvalues) Real() []float64 {
	out := make([]float64, len(e))
	for i, z := range e {
		out[i] = real(z)
	}
	return out
}

// MaxAbsImag returns the largest |imaginary part| (0 for a symmetric matrix,
// up to rounding).
func (e Eigenvalues) MaxAbsImag() float64 {
	var m float64
	for _, z := range e {
		m = max(m, math.Abs(imag(z)))
	}
	return m
}

// MarshalJSON encodes e as [[re, im], ...]. Non-finite parts are an error,
// as they are for encoding/json's float64.
func (e Eigenvalues) MarshalJSON() ([]byte, error) {
	if e == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 2+len(e)*48)
	b = append(b, '[')
	for i, z := range e {
		if i > 0 {
			b = append(b, ',')
		}
		for k, v := range [2]float64{real(z), imag(z)} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("gersgorin: eigenvalue %d is not finite: %v", i, z)
			}
			if k == 0 {
				b = append(b, '[')
			} else {
				b = append(b, ',')
			}
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
		b = append(b, ']')
	}
	return append(b, ']'), nil
}

// UnmarshalJSON decodes the form MarshalJSON writes.
func (e *Eigenvalues) UnmarshalJSON(b []byte) error {
	var pairs [][2]float64
	if err := json.Unmarshal(b, &pairs); err != nil {
		return fmt.Errorf("gersgorin: eigenvalues: %w", err)
	}
	if pairs == nil {
		*e = nil
		return nil
	}
	out := make(Eigenvalues, len(pairs))
	for i, p := range pairs {
		out[i] = complex(p[0], p[1])
	}
	*e = out
	return nil
}
