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
