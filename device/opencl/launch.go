package opencl

import (
	"fmt"
	"unsafe"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
)

// Kernel arguments other than buffers and ints: realv is converted to the
// program's REAL, accv to its ACC.
type (
	realv float64
	accv  float64
)

// ok checks that every buffer is this device's and live, then the
// arguments.
func (d *Device) ok(op string, sizes []int, args ...check.Arg) (device.DType, bool) {
	if d.errs.Err() != nil {
		return 0, false
	}
	for _, a := range args {
		if a.B == nil {
			continue
		}
		if _, err := d.own(a.B); err != nil {
			d.errs.Set(fmt.Errorf("device opencl %s: buffer %s: %w", op, a.Name, err))
			return 0, false
		}
	}
	return check.Op(&d.errs, op, sizes, args...)
}

// kernel returns the named kernel of the program for dt, created once.
func (d *Device) kernel(dt device.DType, name string) (uintptr, error) {
	p := 0
	if dt == device.F64 {
		p = 1
	}
	if k, ok := d.kern[p][name]; ok {
		return k, nil
	}
	var st int32
	nb := append([]byte(name), 0)
	k := cl.CreateKernel(d.prog[p], &nb[0], &st)
	if st != clSuccess {
		return 0, fmt.Errorf("opencl: kernel %s: %s", name, status(st))
	}
	d.kern[p][name] = k
	return k, nil
}

// launch runs kernel name of the program for dt on work items (rounded up
// to whole work-groups of size local) with the arguments in order.
func (d *Device) launch(dt device.DType, name string, items int, args ...any) {
	if items <= 0 || d.errs.Err() != nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	k, err := d.kernel(dt, name)
	if err != nil {
		d.errs.Set(err)
		return
	}
	for i, a := range args {
		var st int32
		switch v := a.(type) {
		case device.Buffer:
			if v == nil {
				st = cl.SetKernelArg(k, uint32(i), unsafe.Sizeof(uintptr(0)), nil)
				break
			}
			h := v.(*buffer).h
			st = cl.SetKernelArg(k, uint32(i), unsafe.Sizeof(h), (*byte)(unsafe.Pointer(&h)))
		case nil:
			st = cl.SetKernelArg(k, uint32(i), unsafe.Sizeof(uintptr(0)), nil)
		case int:
			x := int32(v)
			st = cl.SetKernelArg(k, uint32(i), 4, (*byte)(unsafe.Pointer(&x)))
		case bool:
			var x int32
			if v {
				x = 1
			}
			st = cl.SetKernelArg(k, uint32(i), 4, (*byte)(unsafe.Pointer(&x)))
		case realv:
			st = d.setFloat(k, i, dt, float64(v))
		case accv:
			st = d.setFloat(k, i, d.accDT, float64(v))
		default:
			panic(fmt.Sprintf("opencl: kernel %s argument %d of type %T", name, i, a)) // a bug in this package
		}
		if st != clSuccess {
			d.errs.Set(fmt.Errorf("opencl: kernel %s argument %d: %s", name, i, status(st)))
			return
		}
	}
	global := uintptr((items + local - 1) / local * local)
	loc := uintptr(local)
	if st := cl.EnqueueNDRangeKernel(d.q, k, 1, nil, &global, &loc, 0, 0, 0); st != clSuccess {
		d.errs.Set(fmt.Errorf("opencl: running kernel %s on %d items: %s", name, items, status(st)))
	}
}

func (d *Device) setFloat(k uintptr, i int, dt device.DType, v float64) int32 {
	if dt == device.F64 {
		return cl.SetKernelArg(k, uint32(i), 8, (*byte)(unsafe.Pointer(&v)))
	}
	x := float32(v)
	return cl.SetKernelArg(k, uint32(i), 4, (*byte)(unsafe.Pointer(&x)))
}

// groups launches one work-group per segment (a channel, a row).
func (d *Device) groups(dt device.DType, name string, segments int, args ...any) {
	d.launch(dt, name, segments*local, args...)
}
