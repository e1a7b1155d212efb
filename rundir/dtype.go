package rundir

import "math"

// DType is a safetensors element type, spelled as it appears in the "dtype"
// field of a safetensors header. All multi-byte types are little-endian.
type DType string

// The element types this package reads and writes. F64 to BOOL are the ones
// PyTorch and numpy produce for ordinary models; U16, U32 and U64 are accepted
// because recent PyTorch versions write them too. The 8-bit float types of the
// specification (F8_E4M3, F8_E5M2) are not supported and are rejected as
// unknown.
const (
	F64  DType = "F64"
	F32  DType = "F32"
	F16  DType = "F16"
	BF16 DType = "BF16"
	I64  DType = "I64"
	I32  DType = "I32"
	I16  DType = "I16"
	I8   DType = "I8"
	U8   DType = "U8"
	BOOL DType = "BOOL"
	U16  DType = "U16"
	U32  DType = "U32"
	U64  DType = "U64"
)

// Size returns the number of bytes one element of d occupies, or 0 if d is not
// a known dtype.
func (d DType) Size() int {
	switch d {
	case F64, I64, U64:
		return 8
	case F32, I32, U32:
		return 4
	case F16, BF16, I16, U16:
		return 2
	case I8, U8, BOOL:
		return 1
	}
	return 0
}

// Valid reports whether d is a dtype this package knows.
func (d DType) Valid() bool { return d.Size() != 0 }

// IsFloat reports whether d is a floating-point dtype.
func (d DType) IsFloat() bool {
	switch d {
	case F64, F32, F16, BF16:
		return true
	}
	return false
}

// IsInteger reports whether d is an integer dtype. BOOL counts as an integer
// type whose elements are 0 or 1.
func (d DType) IsInteger() bool {
	switch d {
	case I64, I32, I16, I8, U64, U32, U16, U8, BOOL:
		return true
	}
	return false
}

// Float16ToFloat32 decodes an IEEE 754 binary16 value, including subnormals,
// infinities and NaNs. The conversion is exact.
func Float16ToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch exp {
	case 0:
		// Zero or subnormal: mant * 2^-24, exactly representable in float32.
		v := float32(mant) * (1.0 / (1 << 24))
		return math.Float32frombits(math.Float32bits(v) | sign)
	case 0x1f:
		// Infinity (mant == 0) or NaN; keep the payload.
		return math.Float32frombits(sign | 0x7f800000 | mant<<13)
	default:
		return math.Float32frombits(sign | (exp+127-15)<<23 | mant<<13)
	}
}

// BFloat16ToFloat32 decodes a bfloat16 value, which is the top half of a
// float32. The conversion is exact.
func BFloat16ToFloat32(b uint16) float32 {
	return math.Float32frombits(uint32(b) << 16)
}
