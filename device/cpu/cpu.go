// Package cpu is the reference implementation of device.Device: host
// memory, the project's GEMM and plain Go loops that compute every operation
// as packages nn and optim do, in the same order and with the same rounding.
// The accelerator backends are tested against it.
package cpu

import (
	"errors"
	"fmt"
	"unsafe"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
	"github.com/adafisher-go/landscape/internal/gemm"
)

// Device is the host as a device.Device. The zero value is not usable; call
// New.
type Device struct {
	errs check.Sticky
}

var _ device.Device = (*Device)(nil)

// New returns the CPU device.
func New() *Device { return &Device{} }

// buffer is host memory; exactly one slice is set.
type buffer struct {
	dt  device.DType
	f32 []float32
	f64 []float64
	i32 []int32
}

func (b *buffer) DType() device.DType { return b.dt }

func (b *buffer) Len() int {
	switch b.dt {
	case device.F32:
		return len(b.f32)
	case device.F64:
		return len(b.f64)
	}
	return len(b.i32)
}

func (b *buffer) bytes() []byte {
	switch b.dt {
	case device.F32:
		return asBytes(b.f32)
	case device.F64:
		return asBytes(b.f64)
	}
	return asBytes(b.i32)
}

func asBytes[T any](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	var z T
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), len(s)*int(unsafe.Sizeof(z)))
}

func (d *Device) Name() string  { return "cpu" }
func (d *Device) Float64() bool { return true }
func (d *Device) Err() error    { return d.errs.Err() }
func (d *Device) Sync() error   { return d.errs.Err() }
func (d *Device) Close() error  { return nil }

func (d *Device) Alloc(dt device.DType, n int) (device.Buffer, error) {
	if n < 0 {
		return nil, fmt.Errorf("device cpu: allocating %d elements", n)
	}
	b := &buffer{dt: dt}
	switch dt {
	case device.F32:
		b.f32 = make([]float32, n)
	case device.F64:
		b.f64 = make([]float64, n)
	case device.I32:
		b.i32 = make([]int32, n)
	default:
		return nil, fmt.Errorf("device cpu: allocating elements of unknown type %v", dt)
	}
	return b, nil
}

func (d *Device) Free(device.Buffer) {}

func (d *Device) own(b device.Buffer) (*buffer, error) {
	hb, ok := b.(*buffer)
	if !ok || hb == nil {
		return nil, errors.New("device cpu: a buffer of another device")
	}
	return hb, nil
}

func (d *Device) Write(dst device.Buffer, off int, src []byte) error {
	b, err := d.own(dst)
	if err != nil {
		return err
	}
	return copyBytes(b.bytes(), off*b.dt.Size(), src, "write", b)
}

func (d *Device) Read(dst []byte, src device.Buffer, off int) error {
	b, err := d.own(src)
	if err != nil {
		return err
	}
	es := b.dt.Size()
	if off < 0 || len(dst)%es != 0 || off*es+len(dst) > len(b.bytes()) {
		return fmt.Errorf("device cpu: reading %d bytes at element %d of a %d-element %s buffer", len(dst), off, b.Len(), b.dt)
	}
	copy(dst, b.bytes()[off*es:])
	return nil
}

func copyBytes(dst []byte, at int, src []byte, what string, b *buffer) error {
	es := b.dt.Size()
	if at < 0 || len(src)%es != 0 || at+len(src) > len(dst) {
		return fmt.Errorf("device cpu: %s of %d bytes at element %d of a %d-element %s buffer", what, len(src), at/es, b.Len(), b.dt)
	}
	copy(dst[at:], src)
	return nil
}

// f32, f64 and i32 return a buffer's elements (checked by the caller).
func f32(b device.Buffer) []float32 {
	if b == nil {
		return nil
	}
	return b.(*buffer).f32
}

func f64(b device.Buffer) []float64 {
	if b == nil {
		return nil
	}
	return b.(*buffer).f64
}

func i32(b device.Buffer) []int32 {
	if b == nil {
		return nil
	}
	return b.(*buffer).i32
}

// ok checks that every buffer is this device's, then the arguments.
func (d *Device) ok(op string, sizes []int, args ...check.Arg) (device.DType, bool) {
	for _, a := range args {
		if a.B == nil {
			continue
		}
		if _, err := d.own(a.B); err != nil {
			d.errs.Set(fmt.Errorf("device cpu %s: buffer %s belongs to another device", op, a.Name))
			return 0, false
		}
	}
	return check.Op(&d.errs, op, sizes, args...)
}

func (d *Device) Gemm(transA, transB bool, m, n, k int, alpha float64, a, b device.Mat, beta float64, c device.Mat) {
	d.GemmBatched(transA, transB, m, n, k, alpha, a, b, beta, c, 1)
}

func (d *Device) GemmBatched(transA, transB bool, m, n, k int, alpha float64, a, b device.Mat, beta float64, c device.Mat, batch int) {
	for _, x := range []device.Buffer{a.Buf, b.Buf, c.Buf} {
		if x != nil {
			if _, err := d.own(x); err != nil {
				d.errs.Set(fmt.Errorf("device cpu Gemm: %w", err))
				return
			}
		}
	}
	dt, ok := check.Gemm(&d.errs, "Gemm", transA, transB, m, n, k, a, b, c, batch)
	if !ok || m == 0 || n == 0 {
		return
	}
	for i := 0; i < batch; i++ {
		ao, bo, co := a.Off+i*a.Stride, b.Off+i*b.Stride, c.Off+i*c.Stride
		if dt == device.F32 {
			gemm.Sgemm(transA, transB, m, n, k, float32(alpha), tail(f32(a.Buf), ao), a.LD, tail(f32(b.Buf), bo), b.LD, float32(beta), tail(f32(c.Buf), co), c.LD)
		} else {
			gemm.Dgemm(transA, transB, m, n, k, alpha, tail(f64(a.Buf), ao), a.LD, tail(f64(b.Buf), bo), b.LD, beta, tail(f64(c.Buf), co), c.LD)
		}
	}
}

// tail returns s[off:], empty when off is past the end (an empty operand).
func tail[T any](s []T, off int) []T {
	if off >= len(s) {
		return nil
	}
	return s[off:]
}
