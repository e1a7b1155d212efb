package nn

import (
	"fmt"
	"unsafe"
)

// Float is the element type of tensors: float32 or float64.
type Float interface{ float32 | float64 }

// Tensor is a dense, row-major array.
type Tensor[T Float] struct {
	Shape []int
	Data  []T
}

// NewTensor returns a zero tensor of the given shape.
func NewTensor[T Float](shape ...int) *Tensor[T] {
	return &Tensor[T]{Shape: append([]int(nil), shape...), Data: make([]T, numel(shape))}
}

// Numel is the number of elements of the tensor.
func (t *Tensor[T]) Numel() int { return len(t.Data) }

// Rows views the tensor as a matrix whose rows are the trailing dimension:
// it returns the number of rows and columns.
func (t *Tensor[T]) Rows() (rows, cols int) {
	if len(t.Shape) == 0 {
		return 1, 1
	}
	cols = t.Shape[len(t.Shape)-1]
	if cols == 0 {
		return 0, 0
	}
	return len(t.Data) / cols, cols
}

// Clone returns a deep copy.
func (t *Tensor[T]) Clone() *Tensor[T] {
	return &Tensor[T]{Shape: append([]int(nil), t.Shape...), Data: append([]T(nil), t.Data...)}
}

// String describes the shape, for error messages.
func (t *Tensor[T]) String() string { return fmt.Sprintf("tensor%v", t.Shape) }

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		n *= s
	}
	return n
}

// resize sets t to the given shape, reusing its storage when it is large
// enough, so that steady-state steps allocate nothing. Contents are undefined.
func (t *Tensor[T]) resize(shape ...int) *Tensor[T] {
	n := numel(shape)
	if cap(t.Data) < n {
		t.Data = make([]T, n)
	}
	t.Data = t.Data[:n]
	if len(t.Shape) != len(shape) {
		t.Shape = make([]int, len(shape))
	}
	copy(t.Shape, shape)
	return t
}

// zero sets every element to 0.
func (t *Tensor[T]) zero() {
	clear(t.Data)
}

// SameShape reports whether two shapes are equal.
func SameShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// is32 reports whether T is float32.
func is32[T Float]() bool {
	var z T
	return unsafe.Sizeof(z) == 4
}

// as32 and as64 reinterpret a []T without copying; the caller has checked T.
func as32[T Float](s []T) []float32 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}

func as64[T Float](s []T) []float64 {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*float64)(unsafe.Pointer(unsafe.SliceData(s))), len(s))
}
