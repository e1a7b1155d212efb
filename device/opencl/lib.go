package opencl

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// Install names the packages that provide the libraries, for errors.
const (
	installOpenCL  = "install an OpenCL driver for the device, or on Debian and Ubuntu for the CPU: apt-get install ocl-icd-libopencl1 pocl-opencl-icd"
	installCLBlast = "install CLBlast: apt-get install libclblast1 (Debian and Ubuntu)"
)

// ErrUnavailable is wrapped by the errors that say OpenCL or CLBlast cannot
// be used on this machine (no library, no platform, no device).
var ErrUnavailable = errors.New("opencl: not available")

// libNames are the shared-library names tried for OpenCL and CLBlast.
func libNames() (opencl, clblast []string) {
	switch runtime.GOOS {
	case "windows":
		return []string{"OpenCL.dll"}, []string{"clblast.dll"}
	case "darwin":
		return []string{"/System/Library/Frameworks/OpenCL.framework/OpenCL"}, []string{"libclblast.1.dylib", "libclblast.dylib"}
	}
	return []string{"libOpenCL.so.1", "libOpenCL.so"}, []string{"libclblast.so.1", "libclblast.so"}
}

// The OpenCL 1.2 entry points the backend calls, bound once.
var cl struct {
	GetPlatformIDs          func(n uint32, platforms *uintptr, num *uint32) int32
	GetPlatformInfo         func(p uintptr, param uint32, size uintptr, value *byte, ret *uintptr) int32
	GetDeviceIDs            func(p uintptr, typ uint64, n uint32, devices *uintptr, num *uint32) int32
	GetDeviceInfo           func(d uintptr, param uint32, size uintptr, value *byte, ret *uintptr) int32
	CreateContext           func(props *uintptr, n uint32, devices *uintptr, notify, user uintptr, errc *int32) uintptr
	CreateCommandQueue      func(ctx, dev uintptr, props uint64, errc *int32) uintptr
	CreateBuffer            func(ctx uintptr, flags uint64, size uintptr, host uintptr, errc *int32) uintptr
	EnqueueWriteBuffer      func(q, buf uintptr, blocking uint32, off, size uintptr, ptr *byte, nev uint32, evs, ev uintptr) int32
	EnqueueReadBuffer       func(q, buf uintptr, blocking uint32, off, size uintptr, ptr *byte, nev uint32, evs, ev uintptr) int32
	EnqueueCopyBuffer       func(q, src, dst uintptr, srcOff, dstOff, size uintptr, nev uint32, evs, ev uintptr) int32
	CreateProgramWithSource func(ctx uintptr, n uint32, srcs *uintptr, lens *uintptr, errc *int32) uintptr
	BuildProgram            func(prog uintptr, n uint32, devices *uintptr, options *byte, notify, user uintptr) int32
	GetProgramBuildInfo     func(prog, dev uintptr, param uint32, size uintptr, value *byte, ret *uintptr) int32
	CreateKernel            func(prog uintptr, name *byte, errc *int32) uintptr
	SetKernelArg            func(k uintptr, idx uint32, size uintptr, value *byte) int32
	EnqueueNDRangeKernel    func(q, k uintptr, dim uint32, off, global, local *uintptr, nev uint32, evs, ev uintptr) int32
	Finish                  func(q uintptr) int32
	ReleaseMemObject        func(m uintptr) int32
	ReleaseKernel           func(k uintptr) int32
	ReleaseProgram          func(p uintptr) int32
	ReleaseCommandQueue     func(q uintptr) int32
	ReleaseContext          func(c uintptr) int32
}

// CLBlast's C API (clblast_c.h): GEMM.
var blast struct {
	sgemm        func(layout, ta, tb int32, m, n, k uintptr, alpha float32, a, aOff, aLD, b, bOff, bLD uintptr, beta float32, c, cOff, cLD uintptr, q *uintptr, ev uintptr) int32
	dgemm        func(layout, ta, tb int32, m, n, k uintptr, alpha float64, a, aOff, aLD, b, bOff, bLD uintptr, beta float64, c, cOff, cLD uintptr, q *uintptr, ev uintptr) int32
	sgemmBatched func(layout, ta, tb int32, m, n, k uintptr, alpha float32, a, aOff, aLD, aStride, b, bOff, bLD, bStride uintptr, beta float32, c, cOff, cLD, cStride, batch uintptr, q *uintptr, ev uintptr) int32
	dgemmBatched func(layout, ta, tb int32, m, n, k uintptr, alpha float64, a, aOff, aLD, aStride, b, bOff, bLD, bStride uintptr, beta float64, c, cOff, cLD, cStride, batch uintptr, q *uintptr, ev uintptr) int32
}

var (
	loadOnce  sync.Once
	loadErr   error
	blastOnce sync.Once
	blastErr  error
)

// loadOpenCL opens the OpenCL library once.
func loadOpenCL() error {
	loadOnce.Do(func() {
		names, _ := libNames()
		loadErr = openOpenCL(names)
	})
	return loadErr
}

// openOpenCL opens the first library of names and binds the entry points.
func openOpenCL(names []string) error {
	lib, err := openLib(names)
	if err != nil {
		return fmt.Errorf("%w: cannot open the OpenCL library (%v); %s", ErrUnavailable, err, installOpenCL)
	}
	return bind(lib, names[0], map[string]any{
		"clGetPlatformIDs":          &cl.GetPlatformIDs,
		"clGetPlatformInfo":         &cl.GetPlatformInfo,
		"clGetDeviceIDs":            &cl.GetDeviceIDs,
		"clGetDeviceInfo":           &cl.GetDeviceInfo,
		"clCreateContext":           &cl.CreateContext,
		"clCreateCommandQueue":      &cl.CreateCommandQueue,
		"clCreateBuffer":            &cl.CreateBuffer,
		"clEnqueueWriteBuffer":      &cl.EnqueueWriteBuffer,
		"clEnqueueReadBuffer":       &cl.EnqueueReadBuffer,
		"clEnqueueCopyBuffer":       &cl.EnqueueCopyBuffer,
		"clCreateProgramWithSource": &cl.CreateProgramWithSource,
		"clBuildProgram":            &cl.BuildProgram,
		"clGetProgramBuildInfo":     &cl.GetProgramBuildInfo,
		"clCreateKernel":            &cl.CreateKernel,
		"clSetKernelArg":            &cl.SetKernelArg,
		"clEnqueueNDRangeKernel":    &cl.EnqueueNDRangeKernel,
		"clFinish":                  &cl.Finish,
		"clReleaseMemObject":        &cl.ReleaseMemObject,
		"clReleaseKernel":           &cl.ReleaseKernel,
		"clReleaseProgram":          &cl.ReleaseProgram,
		"clReleaseCommandQueue":     &cl.ReleaseCommandQueue,
		"clReleaseContext":          &cl.ReleaseContext,
	})
}

// loadCLBlast opens the CLBlast library once.
func loadCLBlast() error {
	blastOnce.Do(func() {
		_, names := libNames()
		blastErr = openCLBlast(names)
	})
	return blastErr
}

// openCLBlast opens the first library of names and binds its GEMMs.
func openCLBlast(names []string) error {
	lib, err := openLib(names)
	if err != nil {
		return fmt.Errorf("%w: cannot open the CLBlast library (%v); %s", ErrUnavailable, err, installCLBlast)
	}
	return bind(lib, names[0], map[string]any{
		"CLBlastSgemm": &blast.sgemm,
		"CLBlastDgemm": &blast.dgemm,
	})
}
