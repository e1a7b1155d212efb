package landscape

import (
	"math"
	"strconv"
)

// Floats is a []float64 that encodes NaN and infinities as JSON null (a
// point not evaluated, a loss that overflowed), which encoding/json refuses
// otherwise; finite values are written in the shortest form that reads
// back exactly.
type Floats []float64

// MarshalJSON implements json.Marshaler.
func (f Floats) MarshalJSON() ([]byte, error) {
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

// FloatGrid is a matrix of floats with the encoding of [Floats].
type FloatGrid [][]float64

// MarshalJSON implements json.Marshaler.
func (g FloatGrid) MarshalJSON() ([]byte, error) {
	b := []byte{'['}
	for i, row := range g {
		if i > 0 {
			b = append(b, ',')
		}
		r, _ := Floats(row).MarshalJSON()
		b = append(b, r...)
	}
	return append(b, ']'), nil
}
