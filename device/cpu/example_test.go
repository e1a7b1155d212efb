package cpu_test

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
	"github.com/adafisher-go/landscape/device/cpu"
)

// A linear layer's forward pass, y = b + x W^T, as device operations: the
// same calls run on any device.Device.
func Example() {
	var d device.Device = cpu.New()
	x, _ := device.Upload(d, []float64{1, 2, 3, 4}) // 2 rows of 2
	w, _ := device.Upload(d, []float64{1, 0, 1, 1}) // 2 outputs of 2 inputs
	b, _ := device.Upload(d, []float64{0.5, -0.5})
	y, _ := d.Alloc(device.F64, 4)
	d.BroadcastRows(y, b, 2, 2)
	d.Gemm(false, true, 2, 2, 2, 1, device.Mat{Buf: x, LD: 2}, device.Mat{Buf: w, LD: 2}, 1, device.Mat{Buf: y, LD: 2})
	d.Activation(device.ReLU, y, y, 4)
	if err := d.Sync(); err != nil {
		fmt.Println(err)
		return
	}
	out, _ := device.Download[float64](d, y)
	fmt.Println(out)
	// Output: [1.5 2.5 3.5 6.5]
}
