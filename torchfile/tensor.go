package torchfile

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
)

// DType is a tensor element type, named as PyTorch names it.
type DType string

// The element types of the storages this package reads and writes.
const (
	Float64  DType = "float64"
	Float32  DType = "float32"
	Float16  DType = "float16"
	BFloat16 DType = "bfloat16"
	Int64    DType = "int64"
	Int32    DType = "int32"
	Int16    DType = "int16"
	Int8     DType = "int8"
	Uint8    DType = "uint8"
	Bool     DType = "bool"
)

// storageTypes maps the typed-storage classes of module torch to their
// element types.
var storageTypes = map[string]DType{
	"DoubleStorage":   Float64,
	"FloatStorage":    Float32,
	"HalfStorage":     Float16,
	"BFloat16Storage": BFloat16,
	"LongStorage":     Int64,
	"IntStorage":      Int32,
	"ShortStorage":    Int16,
	"CharStorage":     Int8,
	"ByteStorage":     Uint8,
	"BoolStorage":     Bool,
}

// Size returns the bytes of one element, 0 for an unknown type.
func (d DType) Size() int {
	switch d {
	case Float64, Int64:
		return 8
	case Float32, Int32:
		return 4
	case Float16, BFloat16, Int16:
		return 2
	case Int8, Uint8, Bool:
		return 1
	}
	return 0
}

// IsFloat reports whether d is a floating-point type.
func (d DType) IsFloat() bool {
	return d == Float64 || d == Float32 || d == Float16 || d == BFloat16
}

// storageClass returns the torch class name of d's typed storage.
func (d DType) storageClass() string {
	for k, v := range storageTypes {
		if v == d {
			return k
		}
	}
	return ""
}

// storage is one torch storage: a flat run of elements several tensors may
// view. Its bytes are filled in when the file's record for it is read.
type storage struct {
	dtype DType
	key   string
	numel int
	data  []byte // numel*dtype.Size() bytes once loaded
}

// tensorRef is a tensor as the pickle describes it: a strided view of a
// storage.
type tensorRef struct {
	st     *storage
	offset int
	size   []int
	stride []int
}

// Tensor is one named tensor with its elements in C (row-major) order: a
// strided view is copied out of its storage, a contiguous one shares the
// bytes of the file read (callers must not write to Data).
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	// Data holds the elements, little-endian, in C order: exactly
	// NumElements()*DType.Size() bytes.
	Data []byte
}

// NumElements returns the product of the shape (1 for a scalar).
func (t *Tensor) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// Float64s returns the elements as float64: floats convert exactly, integers
// as Go's float64(x) does, bools as 0 or 1.
func (t *Tensor) Float64s() []float64 {
	n := t.NumElements()
	out := make([]float64, n)
	le := binary.LittleEndian
	b := t.Data
	for i := range out {
		switch t.DType {
		case Float64:
			out[i] = math.Float64frombits(le.Uint64(b[8*i:]))
		case Float32:
			out[i] = float64(math.Float32frombits(le.Uint32(b[4*i:])))
		case Float16:
			out[i] = float64(halfToFloat32(le.Uint16(b[2*i:])))
		case BFloat16:
			out[i] = float64(math.Float32frombits(uint32(le.Uint16(b[2*i:])) << 16))
		case Int64:
			out[i] = float64(int64(le.Uint64(b[8*i:])))
		case Int32:
			out[i] = float64(int32(le.Uint32(b[4*i:])))
		case Int16:
			out[i] = float64(int16(le.Uint16(b[2*i:])))
		case Int8:
			out[i] = float64(int8(b[i]))
		case Uint8:
			out[i] = float64(b[i])
		case Bool:
			if b[i] != 0 {
				out[i] = 1
			}
		}
	}
	return out
}

