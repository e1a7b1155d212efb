package rundir

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestConstructors(t *testing.T) {
	shape := []int{2, 2}
	f64 := FromFloat64("a", shape, []float64{1, -2.5, math.Inf(1), 1e-300})
	f32 := FromFloat32("b", shape, []float32{1, -2.5, math.MaxFloat32, 1e-40})
	i64 := FromInt64("c", shape, []int64{0, -1, math.MaxInt64, math.MinInt64})
	shape[0] = 99 // constructors copy the shape
	tests := []struct {
		t     Tensor
		dtype DType
		bytes string
	}{
		{f64, F64, "\x00\x00\x00\x00\x00\x00\xf0\x3f" + "\x00\x00\x00\x00\x00\x00\x04\xc0" + "\x00\x00\x00\x00\x00\x00\xf0\x7f"},
		{f32, F32, "\x00\x00\x80\x3f" + "\x00\x00\x20\xc0" + "\xff\xff\x7f\x7f"},
		{i64, I64, "\x00\x00\x00\x00\x00\x00\x00\x00" + "\xff\xff\xff\xff\xff\xff\xff\xff" + "\xff\xff\xff\xff\xff\xff\xff\x7f"},
	}
	for _, tt := range tests {
		if tt.t.DType != tt.dtype || !reflect.DeepEqual(tt.t.Shape, []int{2, 2}) {
			t.Errorf("%s: dtype %s shape %v", tt.t.Name, tt.t.DType, tt.t.Shape)
		}
		if !strings.HasPrefix(string(tt.t.Data), tt.bytes) {
			t.Errorf("%s: data % x, want prefix % x", tt.t.Name, tt.t.Data, tt.bytes)
		}
		if err := tt.t.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", tt.t.Name, err)
		}
	}
	if got, _ := f64.Float64s(); !reflect.DeepEqual(got, []float64{1, -2.5, math.Inf(1), 1e-300}) {
		t.Errorf("F64 Float64s = %v", got)
	}
	if got, _ := f32.Float32s(); !reflect.DeepEqual(got, []float32{1, -2.5, math.MaxFloat32, 1e-40}) {
		t.Errorf("F32 Float32s = %v", got)
	}
	if got, _ := i64.Int64s(); !reflect.DeepEqual(got, []int64{0, -1, math.MaxInt64, math.MinInt64}) {
		t.Errorf("I64 Int64s = %v", got)
	}
	if s := FromFloat32("s", nil, []float32{3}); s.Shape == nil || len(s.Shape) != 0 || s.Validate() != nil {
		t.Errorf("scalar: shape %v, Validate %v", s.Shape, s.Validate())
	}
}

// bytesOf spells a byte slice out element by element.
func bytesOf(b ...byte) []byte { return b }

func TestConversions(t *testing.T) {
	tests := []struct {
		dtype DType
		data  []byte
		f64   []float64
		ints  []int64 // nil: Int64s must fail
	}{
		{F64, bytesOf(0, 0, 0, 0, 0, 0, 0xf0, 0x3f, 0, 0, 0, 0, 0, 0, 0x04, 0xc0), []float64{1, -2.5}, nil},
		{F32, bytesOf(0, 0, 0x80, 0x3f, 0, 0, 0x20, 0xc0), []float64{1, -2.5}, nil},
		{F16, bytesOf(0x00, 0x3c, 0x00, 0xc1, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c), []float64{1, -2.5, 65504, math.Ldexp(1, -24), math.Inf(1)}, nil},
		{BF16, bytesOf(0x80, 0x3f, 0x20, 0xc0, 0x80, 0xff), []float64{1, -2.5, math.Inf(-1)}, nil},
		{I64, bytesOf(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 7, 0, 0, 0, 0, 0, 0, 0), []float64{-2, 7}, []int64{-2, 7}},
		{I32, bytesOf(0xfe, 0xff, 0xff, 0xff, 7, 0, 0, 0), []float64{-2, 7}, []int64{-2, 7}},
		{I16, bytesOf(0xfe, 0xff, 0x00, 0x80), []float64{-2, -32768}, []int64{-2, -32768}},
		{I8, bytesOf(0xfe, 0x7f, 0x80), []float64{-2, 127, -128}, []int64{-2, 127, -128}},
		{U8, bytesOf(0xfe, 0x7f), []float64{254, 127}, []int64{254, 127}},
		{U16, bytesOf(0xfe, 0xff), []float64{65534}, []int64{65534}},
		{U32, bytesOf(0xfe, 0xff, 0xff, 0xff), []float64{4294967294}, []int64{4294967294}},
		{U64, bytesOf(0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), []float64{math.MaxInt64 - 1}, []int64{math.MaxInt64 - 1}},
		{BOOL, bytesOf(0, 1, 2), []float64{0, 1, 1}, []int64{0, 1, 1}},
	}
	for _, tt := range tests {
		tensor := Tensor{Name: "x", DType: tt.dtype, Shape: []int{len(tt.f64)}, Data: tt.data}
		if err := tensor.Validate(); err != nil {
			t.Errorf("%s: Validate: %v", tt.dtype, err)
		}
		got, err := tensor.Float64s()
		if err != nil || !reflect.DeepEqual(got, tt.f64) {
			t.Errorf("%s: Float64s = %v, %v; want %v", tt.dtype, got, err, tt.f64)
		}
		got32, err := tensor.Float32s()
		want32 := make([]float32, len(tt.f64))
		for i, v := range tt.f64 {
			want32[i] = float32(v)
		}
		if err != nil || !reflect.DeepEqual(got32, want32) {
			t.Errorf("%s: Float32s = %v, %v; want %v", tt.dtype, got32, err, want32)
		}
		ints, err := tensor.Int64s()
		if tt.ints == nil {
			if err == nil {
				t.Errorf("%s: Int64s = %v, want an error", tt.dtype, ints)
			}
		} else if err != nil || !reflect.DeepEqual(ints, tt.ints) {
			t.Errorf("%s: Int64s = %v, %v; want %v", tt.dtype, ints, err, tt.ints)
		}
	}
}

