package cpu

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
)

func errDTypes(op string, a, b device.Buffer) error {
	if a == nil || b == nil {
		return fmt.Errorf("device cpu %s: a nil buffer", op)
	}
	return fmt.Errorf("device cpu %s: buffers of %s and %s", op, a.DType(), b.DType())
}

func errAct(f device.Act) error { return fmt.Errorf("device: unknown activation %d", f) }

func errShape(op string, n, d int) error {
	return fmt.Errorf("device cpu %s: %d elements are not rows of %d", op, n, d)
}
