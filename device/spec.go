package device

import (
	"fmt"
	"strconv"
	"strings"
)

// Spec is a parsed device name: "cpu", or "opencl" with an optional index
// ("opencl:1"); Index is -1 when none is given (the backend's default
// choice).
type Spec struct {
	Kind  string
	Index int
}

// ParseSpec parses a device name: cpu, opencl or opencl:N.
func ParseSpec(s string) (Spec, error) {
	kind, idx, hasIdx := strings.Cut(s, ":")
	switch kind {
	case "cpu":
		if hasIdx {
			return Spec{}, fmt.Errorf("device %q: the CPU takes no index", s)
		}
		return Spec{Kind: "cpu", Index: -1}, nil
	case "opencl":
		if !hasIdx {
			return Spec{Kind: "opencl", Index: -1}, nil
		}
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 {
			return Spec{}, fmt.Errorf("device %q: want opencl:N with N a device number (0, 1, ...)", s)
		}
		return Spec{Kind: "opencl", Index: n}, nil
	}
	return Spec{}, fmt.Errorf("unknown device %q, want cpu, opencl or opencl:N", s)
}

func (s Spec) String() string {
	if s.Kind == "opencl" && s.Index >= 0 {
		return fmt.Sprintf("opencl:%d", s.Index)
	}
	return s.Kind
}
