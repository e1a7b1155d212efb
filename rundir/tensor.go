package rundir

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"unicode/utf8"
)

// metadataKey is the reserved header key holding the free-form string map.
const metadataKey = "__metadata__"

// Tensor is one named tensor of a safetensors file: its element type, its
// shape (row-major, C order, as PyTorch and numpy use), and its raw
// little-endian bytes. A scalar has an empty shape and one element; a shape
// with a zero dimension has no bytes.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// FromFloat64 returns an F64 tensor holding a copy of data. The shape is
// copied too; a shape that does not match len(data) is reported by Validate
// and by Write, not here.
func FromFloat64(name string, shape []int, data []float64) Tensor {
	b := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	return Tensor{Name: name, DType: F64, Shape: cloneShape(shape), Data: b}
}

// FromFloat32 returns an F32 tensor holding a copy of data; see FromFloat64.
func FromFloat32(name string, shape []int, data []float32) Tensor {
	b := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return Tensor{Name: name, DType: F32, Shape: cloneShape(shape), Data: b}
}

// FromInt64 returns an I64 tensor holding a copy of data; see FromFloat64.
func FromInt64(name string, shape []int, data []int64) Tensor {
	b := make([]byte, 8*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint64(b[8*i:], uint64(v))
	}
	return Tensor{Name: name, DType: I64, Shape: cloneShape(shape), Data: b}
}

func cloneShape(shape []int) []int {
	if shape == nil {
		return []int{}
	}
	return append([]int{}, shape...)
}

// NumElements returns the product of the shape (1 for a scalar), or -1 if a
// dimension is negative or the product overflows.
func (t Tensor) NumElements() int {
	n, ok := numElements(t.Shape)
	if !ok {
		return -1
	}
	return n
}

// numElements multiplies the dimensions, failing on a negative dimension or
// on overflow of int.
func numElements(shape []int) (int, bool) {
	n := uint64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		hi, lo := bits.Mul64(n, uint64(d))
		if hi != 0 || lo > math.MaxInt {
			return 0, false
		}
		n = lo
	}
	return int(n), true
}

// byteSize returns the number of bytes a tensor of this dtype and shape needs.
func byteSize(dt DType, shape []int) (int, bool) {
	n, ok := numElements(shape)
	if !ok {
		return 0, false
	}
	hi, lo := bits.Mul64(uint64(n), uint64(dt.Size()))
	if hi != 0 || lo > math.MaxInt {
		return 0, false
	}
	return int(lo), true
}

// Validate reports whether t can be written to a safetensors file: its name is
// non-empty, valid UTF-8 and not the reserved "__metadata__"; its dtype is
// known; its shape has no negative dimension; and len(Data) is the product of
// the shape times the dtype size.
func (t Tensor) Validate() error {
	switch {
	case t.Name == "":
		return fmt.Errorf("tensor with empty name")
	case !utf8.ValidString(t.Name):
		return fmt.Errorf("tensor %q: name is not valid UTF-8", t.Name)
	case t.Name == metadataKey:
		return fmt.Errorf("tensor %q: name is reserved for the metadata map", t.Name)
	case !t.DType.Valid():
		return fmt.Errorf("tensor %q: unknown dtype %q", t.Name, string(t.DType))
	}
	for _, d := range t.Shape {
		if d < 0 {
			return fmt.Errorf("tensor %q: negative dimension in shape %v", t.Name, t.Shape)
		}
	}
	need, ok := byteSize(t.DType, t.Shape)
	if !ok {
		return fmt.Errorf("tensor %q: dtype %s shape %v overflows the addressable size", t.Name, t.DType, t.Shape)
	}
	if need != len(t.Data) {
		return fmt.Errorf("tensor %q: %d data bytes but dtype %s shape %v needs %d bytes",
			t.Name, len(t.Data), t.DType, t.Shape, need)
	}
	return nil
}

// elements checks that Data holds a whole number of elements of t's dtype and
// returns how many.
func (t Tensor) elements() (int, error) {
	size := t.DType.Size()
	if size == 0 {
		return 0, fmt.Errorf("safetensors: tensor %q: unknown dtype %q", t.Name, string(t.DType))
	}
	if len(t.Data)%size != 0 {
		return 0, fmt.Errorf("safetensors: tensor %q: %d data bytes is not a whole number of %s elements", t.Name, len(t.Data), t.DType)
	}
	return len(t.Data) / size, nil
}

