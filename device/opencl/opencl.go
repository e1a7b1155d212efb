// Package opencl is device.Device on an OpenCL device: the kernels of
// device/kernels compiled once per device, GEMM by CLBlast. Both libraries
// are opened at run time through purego, so that binaries need no cgo and
// run unchanged where neither is installed (Open then says what to
// install). It runs on NVIDIA, AMD and Intel GPUs through their drivers and
// on CPUs through pocl, which is how the tests run without a GPU.
package opencl

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"unsafe"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/internal/check"
	"github.com/adafisher-go/landscape/device/kernels"
)

// local is the work-group size of every launch; the reducing kernels
// assume it (WG in common.cl).
const local = 64

// Device is one OpenCL device with its context, in-order queue and
// programs. Its methods may be called from one goroutine at a time, as a
// queue is one stream of work.
type Device struct {
	info    Info
	ctx, q  uintptr
	prog    [2]uintptr // float32 and float64 programs (0 without fp64)
	kern    [2]map[string]uintptr
	accDT   device.DType
	status  *buffer // I32 [code, position, value] written by kernels on bad indices
	scratch *buffer // ACC scratch of the Fisher norm kernels
	errs    check.Sticky
	mu      sync.Mutex
	closed  bool
	live    map[*buffer]struct{}
}

var _ device.Device = (*Device)(nil)

// Open opens device opencl:index of Devices, or with index -1 the first
// GPU (the first device when there is none). It compiles the kernels, which
// takes a few seconds on pocl. Without OpenCL, CLBlast or a device the
// error wraps ErrUnavailable and says what to install.
func Open(index int) (*Device, error) { return open(index, false) }

// open opens a device; float32Only treats it as one without float64 (the
// tests run the float32 kernels as such a GPU compiles them).
func open(index int, float32Only bool) (*Device, error) {
	infos, err := Devices()
	if err != nil {
		return nil, err
	}
	if err := loadCLBlast(); err != nil {
		return nil, err
	}
	if index < 0 {
		index = 0
		for _, in := range infos {
			if in.Type == "gpu" {
				index = in.Index
				break
			}
		}
	}
	if index >= len(infos) {
		return nil, fmt.Errorf("opencl: no device %d: there are %d (opencl:0 to opencl:%d)", index, len(infos), len(infos)-1)
	}
	d := &Device{info: infos[index], live: map[*buffer]struct{}{}}
	if float32Only {
		d.info.Float64 = false
	}
	if err := d.init(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func (d *Device) init() error {
	var st int32
	id := d.info.id
	props := []uintptr{0x1084 /* CL_CONTEXT_PLATFORM */, d.info.platform, 0}
	d.ctx = cl.CreateContext(&props[0], 1, &id, 0, 0, &st)
	if st != clSuccess {
		return fmt.Errorf("opencl: creating a context on %s: %s", d.info.Name, status(st))
	}
	d.q = cl.CreateCommandQueue(d.ctx, id, 0, &st)
	if st != clSuccess {
		return fmt.Errorf("opencl: creating a queue on %s: %s", d.info.Name, status(st))
	}
	d.accDT = device.F32
	acc := "float"
	if d.info.Float64 {
		d.accDT, acc = device.F64, "double"
	}
	opts := "-DREAL=float -DACC=" + acc
	if d.info.Float64 {
		opts += " -DUSE_FP64"
	}
	if d.info.exactDivSqrt {
		opts += " -cl-fp32-correctly-rounded-divide-sqrt"
	}
	src := kernels.OpenCL()
	var err error
	if d.prog[0], err = d.build(src, opts); err != nil {
		return err
	}
	if d.info.Float64 {
		if d.prog[1], err = d.build(src, "-DREAL=double -DACC=double -DUSE_FP64"); err != nil {
			return err
		}
	}
	d.kern = [2]map[string]uintptr{{}, {}}
	b, err := d.alloc(device.I32, 3)
	if err != nil {
		return err
	}
	d.status = b
	return nil
}

// build compiles the program source with the options.
func (d *Device) build(src, opts string) (uintptr, error) {
	var st int32
	srcb := append([]byte(src), 0)
	var pin runtime.Pinner
	pin.Pin(&srcb[0])
	defer pin.Unpin()
	ptr := uintptr(unsafe.Pointer(&srcb[0]))
	n := uintptr(len(src))
	prog := cl.CreateProgramWithSource(d.ctx, 1, &ptr, &n, &st)
	if st != clSuccess {
		return 0, fmt.Errorf("opencl: creating the kernels' program: %s", status(st))
	}
	optb := append([]byte(opts), 0)
	id := d.info.id
	if st := cl.BuildProgram(prog, 1, &id, &optb[0], 0, 0); st != clSuccess {
		log := d.buildLog(prog)
		cl.ReleaseProgram(prog)
		return 0, fmt.Errorf("opencl: compiling the kernels for %s (%s): %s\n%s", d.info.Name, opts, status(st), log)
	}
	return prog, nil
}

func (d *Device) buildLog(prog uintptr) string {
	var n uintptr
	if cl.GetProgramBuildInfo(prog, d.info.id, clProgramBuildLog, 0, nil, &n) != clSuccess || n == 0 {
		return ""
	}
	b := make([]byte, n)
	cl.GetProgramBuildInfo(prog, d.info.id, clProgramBuildLog, n, &b[0], nil)
	return string(b)
}

// Info describes the device.
func (d *Device) Info() Info { return d.info }

func (d *Device) Name() string {
	return fmt.Sprintf("opencl:%d %s (%s)", d.info.Index, d.info.Name, d.info.Platform)
}

func (d *Device) Float64() bool { return d.info.Float64 }
func (d *Device) Err() error    { return d.errs.Err() }

// Sync waits for the queue, then reports a bad label or index a kernel met.
func (d *Device) Sync() error {
	if d.closed {
		return fmt.Errorf("opencl: the device is closed")
	}
	if st := cl.Finish(d.q); st != clSuccess {
		d.errs.Set(fmt.Errorf("opencl: waiting for the queue: %s", status(st)))
		return d.errs.Err()
	}
	var s [3]int32
	if err := d.read(unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), 12), d.status, 0); err != nil {
		d.errs.Set(err)
		return d.errs.Err()
	}
	switch s[0] {
	case 1:
		d.errs.Set(fmt.Errorf("device opencl SoftmaxCrossEntropy: label %d of row %d outside [0, classes)", s[2], s[1]))
	case 2:
		d.errs.Set(fmt.Errorf("device opencl Embedding: index %d at %d outside the table", s[2], s[1]))
	}
	return d.errs.Err()
}

