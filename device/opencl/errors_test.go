package opencl

import (
	"errors"
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/device"
)

// Without the libraries, the error says what is missing and what to
// install.
func TestMissingLibraries(t *testing.T) {
	for _, c := range []struct {
		open func([]string) error
		want string
	}{
		{openOpenCL, "apt-get install ocl-icd-libopencl1 pocl-opencl-icd"},
		{openCLBlast, "apt-get install libclblast1"},
	} {
		err := c.open([]string{"libnot-installed-anywhere.so.9"})
		if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want ErrUnavailable saying %q", err, c.want)
		}
	}
}

func TestOpenBadIndex(t *testing.T) {
	openDevice(t)
	if _, err := Open(1 << 20); err == nil || !strings.Contains(err.Error(), "no device") {
		t.Errorf("Open(1<<20): %v", err)
	}
}

// Bad indices met by kernels are reported by Sync; misuse is kept by Err
// and stops later operations.
func TestErrors(t *testing.T) {
	cl := openDevice(t)
	d, err := Open(cl.Info().Index) // a device of its own: errors are sticky
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	alloc := func(dt device.DType, n int) device.Buffer {
		b, err := d.Alloc(dt, n)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	logits, labels := alloc(device.F32, 6), alloc(device.I32, 2)
	if err := device.Write(d, labels, 0, []int32{1, 3}); err != nil {
		t.Fatal(err)
	}
	d.SoftmaxCrossEntropy(2, 3, logits, labels, nil, alloc(device.F32, 2), alloc(device.I32, 2))
	if err := d.Sync(); err == nil || !strings.Contains(err.Error(), "label 3 of row 1") {
		t.Errorf("label out of range: Sync = %v", err)
	}

	d2, err := Open(cl.Info().Index)
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	a, _ := d2.Alloc(device.F32, 4)
	b, _ := d2.Alloc(device.F64, 4)
	d2.Add(a, a, b, 4)
	if err := d2.Err(); err == nil || !strings.Contains(err.Error(), "float64") {
		t.Errorf("mixed types: Err = %v", err)
	}
	if err := device.Write(d2, a, 2, []float32{1, 2, 3}); err == nil {
		t.Error("writing past the end: no error")
	}
	if _, err := device.Download[float64](d2, a); err == nil {
		t.Error("reading float32 as float64: no error")
	}
}

func TestReadWriteFree(t *testing.T) {
	d := openDevice(t)
	b, err := device.Upload(d, []float64{1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := device.Write(d, b, 1, []float64{20, 30}); err != nil {
		t.Fatal(err)
	}
	got := make([]float64, 3)
	if err := device.Read(d, got, b, 1); err != nil {
		t.Fatal(err)
	}
	if got[0] != 20 || got[1] != 30 || got[2] != 4 {
		t.Errorf("read %v, want [20 30 4]", got)
	}
	d.Free(b)
	if err := device.Read(d, got, b, 0); err == nil {
		t.Error("reading a freed buffer: no error")
	}
	e, err := d.Alloc(device.F32, 0)
	if err != nil || e.Len() != 0 {
		t.Errorf("empty buffer: %v, %v", e, err)
	}
}
