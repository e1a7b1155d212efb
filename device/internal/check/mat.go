package check

import (
	"fmt"

	"github.com/adafisher-go/landscape/device"
)

// Mat checks a rows x cols matrix operand's offset and leading dimension
// and returns it as a buffer argument needing the elements it spans.
func Mat(s *Sticky, op, name string, m device.Mat, rows, cols int) (Arg, bool) {
	if m.Off < 0 || (rows > 0 && m.LD < max(1, cols)) {
		s.Set(fmt.Errorf("device %s: matrix %s (%d x %d) with offset %d, leading dimension %d", op, name, rows, cols, m.Off, m.LD))
		return Arg{}, false
	}
	return B(name, m.Buf, MatNeed(m, rows, cols, 1)), true
}