// convert decodes every element of t with at, which is given the bytes of one
// element.
func convert[E any](t Tensor, n int, at func(b []byte) E) []E {
	size := t.DType.Size()
	out := make([]E, n)
	for i := range out {
		out[i] = at(t.Data[i*size : (i+1)*size])
	}
	return out
}

// Float64s decodes the elements of t as float64, whatever its dtype: floats
// (F16 and BF16 included) convert exactly, integers convert as Go's
// float64(x) does (rounding beyond 2^53), and BOOL gives 0 or 1.
func (t Tensor) Float64s() ([]float64, error) {
	n, err := t.elements()
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	switch t.DType {
	case F64:
		return convert(t, n, func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) }), nil
	case F32:
		return convert(t, n, func(b []byte) float64 { return float64(math.Float32frombits(le.Uint32(b))) }), nil
	case F16:
		return convert(t, n, func(b []byte) float64 { return float64(Float16ToFloat32(le.Uint16(b))) }), nil
	case BF16:
		return convert(t, n, func(b []byte) float64 { return float64(BFloat16ToFloat32(le.Uint16(b))) }), nil
	case U64:
		return convert(t, n, func(b []byte) float64 { return float64(le.Uint64(b)) }), nil
	}
	ints, err := t.Int64s()
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(ints))
	for i, v := range ints {
		out[i] = float64(v)
	}
	return out, nil
}

// Float32s decodes the elements of t as float32, whatever its dtype: F64
// values round to the nearest float32 (overflowing to ±Inf), F16 and BF16
// convert exactly, integers convert as Go's float32(x) does, and BOOL gives 0
// or 1.
func (t Tensor) Float32s() ([]float32, error) {
	n, err := t.elements()
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	switch t.DType {
	case F64:
		return convert(t, n, func(b []byte) float32 { return float32(math.Float64frombits(le.Uint64(b))) }), nil
	case F32:
		return convert(t, n, func(b []byte) float32 { return math.Float32frombits(le.Uint32(b)) }), nil
	case F16:
		return convert(t, n, func(b []byte) float32 { return Float16ToFloat32(le.Uint16(b)) }), nil
	case BF16:
		return convert(t, n, func(b []byte) float32 { return BFloat16ToFloat32(le.Uint16(b)) }), nil
	case U64:
		return convert(t, n, func(b []byte) float32 { return float32(le.Uint64(b)) }), nil
	}
	ints, err := t.Int64s()
	if err != nil {
		return nil, err
	}
	out := make([]float32, len(ints))
	for i, v := range ints {
		out[i] = float32(v)
	}
	return out, nil
}

// Int64s decodes the elements of an integer tensor (I8 to I64, U8 to U64, and
// BOOL as 0 or 1) as int64. Float dtypes are an error, as is a U64 element
// above math.MaxInt64.
func (t Tensor) Int64s() ([]int64, error) {
	n, err := t.elements()
	if err != nil {
		return nil, err
	}
	le := binary.LittleEndian
	switch t.DType {
	case I64:
		return convert(t, n, func(b []byte) int64 { return int64(le.Uint64(b)) }), nil
	case I32:
		return convert(t, n, func(b []byte) int64 { return int64(int32(le.Uint32(b))) }), nil
	case I16:
		return convert(t, n, func(b []byte) int64 { return int64(int16(le.Uint16(b))) }), nil
	case I8:
		return convert(t, n, func(b []byte) int64 { return int64(int8(b[0])) }), nil
	case U32:
		return convert(t, n, func(b []byte) int64 { return int64(le.Uint32(b)) }), nil
	case U16:
		return convert(t, n, func(b []byte) int64 { return int64(le.Uint16(b)) }), nil
	case U8:
		return convert(t, n, func(b []byte) int64 { return int64(b[0]) }), nil
	case BOOL:
		return convert(t, n, func(b []byte) int64 {
			if b[0] != 0 {
				return 1
			}
			return 0
		}), nil
	case U64:
		for i := 0; i < n; i++ {
			if v := le.Uint64(t.Data[8*i:]); v > math.MaxInt64 {
				return nil, fmt.Errorf("safetensors: tensor %q: element %d of dtype U64 is %d, beyond int64", t.Name, i, v)
			}
		}
		return convert(t, n, func(b []byte) int64 { return int64(le.Uint64(b)) }), nil
	}
	return nil, fmt.Errorf("safetensors: tensor %q: dtype %s is not an integer type", t.Name, t.DType)
}
