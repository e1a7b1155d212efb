package main

import (
	"math"
	"strconv"
)

// floats encodes NaN and infinities as JSON null (a value outside the convex
// hull, a point not evaluated), which encoding/json refuses otherwise.
type floats []float64

func (f floats) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(f)*20)
	b = append(b, '[')
	for i, v := range f {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = append(b, "null"...)
		} else {
			b = strconv.AppendFloat(b, v, 'g', -1, 64)
		}
	}
	return append(b, ']'), nil
}

// grid is a matrix of floats with the same encoding.
type grid [][]float64

func (g grid) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, row := range g {
		if i > 0 {
			b = append(b, ',')
		}
		r, _ := floats(row).MarshalJSON()
		b = append(b, r...)
	}
	return append(b, ']'), nil
}