// Float32s returns the elements as float32: float64 values round to nearest,
// the other floats convert exactly, integers as Go's float32(x) does.
func (t *Tensor) Float32s() []float32 {
	if t.DType == Float32 {
		out := make([]float32, t.NumElements())
		for i := range out {
			out[i] = math.Float32frombits(binary.LittleEndian.Uint32(t.Data[4*i:]))
		}
		return out
	}
	v := t.Float64s()
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// Int64s returns the elements of an integer or bool tensor as int64.
func (t *Tensor) Int64s() ([]int64, error) {
	if t.DType.IsFloat() {
		return nil, fmt.Errorf("tensor %q: dtype %s is not an integer type", t.Name, t.DType)
	}
	v := t.Float64s()
	out := make([]int64, len(v))
	if t.DType == Int64 {
		for i := range out {
			out[i] = int64(binary.LittleEndian.Uint64(t.Data[8*i:]))
		}
		return out, nil
	}
	for i, x := range v {
		out[i] = int64(x)
	}
	return out, nil
}

// halfToFloat32 converts an IEEE binary16 value exactly.
func halfToFloat32(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	frac := uint32(h) & 0x3ff
	switch {
	case exp == 0x1f:
		return math.Float32frombits(sign | 0xff<<23 | frac<<13)
	case exp != 0:
		return math.Float32frombits(sign | (exp+112)<<23 | frac<<13)
	case frac == 0:
		return math.Float32frombits(sign)
	}
	// subnormal: frac * 2^-24
	f := float32(frac) * float32(1.0/(1<<24))
	if sign != 0 {
		f = -f
	}
	return f
}

// materialize copies a view out of its storage into C order, checking that
// every element it addresses lies inside the storage.
func materialize(name string, r *tensorRef) (*Tensor, error) {
	st := r.st
	if st.data == nil && st.numel > 0 {
		return nil, fmt.Errorf("tensor %q: storage %q has no data", name, st.key)
	}
	if len(r.size) != len(r.stride) {
		return nil, fmt.Errorf("tensor %q: size %v and stride %v differ in length", name, r.size, r.stride)
	}
	if r.offset < 0 {
		return nil, fmt.Errorf("tensor %q: negative storage offset %d", name, r.offset)
	}
	numel := uint64(1)
	last := uint64(r.offset) // the largest element index the view reaches
	for i, d := range r.size {
		if d < 0 || r.stride[i] < 0 {
			return nil, fmt.Errorf("tensor %q: size %v, stride %v: negative entries", name, r.size, r.stride)
		}
		hi, lo := bits.Mul64(numel, uint64(d))
		if hi != 0 || lo > math.MaxInt32*uint64(1<<16) {
			return nil, fmt.Errorf("tensor %q: size %v is too large", name, r.size)
		}
		numel = lo
		if d > 0 {
			hi, lo = bits.Mul64(uint64(d-1), uint64(r.stride[i]))
			if hi != 0 || lo > math.MaxInt64/4 {
				return nil, fmt.Errorf("tensor %q: stride %v is too large", name, r.stride)
			}
			last += lo
			if last > math.MaxInt64/4 {
				return nil, fmt.Errorf("tensor %q: stride %v is too large", name, r.stride)
			}
		}
	}
	shape := append([]int{}, r.size...)
	if numel == 0 {
		return &Tensor{Name: name, DType: st.dtype, Shape: shape, Data: []byte{}}, nil
	}
	if last >= uint64(st.numel) {
		return nil, fmt.Errorf("tensor %q: size %v, stride %v, offset %d reach element %d of a storage of %d",
			name, r.size, r.stride, r.offset, last, st.numel)
	}
	// A view may repeat elements (stride 0), but never hold more of them
	// than its storage: this keeps a small file from expanding into a large
	// allocation.
	if numel > uint64(st.numel) {
		return nil, fmt.Errorf("tensor %q: %d elements view a storage of %d (an expanded view); save a contiguous copy",
			name, numel, st.numel)
	}
	es := st.dtype.Size()
	if contiguous(r.size, r.stride) {
		// The common case: the tensor's bytes are one run of its storage,
		// shared rather than copied (nothing writes to them).
		b := st.data[r.offset*es : (r.offset+int(numel))*es]
		return &Tensor{Name: name, DType: st.dtype, Shape: shape, Data: b[:len(b):len(b)]}, nil
	}
	out := make([]byte, int(numel)*es)
	idx := make([]int, len(r.size))
	src := r.offset
	for k := 0; k < int(numel); k++ {
		copy(out[k*es:(k+1)*es], st.data[src*es:(src+1)*es])
		// advance the multi-index in C order
		for j := len(idx) - 1; j >= 0; j-- {
			idx[j]++
			src += r.stride[j]
			if idx[j] < r.size[j] {
				break
			}
			src -= r.stride[j] * idx[j]
			idx[j] = 0
		}
	}
	return &Tensor{Name: name, DType: st.dtype, Shape: shape, Data: out}, nil
}

// contiguous reports whether strides are the C-order strides of size
// (dimensions of size 1 may have any stride, as in PyTorch).
func contiguous(size, stride []int) bool {
	want := 1
	for i := len(size) - 1; i >= 0; i-- {
		if size[i] != 1 && stride[i] != want {
			return false
		}
		want *= size[i]
	}
	return true
}
