package report

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// table is data behind a chart, as embedded in the page and offered for
// download. It is either columns of numbers (Data[k] is column k) or a grid
// of values (Grid).
type table struct {
	Name    string    `json:"name"`
	Columns []string  `json:"columns"`
	Data    []numbers `json:"data,omitempty"`
	Grid    *grid     `json:"grid,omitempty"`
	// Short writes Data to float32 precision (shortest decimals that read
	// back to the same float32): for coordinates only drawn, never read,
	// such as the ends of isoline segments, far finer than a pixel.
	Short bool `json:"-"`
}

// MarshalJSON implements json.Marshaler.
func (t table) MarshalJSON() ([]byte, error) {
	type plain table // without this method
	if !t.Short {
		return json.Marshal(plain(t))
	}
	short := make([]numbers32, len(t.Data))
	for i, c := range t.Data {
		short[i] = numbers32(c)
	}
	return json.Marshal(struct {
		Name    string      `json:"name"`
		Columns []string    `json:"columns"`
		Data    []numbers32 `json:"data,omitempty"`
	}{t.Name, t.Columns, short})
}

// grid is a rows x cols matrix of values, row-major, base64 of little-endian
// float32 ("f32") or float64 ("f64") so that NaN survives and large matrices
// stay small. X and Y, when present, are the coordinates of the columns and
// rows; without them the table's columns are (column, row, value) indices.
type grid struct {
	Rows   int     `json:"rows"`
	Cols   int     `json:"cols"`
	X      numbers `json:"x,omitempty"`
	Y      numbers `json:"y,omitempty"`
	Enc    string  `json:"enc"`
	Values string  `json:"values"`
	Block  int     `json:"block,omitempty"` // block-averaging factor, 0 or 1 for none
	Full   [2]int  `json:"full,omitzero"`   // rows and cols before averaging
}

// columns returns a table of the given columns.
func columns(name string, names []string, cols ...[]float64) *table {
	t := &table{Name: name, Columns: names}
	for _, c := range cols {
		t.Data = append(t.Data, numbers(c))
	}
	return t
}

// newGrid encodes a row-major rows x cols matrix.
func newGrid(rows, cols int, values []float64, f32 bool) *grid {
	g := &grid{Rows: rows, Cols: cols}
	var b []byte
	if f32 {
		g.Enc = "f32"
		b = make([]byte, 4*len(values))
		for i, v := range values {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(float32(v)))
		}
	} else {
		g.Enc = "f64"
		b = make([]byte, 8*len(values))
		for i, v := range values {
			binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
		}
	}
	g.Values = base64.StdEncoding.EncodeToString(b)
	return g
}

// toF32 re-encodes a float64 grid as float32 (rounding to nearest).
func (g *grid) toF32() error {
	if g.Enc != "f64" {
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(g.Values)
	if err != nil || len(b) != 8*g.Rows*g.Cols {
		return fmt.Errorf("grid of %d x %d float64 values holds %d bytes", g.Rows, g.Cols, len(b))
	}
	vs := make([]float64, g.Rows*g.Cols)
	for i := range vs {
		vs[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	*g = *withValues(g, vs, true)
	return nil
}

// withValues is g with its values replaced and encoded anew.
func withValues(g *grid, values []float64, f32 bool) *grid {
	n := newGrid(g.Rows, g.Cols, values, f32)
	n.X, n.Y, n.Block, n.Full = g.X, g.Y, g.Block, g.Full
	return n
}

// numbers marshals as a JSON array with the shortest representation that
// reads back to the same float64, and null for NaN and infinities (which
// JSON cannot hold).
type numbers []float64

// MarshalJSON implements json.Marshaler.
func (ns numbers) MarshalJSON() ([]byte, error) {
	if ns == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 2+12*len(ns))
	b = append(b, '[')
	for i, v := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendNumber(b, v)
	}
	return append(b, ']'), nil
}

func appendNumber(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// numbers32 is numbers written to float32 precision.
type numbers32 []float64

// MarshalJSON implements json.Marshaler.
func (ns numbers32) MarshalJSON() ([]byte, error) {
	if ns == nil {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 2+10*len(ns))
	b = append(b, '[')
	for i, v := range ns {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > math.MaxFloat32 {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, v, 'g', -1, 32)
	}
	return append(b, ']'), nil
}

var (
	_ json.Marshaler = numbers(nil)
	_ json.Marshaler = numbers32(nil)
	_ json.Marshaler = table{}
)
