package opencl

import (
	"encoding/binary"
	"fmt"
	"strings"
)

// OpenCL constants (cl.h).
const (
	clSuccess              = 0
	clDeviceNotFound       = -1
	clPlatformNotFoundKHR  = -1001
	clPlatformName         = 0x0902
	clPlatformVersion      = 0x0901
	clDeviceTypeParam      = 0x1000
	clDeviceMaxComputeUnit = 0x1002
	clDeviceSingleFPConfig = 0x101B
	clDeviceGlobalMemSize  = 0x101F
	clDeviceName           = 0x102B
	clDeviceVersion        = 0x102F
	clDeviceDoubleFPConfig = 0x1032
	clDeviceTypeAll        = 0xFFFFFFFF
	clFPCorrectlyRounded   = 1 << 7
	clMemReadWrite         = 1
	clProgramBuildLog      = 0x1183
)

// Info describes one OpenCL device, as Devices lists it.
type Info struct {
	Index        int    // the N of opencl:N
	Platform     string // the platform's name
	Name         string // the device's name
	Type         string // "gpu", "cpu", "accelerator" or "other"
	Version      string // the OpenCL version the device reports
	Float64      bool   // whether it has double precision (cl_khr_fp64)
	Memory       int64  // global memory in bytes
	ComputeUnits int

	platform, id uintptr
	exactDivSqrt bool // single precision divide and sqrt correctly rounded
}

func (i Info) String() string {
	fp := "float32"
	if i.Float64 {
		fp = "float32, float64"
	}
	return fmt.Sprintf("opencl:%d  %s  (%s, %s)  %s, %d compute units, %.1f GiB", i.Index, i.Name, i.Platform, i.Type, fp,
		i.ComputeUnits, float64(i.Memory)/(1<<30))
}

// Devices lists the OpenCL devices of every platform, in the order opencl:N
// numbers them. It fails with an error wrapping ErrUnavailable, which says
// what to install, when there is no OpenCL library, platform or device.
func Devices() ([]Info, error) {
	if err := loadOpenCL(); err != nil {
		return nil, err
	}
	var np uint32
	if st := cl.GetPlatformIDs(0, nil, &np); st != clSuccess || np == 0 {
		if st != clSuccess && st != clPlatformNotFoundKHR {
			return nil, fmt.Errorf("%w: clGetPlatformIDs: %s", ErrUnavailable, status(st))
		}
		return nil, fmt.Errorf("%w: the OpenCL library finds no platform (no driver is installed); %s", ErrUnavailable, installOpenCL)
	}
	plats := make([]uintptr, np)
	if st := cl.GetPlatformIDs(np, &plats[0], nil); st != clSuccess {
		return nil, fmt.Errorf("%w: clGetPlatformIDs: %s", ErrUnavailable, status(st))
	}
	var out []Info
	for _, p := range plats {
		pname := platformString(p, clPlatformName)
		var nd uint32
		if st := cl.GetDeviceIDs(p, clDeviceTypeAll, 0, nil, &nd); st != clSuccess || nd == 0 {
			continue
		}
		ids := make([]uintptr, nd)
		if cl.GetDeviceIDs(p, clDeviceTypeAll, nd, &ids[0], nil) != clSuccess {
			continue
		}
		for _, id := range ids {
			info := Info{Index: len(out), Platform: pname, platform: p, id: id,
				Name:         deviceString(id, clDeviceName),
				Version:      deviceString(id, clDeviceVersion),
				Float64:      deviceUint(id, clDeviceDoubleFPConfig, 8) != 0,
				Memory:       int64(deviceUint(id, clDeviceGlobalMemSize, 8)),
				ComputeUnits: int(deviceUint(id, clDeviceMaxComputeUnit, 4)),
				exactDivSqrt: deviceUint(id, clDeviceSingleFPConfig, 8)&clFPCorrectlyRounded != 0,
			}
			t := deviceUint(id, clDeviceTypeParam, 8)
			switch {
			case t&(1<<2) != 0:
				info.Type = "gpu"
			case t&(1<<1) != 0:
				info.Type = "cpu"
			case t&(1<<3) != 0:
				info.Type = "accelerator"
			default:
				info.Type = "other"
			}
			out = append(out, info)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: the OpenCL platforms have no device; %s", ErrUnavailable, installOpenCL)
	}
	return out, nil
}

func platformString(p uintptr, param uint32) string {
	var n uintptr
	if cl.GetPlatformInfo(p, param, 0, nil, &n) != clSuccess || n == 0 {
		return ""
	}
	b := make([]byte, n)
	if cl.GetPlatformInfo(p, param, n, &b[0], nil) != clSuccess {
		return ""
	}
	return strings.TrimRight(string(b), "\x00 ")
}

func deviceString(d uintptr, param uint32) string {
	var n uintptr
	if cl.GetDeviceInfo(d, param, 0, nil, &n) != clSuccess || n == 0 {
		return ""
	}
	b := make([]byte, n)
	if cl.GetDeviceInfo(d, param, n, &b[0], nil) != clSuccess {
		return ""
	}
	return strings.TrimRight(string(b), "\x00 ")
}

// deviceUint reads an unsigned parameter of size 4 or 8 bytes (0 on error).
func deviceUint(d uintptr, param uint32, size int) uint64 {
	var b [8]byte
	if cl.GetDeviceInfo(d, param, uintptr(size), &b[0], nil) != clSuccess {
		return 0
	}
	if size == 4 {
		return uint64(binary.LittleEndian.Uint32(b[:4]))
	}
	return binary.LittleEndian.Uint64(b[:])
}

// status names an OpenCL error code.
func status(st int32) string {
	names := map[int32]string{
		-1: "CL_DEVICE_NOT_FOUND", -2: "CL_DEVICE_NOT_AVAILABLE", -3: "CL_COMPILER_NOT_AVAILABLE",
		-4: "CL_MEM_OBJECT_ALLOCATION_FAILURE", -5: "CL_OUT_OF_RESOURCES", -6: "CL_OUT_OF_HOST_MEMORY",
		-11: "CL_BUILD_PROGRAM_FAILURE", -30: "CL_INVALID_VALUE", -33: "CL_INVALID_DEVICE",
		-34: "CL_INVALID_CONTEXT", -36: "CL_INVALID_COMMAND_QUEUE", -38: "CL_INVALID_MEM_OBJECT",
		-46: "CL_INVALID_KERNEL_NAME", -48: "CL_INVALID_KERNEL", -49: "CL_INVALID_ARG_INDEX",
		-50: "CL_INVALID_ARG_VALUE", -51: "CL_INVALID_ARG_SIZE", -52: "CL_INVALID_KERNEL_ARGS",
		-54: "CL_INVALID_WORK_GROUP_SIZE", -61: "CL_INVALID_BUFFER_SIZE", -1001: "CL_PLATFORM_NOT_FOUND_KHR",
	}
	if n, ok := names[st]; ok {
		return fmt.Sprintf("%s (%d)", n, st)
	}
	return fmt.Sprintf("OpenCL error %d", st)
}

func errStatus(op string, st int32) error { return fmt.Errorf("device opencl %s: %s", op, status(st)) }
