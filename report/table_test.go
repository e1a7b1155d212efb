package report

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
	"testing"
)

func TestNumbersJSON(t *testing.T) {
	tenth := 0.1
	cases := []struct {
		in   numbers
		want string
	}{
		{nil, "null"},
		{numbers{}, "[]"},
		{numbers{1, 0.1, -2.5e-9, 1e21}, "[1,0.1,-2.5e-09,1e+21]"},
		{numbers{math.NaN(), math.Inf(1), 3}, "[null,null,3]"},
		{numbers{tenth + 2*tenth}, "[0.30000000000000004]"},
	}
	for _, c := range cases {
		b, err := json.Marshal(c.in)
		if err != nil || string(b) != c.want {
			t.Errorf("%v: %s, %v; want %s", c.in, b, err, c.want)
		}
	}
}

func TestGridEncoding(t *testing.T) {
	vals := []float64{1.5, math.NaN(), -0.1, 3e-300}
	for _, f32 := range []bool{false, true} {
		g := newGrid(2, 2, vals, f32)
		b, _ := base64.StdEncoding.DecodeString(g.Values)
		for i, v := range vals {
			var got float64
			if f32 {
				got = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
			} else {
				got = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
			}
			want := v
			if f32 {
				want = float64(float32(v))
			}
			if !(got == want || math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("f32=%v: value %d decodes as %g, want %g", f32, i, got, want)
			}
		}
	}
}

// A Short table writes its columns to float32 precision: the shortest
// decimals that read back to the same float32; other tables every digit.
func TestShortTableJSON(t *testing.T) {
	tenth := 0.1
	cols := []float64{tenth + 2*tenth, math.NaN(), 1e39, -2.5}
	for _, c := range []struct {
		short bool
		want  string
	}{
		{false, `{"name":"iso","columns":["x"],"data":[[0.30000000000000004,null,1e+39,-2.5]]}`},
		{true, `{"name":"iso","columns":["x"],"data":[[0.3,null,null,-2.5]]}`},
	} {
		tb := columns("iso", []string{"x"}, cols)
		tb.Short = c.short
		b, err := json.Marshal([]*table{tb})
		if err != nil || string(b) != "["+c.want+"]" {
			t.Errorf("short=%v: %s, %v; want %s", c.short, b, err, c.want)
		}
		var back []struct{ Data [][]*float64 }
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if c.short && float32(*back[0].Data[0][0]) != float32(cols[0]) {
			t.Errorf("short: %g does not read back to float32 %g", *back[0].Data[0][0], float32(cols[0]))
		}
	}
}