// Close releases every buffer, the programs, the queue and the context.
func (d *Device) Close() error {
	if d.closed {
		return nil
	}
	if d.q != 0 {
		cl.Finish(d.q)
	}
	for b := range d.live {
		cl.ReleaseMemObject(b.h)
		b.h = 0
	}
	d.live = nil
	for i := range d.kern {
		for _, k := range d.kern[i] {
			cl.ReleaseKernel(k)
		}
	}
	for _, p := range d.prog {
		if p != 0 {
			cl.ReleaseProgram(p)
		}
	}
	if d.q != 0 {
		cl.ReleaseCommandQueue(d.q)
	}
	if d.ctx != 0 {
		cl.ReleaseContext(d.ctx)
	}
	d.closed = true
	return nil
}

// buffer is device memory. OpenCL has no empty buffers: an empty one holds
// one element and has n 0.
type buffer struct {
	h  uintptr
	dt device.DType
	n  int
	d  *Device
}

func (b *buffer) DType() device.DType { return b.dt }
func (b *buffer) Len() int            { return b.n }

func (d *Device) Alloc(dt device.DType, n int) (device.Buffer, error) {
	b, err := d.alloc(dt, n)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func (d *Device) alloc(dt device.DType, n int) (*buffer, error) {
	if d.closed {
		return nil, fmt.Errorf("opencl: the device is closed")
	}
	if dt.Size() == 0 || n < 0 || n > math.MaxInt32 {
		return nil, fmt.Errorf("opencl: allocating %d elements of %v", n, dt)
	}
	if dt == device.F64 && !d.info.Float64 {
		return nil, fmt.Errorf("opencl: %s has no float64 (cl_khr_fp64)", d.info.Name)
	}
	var st int32
	size := uintptr(max(n, 1) * dt.Size())
	h := cl.CreateBuffer(d.ctx, clMemReadWrite, size, 0, &st)
	if st != clSuccess {
		return nil, fmt.Errorf("opencl: allocating %d bytes on %s: %s", size, d.info.Name, status(st))
	}
	b := &buffer{h: h, dt: dt, n: n, d: d}
	d.live[b] = struct{}{}
	zero := make([]byte, size)
	if err := d.write(b, 0, zero); err != nil {
		d.Free(b)
		return nil, err
	}
	return b, nil
}

func (d *Device) Free(b device.Buffer) {
	cb, ok := b.(*buffer)
	if !ok || cb == nil || cb.d != d || cb.h == 0 {
		return
	}
	cl.ReleaseMemObject(cb.h)
	cb.h = 0
	delete(d.live, cb)
}

func (d *Device) own(b device.Buffer) (*buffer, error) {
	cb, ok := b.(*buffer)
	if !ok || cb == nil || cb.d != d {
		return nil, fmt.Errorf("opencl: a buffer of another device")
	}
	if cb.h == 0 {
		return nil, fmt.Errorf("opencl: a freed buffer")
	}
	return cb, nil
}

func (d *Device) Write(dst device.Buffer, off int, src []byte) error {
	b, err := d.own(dst)
	if err != nil {
		return err
	}
	es := b.dt.Size()
	if off < 0 || len(src)%es != 0 || off*es+len(src) > b.n*es {
		return fmt.Errorf("opencl: writing %d bytes at element %d of a %d-element %s buffer", len(src), off, b.n, b.dt)
	}
	return d.write(b, off*es, src)
}

func (d *Device) write(b *buffer, at int, src []byte) error {
	if len(src) == 0 {
		return nil
	}
	if st := cl.EnqueueWriteBuffer(d.q, b.h, 1, uintptr(at), uintptr(len(src)), &src[0], 0, 0, 0); st != clSuccess {
		return fmt.Errorf("opencl: writing %d bytes to the device: %s", len(src), status(st))
	}
	return nil
}

func (d *Device) Read(dst []byte, src device.Buffer, off int) error {
	b, err := d.own(src)
	if err != nil {
		return err
	}
	es := b.dt.Size()
	if off < 0 || len(dst)%es != 0 || off*es+len(dst) > b.n*es {
		return fmt.Errorf("opencl: reading %d bytes at element %d of a %d-element %s buffer", len(dst), off, b.n, b.dt)
	}
	return d.read(dst, b, off*es)
}

func (d *Device) read(dst []byte, b *buffer, at int) error {
	if len(dst) == 0 {
		return nil
	}
	if st := cl.EnqueueReadBuffer(d.q, b.h, 1, uintptr(at), uintptr(len(dst)), &dst[0], 0, 0, 0); st != clSuccess {
		return fmt.Errorf("opencl: reading %d bytes from the device: %s", len(dst), status(st))
	}
	return nil
}
