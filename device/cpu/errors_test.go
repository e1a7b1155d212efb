package cpu_test

import (
	"strings"
	"testing"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/cpu"
)

// Misuse is kept by Err, names the operation and the buffer, and stops the
// operations after it.
func TestErrorsAreSticky(t *testing.T) {
	for _, c := range []struct {
		name string
		run  func(d device.Device, a, b, i device.Buffer)
		want string
	}{
		{"short", func(d device.Device, a, b, _ device.Buffer) { d.Add(a, a, b, 5) }, "Add: buffer dst has 4 elements, the operation needs 5"},
		{"types", func(d device.Device, a, _, i device.Buffer) { d.Add(a, a, i, 4) }, "buffer b is int32"},
		{"label", func(d device.Device, a, b, i device.Buffer) { d.SoftmaxCrossEntropy(2, 2, a, i, nil, b, i) }, "label 7 of row 1"},
		{"gemm", func(d device.Device, a, b, _ device.Buffer) {
			d.Gemm(false, false, 2, 2, 2, 1, device.Mat{Buf: a, LD: 1}, device.Mat{Buf: b, LD: 2}, 0, device.Mat{Buf: a, LD: 2})
		}, "matrix A"},
		{"conv", func(d device.Device, a, b, _ device.Buffer) {
			d.Im2col(device.ConvGeom{Batch: 1, C: 1, H: 2, W: 2, K: 3, Stride: 1, OH: 1, OW: 1}, a, b)
		}, "geometry"},
		{"activation", func(d device.Device, a, b, _ device.Buffer) { d.Activation(9, a, b, 4) }, "unknown activation"},
	} {
		d := cpu.New()
		a, _ := device.Upload(d, []float64{1, 2, 3, 4})
		b, _ := device.Upload(d, []float64{5, 6, 7, 8})
		i, _ := device.Upload(d, []int32{0, 7, 0, 0})
		c.run(d, a, b, i)
		if err := d.Sync(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
			continue
		}
		d.Add(a, a, b, 4) // does nothing after the failure
		if got, _ := device.Download[float64](d, a); got[0] != 1 {
			t.Errorf("%s: an operation ran after the failure", c.name)
		}
	}
}
