package opencl

import (
	"errors"
	"os"
	"sync"
	"testing"
)

var (
	sharedOnce sync.Once
	shared     *Device
	sharedErr  error
)

// open returns the device the tests share (compiling the kernels once), or
// skips the test when OpenCL is not available, unless CI=true, where the
// tests must run.
func open(t testing.TB) *Device {
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
	open(t)
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
