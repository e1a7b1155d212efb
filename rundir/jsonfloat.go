package rundir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Floats is a list of numbers in a result file (trajectory.json,
// surface.json) that may hold NaN or infinities: a point outside a convex
// hull, a point not evaluated. encoding/json refuses those, so Floats writes
// them as null and reads null back as NaN.
type Floats []float64

// MarshalJSON writes the numbers in their shortest form, NaN and ±Inf as
// null.
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

// UnmarshalJSON reads a list of numbers, null as NaN.
func (f *Floats) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*f = nil
		return nil
	}
	var raw []*float64
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("want a list of numbers or nulls: %w", err)
	}
	out := make(Floats, len(raw))
	for i, v := range raw {
		if v == nil {
			out[i] = math.NaN()
		} else {
			out[i] = *v
		}
	}
	*f = out
	return nil
}

// Grid is a matrix of numbers with the encoding of Floats: g[i][j] is the
// value at the i-th x and the j-th y.
type Grid [][]float64

// MarshalJSON writes the rows as Floats.
func (g Grid) MarshalJSON() ([]byte, error) {
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

// UnmarshalJSON reads rows of numbers, null as NaN.
func (g *Grid) UnmarshalJSON(b []byte) error {
	var rows []Floats
	if err := json.Unmarshal(b, &rows); err != nil {
		return err
	}
	if rows == nil {
		*g = nil
		return nil
	}
	out := make(Grid, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	*g = out
	return nil
}
