package opencl_test

import (
	"errors"
	"fmt"

	"github.com/adafisher-go/landscape/device/opencl"
)

// Listing the devices, as `landscape devices` would.
func ExampleDevices() {
	infos, err := opencl.Devices()
	if errors.Is(err, opencl.ErrUnavailable) {
		fmt.Println(err) // says what to install
		return
	}
	for _, in := range infos {
		fmt.Println(in)
	}
}