func TestConversionErrors(t *testing.T) {
	tests := []struct {
		name   string
		tensor Tensor
		call   func(Tensor) error
		want   string
	}{
		{"unknown dtype", Tensor{Name: "w", DType: "F8_E4M3", Data: []byte{1}},
			func(t Tensor) error { _, err := t.Float64s(); return err }, `tensor "w": unknown dtype "F8_E4M3"`},
		{"ragged data", Tensor{Name: "w", DType: F32, Data: []byte{1, 2, 3}},
			func(t Tensor) error { _, err := t.Float32s(); return err }, "not a whole number of F32 elements"},
		{"float to int", Tensor{Name: "w", DType: F16, Data: []byte{0, 0x3c}},
			func(t Tensor) error { _, err := t.Int64s(); return err }, "F16 is not an integer type"},
		{"U64 overflow", Tensor{Name: "w", DType: U64, Data: []byte{0, 0, 0, 0, 0, 0, 0, 0x80}},
			func(t Tensor) error { _, err := t.Int64s(); return err }, "beyond int64"},
	}
	for _, tt := range tests {
		err := tt.call(tt.tensor)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want it to contain %q", tt.name, err, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		tensor Tensor
		want   string // "" for valid
	}{
		{"ok", Tensor{Name: "w", DType: F32, Shape: []int{2, 3}, Data: make([]byte, 24)}, ""},
		{"scalar", Tensor{Name: "w", DType: F64, Data: make([]byte, 8)}, ""},
		{"empty dim", Tensor{Name: "w", DType: F32, Shape: []int{0, 5}}, ""},
		{"empty name", Tensor{DType: F32, Data: make([]byte, 4)}, "empty name"},
		{"reserved name", Tensor{Name: "__metadata__", DType: F32, Data: make([]byte, 4)}, "reserved"},
		{"bad utf8 name", Tensor{Name: "w\xff", DType: F32, Data: make([]byte, 4)}, "UTF-8"},
		{"unknown dtype", Tensor{Name: "w", DType: "float32", Data: make([]byte, 4)}, `unknown dtype "float32"`},
		{"negative dim", Tensor{Name: "w", DType: F32, Shape: []int{-1}}, "negative dimension"},
		{"overflow", Tensor{Name: "w", DType: F64, Shape: []int{1 << 31, 1 << 31, 1 << 3}}, "overflows"},
		{"size mismatch", Tensor{Name: "fc1.weight", DType: F32, Shape: []int{4, 16}, Data: make([]byte, 64)},
			`tensor "fc1.weight": 64 data bytes but dtype F32 shape [4 16] needs 256 bytes`},
	}
	for _, tt := range tests {
		err := tt.tensor.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: Validate: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: Validate = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
	if n := (Tensor{Shape: []int{-1}}).NumElements(); n != -1 {
		t.Errorf("NumElements of negative shape = %d, want -1", n)
	}
	if n := (Tensor{Shape: []int{3, 4}}).NumElements(); n != 12 {
		t.Errorf("NumElements = %d, want 12", n)
	}
}
