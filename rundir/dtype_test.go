package rundir

import (
	"math"
	"testing"
)

func TestDTypeSize(t *testing.T) {
	tests := []struct {
		d              DType
		size           int
		isFloat, isInt bool
	}{
		{F64, 8, true, false},
		{F32, 4, true, false},
		{F16, 2, true, false},
		{BF16, 2, true, false},
		{I64, 8, false, true},
		{I32, 4, false, true},
		{I16, 2, false, true},
		{I8, 1, false, true},
		{U8, 1, false, true},
		{BOOL, 1, false, true},
		{U16, 2, false, true},
		{U32, 4, false, true},
		{U64, 8, false, true},
		{"F8_E4M3", 0, false, false},
		{"f32", 0, false, false},
		{"", 0, false, false},
	}
	for _, tt := range tests {
		if got := tt.d.Size(); got != tt.size {
			t.Errorf("%q.Size() = %d, want %d", tt.d, got, tt.size)
		}
		if got := tt.d.Valid(); got != (tt.size != 0) {
			t.Errorf("%q.Valid() = %v", tt.d, got)
		}
		if got := tt.d.IsFloat(); got != tt.isFloat {
			t.Errorf("%q.IsFloat() = %v", tt.d, got)
		}
		if got := tt.d.IsInteger(); got != tt.isInt {
			t.Errorf("%q.IsInteger() = %v", tt.d, got)
		}
	}
}

func TestFloat16ToFloat32(t *testing.T) {
	tests := []struct {
		bits uint16
		want float64
	}{
		{0x3c00, 1.0},
		{0xc100, -2.5},
		{0x7bff, 65504},                 // largest finite
		{0xfbff, -65504},                // most negative finite
		{0x0400, math.Ldexp(1, -14)},    // smallest normal
		{0x0001, math.Ldexp(1, -24)},    // smallest subnormal
		{0x03ff, math.Ldexp(1023, -24)}, // largest subnormal
		{0x8001, -math.Ldexp(1, -24)},
		{0x0200, math.Ldexp(1, -15)},
		{0x3555, 0.333251953125},
		{0x0000, 0},
		{0x7c00, math.Inf(1)},
		{0xfc00, math.Inf(-1)},
	}
	for _, tt := range tests {
		if got := float64(Float16ToFloat32(tt.bits)); got != tt.want {
			t.Errorf("Float16ToFloat32(%#04x) = %g, want %g", tt.bits, got, tt.want)
		}
	}
	if got := Float16ToFloat32(0x8000); got != 0 || !math.Signbit(float64(got)) {
		t.Errorf("Float16ToFloat32(0x8000) = %g, want -0", got)
	}
	for _, b := range []uint16{0x7e00, 0x7c01, 0xfe00, 0x7fff} {
		if got := Float16ToFloat32(b); !math.IsNaN(float64(got)) {
			t.Errorf("Float16ToFloat32(%#04x) = %g, want NaN", b, got)
		}
	}
}

// TestFloat16Exhaustive checks every binary16 value against the definition
// (-1)^s * 2^(e-15) * (1 + m/1024), or 2^-14 * m/1024 for subnormals.
func TestFloat16Exhaustive(t *testing.T) {
	for i := 0; i < 1<<16; i++ {
		h := uint16(i)
		s, e, m := h>>15, int(h>>10&0x1f), float64(h&0x3ff)
		var want float64
		switch {
		case e == 0x1f && m != 0:
			want = math.NaN()
		case e == 0x1f:
			want = math.Inf(1)
		case e == 0:
			want = math.Ldexp(m/1024, -14)
		default:
			want = math.Ldexp(1+m/1024, e-15)
		}
		if s == 1 {
			want = -want
		}
		got := float64(Float16ToFloat32(h))
		if math.IsNaN(want) {
			if !math.IsNaN(got) {
				t.Fatalf("Float16ToFloat32(%#04x) = %g, want NaN", h, got)
			}
			continue
		}
		if got != want || math.Signbit(got) != math.Signbit(want) {
			t.Fatalf("Float16ToFloat32(%#04x) = %g, want %g", h, got, want)
		}
	}
}

func TestBFloat16ToFloat32(t *testing.T) {
	tests := []struct {
		bits uint16
		want float64
	}{
		{0x3f80, 1.0},
		{0xc020, -2.5},
		{0x477f, 65280},
		{0x4780, 65536},
		{0x0080, math.Ldexp(1, -126)}, // smallest normal
		{0x0001, math.Ldexp(1, -133)}, // smallest subnormal
		{0x007f, math.Ldexp(127, -133)},
		{0x7f7f, float64(math.Float32frombits(0x7f7f0000))}, // largest finite
		{0x0000, 0},
		{0x7f80, math.Inf(1)},
		{0xff80, math.Inf(-1)},
	}
	for _, tt := range tests {
		if got := float64(BFloat16ToFloat32(tt.bits)); got != tt.want {
			t.Errorf("BFloat16ToFloat32(%#04x) = %g, want %g", tt.bits, got, tt.want)
		}
	}
	if got := BFloat16ToFloat32(0x7fc0); !math.IsNaN(float64(got)) {
		t.Errorf("BFloat16ToFloat32(0x7fc0) = %g, want NaN", got)
	}
}
