package opencl

import (
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/adafisher-go/landscape/device"
)

var (
	sharedOnce sync.Once
	shared     *Device
	sharedErr  error
)

// openDevice returns the device the tests share (compiling the kernels once), or
// skips the test when OpenCL is not available, unless CI=true, where the
// tests must run.
func openDevice(t testing.TB) *Device {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = Open(-1) })
	if sharedErr != nil {
		if errors.Is(sharedErr, ErrUnavailable) && os.Getenv("CI") != "true" {
			t.Skipf("OpenCL is not available: %v", sharedErr)
		}
		t.Fatal(sharedErr)
	}
	return shared
}

func TestDevices(t *testing.T) {
	openDevice(t)
	infos, err := Devices()
	if err != nil {
		t.Fatal(err)
	}
	for i, in := range infos {
		if in.Index != i || in.Name == "" || in.Platform == "" || in.Memory <= 0 {
			t.Errorf("device %d: %+v", i, in)
		}
		t.Log(in)
	}
}

// TestFloat32OnlyDevice runs every float32 case with the kernels built as
// for a device without float64 (accumulators in float), as some GPUs
// compile them.
func TestFloat32OnlyDevice(t *testing.T) {
	cl := openDevice(t)
	d, err := open(cl.Info().Index, true)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.Float64() {
		t.Fatal("a float32-only device reports float64")
	}
	if _, err := d.Alloc(device.F64, 1); err == nil {
		t.Error("allocating float64 on a float32-only device: no error")
	}
	var all []opCase
	for _, cs := range [][]opCase{blasCases, elementCases, actCases, convCases, normCases, poolCases, lossCases, optimCases, fisherCases, extCases, {attentionCase}} {
		all = append(all, cs...)
	}
	compareOn(t, d, all, device.F32)
}
