// Package check validates the arguments of device operations, identically
// for every implementation, and keeps the first failure of a device.
package check

import (
	"fmt"
	"math"
	"sync"

	"github.com/adafisher-go/landscape/device"
)

// Sticky keeps the first error set.
type Sticky struct {
	mu  sync.Mutex
	err error
}

// Set records err if no error is recorded yet.
func (s *Sticky) Set(err error) {
	if err == nil {
		return
	}
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

// Err returns the first error.
func (s *Sticky) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// Arg is one buffer argument: its name, the buffer, the number of elements
// the operation touches, and whether it may be nil.
type Arg struct {
	Name     string
	B        device.Buffer
	Need     int
	Optional bool
	Int      bool // an I32 buffer
}

// B is a required float buffer of at least need elements.
func B(name string, b device.Buffer, need int) Arg { return Arg{Name: name, B: b, Need: need} }

// Opt is an optional float buffer.
func Opt(name string, b device.Buffer, need int) Arg {
	return Arg{Name: name, B: b, Need: need, Optional: true}
}

// I is a required I32 buffer.
func I(name string, b device.Buffer, need int) Arg {
	return Arg{Name: name, B: b, Need: need, Int: true}
}

// Op checks an operation's sizes (all non-negative and within int32) and
// buffers: the float ones share one DType, the one returned.
func Op(s *Sticky, op string, sizes []int, args ...Arg) (device.DType, bool) {
	if s.Err() != nil {
		return 0, false
	}
	for _, n := range sizes {
		if n < 0 || n > math.MaxInt32 {
			s.Set(fmt.Errorf("device %s: size %d outside [0, 2^31)", op, n))
			return 0, false
		}
	}
	var dt device.DType
	for _, a := range args {
		if a.B == nil {
			if a.Optional {
				continue
			}
			s.Set(fmt.Errorf("device %s: buffer %s is nil", op, a.Name))
			return 0, false
		}
		switch {
		case a.Int && a.B.DType() != device.I32:
			s.Set(fmt.Errorf("device %s: buffer %s is %s, want int32", op, a.Name, a.B.DType()))
			return 0, false
		case !a.Int && a.B.DType() != device.F32 && a.B.DType() != device.F64:
			s.Set(fmt.Errorf("device %s: buffer %s is %s, want float32 or float64", op, a.Name, a.B.DType()))
			return 0, false
		case !a.Int && dt != 0 && a.B.DType() != dt:
			s.Set(fmt.Errorf("device %s: buffer %s is %s, the others %s", op, a.Name, a.B.DType(), dt))
			return 0, false
		}
		if !a.Int {
			dt = a.B.DType()
		}
		if a.B.Len() < a.Need {
			s.Set(fmt.Errorf("device %s: buffer %s has %d elements, the operation needs %d", op, a.Name, a.B.Len(), a.Need))
			return 0, false
		}
	}
	if dt == 0 {
		dt = device.F32
	}
	return dt, true
}

// MatNeed returns the elements a rows x cols matrix at m needs, batch times
// (0 for an empty one).
func MatNeed(m device.Mat, rows, cols, batch int) int {
	if rows == 0 || cols == 0 || batch == 0 {
		return 0
	}
	return m.Off + (batch-1)*m.Stride + (rows-1)*m.LD + cols
}

// Gemm checks a (batched) GEMM's arguments.
func Gemm(s *Sticky, op string, transA, transB bool, m, n, k int, a, b, c device.Mat, batch int) (device.DType, bool) {
	ar, ac := m, k
	if transA {
		ar, ac = k, m
	}
	br, bc := k, n
	if transB {
		br, bc = n, k
	}
	for _, x := range []struct {
		name       string
		m          device.Mat
		rows, cols int
	}{{"A", a, ar, ac}, {"B", b, br, bc}, {"C", c, m, n}} {
		if x.m.Off < 0 || x.m.Stride < 0 || (x.rows > 0 && x.m.LD < max(1, x.cols)) {
			s.Set(fmt.Errorf("device %s: matrix %s (%d x %d) with offset %d, leading dimension %d, stride %d", op, x.name, x.rows, x.cols, x.m.Off, x.m.LD, x.m.Stride))
			return 0, false
		}
	}
	return Op(s, op, []int{m, n, k, batch},
		B("A", a.Buf, MatNeed(a, ar, ac, batch)), B("B", b.Buf, MatNeed(b, br, bc, batch)), B("C", c.Buf, MatNeed(c, m, n, batch)))
}

// Conv checks a convolution's geometry.
func Conv(s *Sticky, op string, g device.ConvGeom) bool {
	if g.Batch < 0 || g.C < 1 || g.H < 1 || g.W < 1 || g.K < 1 || g.Stride < 1 || g.Pad < 0 ||
		g.OH < 1 || g.OW < 1 || g.OH != (g.H+2*g.Pad-g.K)/g.Stride+1 || g.OW != (g.W+2*g.Pad-g.K)/g.Stride+1 {
		s.Set(fmt.Errorf("device %s: convolution geometry %+v is inconsistent", op, g))
		return false
	}
	return true
}

// Pool checks a pooling geometry.
func Pool(s *Sticky, op string, g device.PoolGeom) bool {
	if g.Planes < 0 || g.K < 1 || g.Stride < 1 || g.H < g.K || g.W < g.K {
		s.Set(fmt.Errorf("device %s: pooling geometry %+v is inconsistent", op, g))
		return false
	}
	return true
}

// That records a failure of op described by format unless cond holds.
func That(s *Sticky, cond bool, op, format string, args ...any) bool {
	if !cond {
		s.Set(fmt.Errorf("device "+op+": "+format, args...))
	}
	return cond
}
