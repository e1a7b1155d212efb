package matfile

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/adafisher-go/landscape/rundir"
)

// npyDType is a numpy element type this package decodes.
type npyDType struct {
	order binary.ByteOrder
	kind  byte // 'f', 'i', 'u' or 'b'
	size  int  // bytes per element
}

// parseDescr reads a numpy type string such as '<f8', '>i4' or '|u1'. The
// byte-order mark may be '<' (little), '>' (big), '|' (not applicable) or
// '=' (native, which numpy writes as '<' on every little-endian machine and
// which is read as little-endian here).
func parseDescr(descr string) (npyDType, error) {
	t := npyDType{order: binary.LittleEndian}
	s := descr
	if len(s) > 0 && (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=') {
		if s[0] == '>' {
			t.order = binary.BigEndian
		}
		s = s[1:]
	}
	if len(s) == 0 {
		return t, fmt.Errorf("%q is not a numeric type", descr)
	}
	t.kind = s[0]
	size, err := strconv.Atoi(s[1:])
	if strings.IndexByte("cOUSaVMm", t.kind) >= 0 {
		return t, fmt.Errorf("%q (%s) is not supported; save as float64 or float32", descr, kindName(t.kind, size))
	}
	if err != nil || size <= 0 {
		return t, fmt.Errorf("%q is not a numeric type", descr)
	}
	t.size = size
	ok := false
	switch t.kind {
	case 'f':
		ok = size == 2 || size == 4 || size == 8
	case 'i', 'u':
		ok = size == 1 || size == 2 || size == 4 || size == 8
	case 'b':
		ok = size == 1
	}
	if !ok {
		return t, fmt.Errorf("%q (%s) is not supported; save as float64 or float32", descr, kindName(t.kind, size))
	}
	return t, nil
}

func kindName(kind byte, size int) string {
	switch kind {
	case 'c':
		return "complex"
	case 'O':
		return "Python objects"
	case 'U', 'S', 'a':
		return "strings"
	case 'V':
		return "raw or structured data"
	case 'M', 'm':
		return "dates or times"
	case 'f':
		return fmt.Sprintf("%d-bit float", 8*size)
	}
	return "unknown kind"
}

// decoder returns a function reading one element of t from the start of b.
func (t npyDType) decoder() func(b []byte) float64 {
	o := t.order
	switch t.kind {
	case 'f':
		switch t.size {
		case 2:
			return func(b []byte) float64 { return float64(rundir.Float16ToFloat32(o.Uint16(b))) }
		case 4:
			return func(b []byte) float64 { return float64(math.Float32frombits(o.Uint32(b))) }
		default:
			return func(b []byte) float64 { return math.Float64frombits(o.Uint64(b)) }
		}
	case 'i':
		switch t.size {
		case 1:
			return func(b []byte) float64 { return float64(int8(b[0])) }
		case 2:
			return func(b []byte) float64 { return float64(int16(o.Uint16(b))) }
		case 4:
			return func(b []byte) float64 { return float64(int32(o.Uint32(b))) }
		default:
			return func(b []byte) float64 { return float64(int64(o.Uint64(b))) }
		}
	case 'u':
		switch t.size {
		case 1:
			return func(b []byte) float64 { return float64(b[0]) }
		case 2:
			return func(b []byte) float64 { return float64(o.Uint16(b)) }
		case 4:
			return func(b []byte) float64 { return float64(o.Uint32(b)) }
		default:
			return func(b []byte) float64 { return float64(o.Uint64(b)) }
		}
	default: // 'b': numpy bools are 0 or 1; any non-zero byte is true
		return func(b []byte) float64 {
			if b[0] != 0 {
				return 1
			}
			return 0
		}
	}
}
