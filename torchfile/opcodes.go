package torchfile

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// step executes one opcode other than STOP.
func (m *machine) step(op byte) error {
	switch op {
	case 0x80: // PROTO
		p, err := m.u8()
		if err != nil {
			return err
		}
		if p > 5 {
			return m.fail("pickle protocol %d is not supported", p)
		}
	case 0x95: // FRAME: framing only groups opcodes; the length is advisory
		n, err := m.u64()
		if err != nil {
			return err
		}
		if n > uint64(len(m.buf)-m.pos) {
			return m.fail("frame of %d bytes, %d remain", n, len(m.buf)-m.pos)
		}
	case '(': // MARK
		m.marks = append(m.marks, len(m.stack))
	case '0': // POP
		if len(m.marks) > 0 && len(m.stack) == m.marks[len(m.marks)-1] {
			m.marks = m.marks[:len(m.marks)-1] // POP of a mark, as CPython allows
			return nil
		}
		_, err := m.pop()
		return err
	case '1': // POP_MARK
		_, err := m.popMark()
		return err
	case '2': // DUP
		v, err := m.top()
		if err != nil {
			return err
		}
		m.push(v)
	case 'N':
		m.push(nil)
	case 0x88:
		m.push(true)
	case 0x89:
		m.push(false)
	case 'K': // BININT1
		n, err := m.u8()
		if err != nil {
			return err
		}
		m.push(int64(n))
	case 'M': // BININT2
		n, err := m.u16()
		if err != nil {
			return err
		}
		m.push(int64(n))
	case 'J': // BININT
		n, err := m.u32()
		if err != nil {
			return err
		}
		m.push(int64(int32(uint32(n))))
	case 0x8a, 0x8b: // LONG1, LONG4
		var n uint64
		var err error
		if op == 0x8a {
			n, err = m.u8()
		} else {
			n, err = m.u32()
		}
		if err != nil {
			return err
		}
		b, err := m.take(n)
		if err != nil {
			return err
		}
		m.push(decodeLong(b))
	case 'I', 'L': // INT, LONG (text)
		s, err := m.line()
		if err != nil {
			return err
		}
		v, err := m.textInt(s, op == 'I')
		if err != nil {
			return err
		}
		m.push(v)
	case 'G': // BINFLOAT, big-endian
		b, err := m.take(8)
		if err != nil {
			return err
		}
		m.push(math.Float64frombits(binary.BigEndian.Uint64(b)))
	case 'F': // FLOAT (text)
		s, err := m.line()
		if err != nil {
			return err
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return m.fail("FLOAT %q", s)
		}
		m.push(f)
	case 'X', 0x8c, 0x8d: // BINUNICODE, SHORT_BINUNICODE, BINUNICODE8
		b, err := m.counted(op, 'X', 0x8c, 0x8d)
		if err != nil {
			return err
		}
		if !utf8.Valid(b) {
			return m.fail("string is not valid UTF-8")
		}
		m.push(string(b))
	case 'V': // UNICODE (text, raw-unicode-escape)
		s, err := m.line()
		if err != nil {
			return err
		}
		u, ok := rawUnicodeEscape(s)
		if !ok {
			return m.fail("UNICODE %q: bad escape", s)
		}
		m.push(u)
	case 'B', 'C', 0x8e, 0x96: // BINBYTES, SHORT_BINBYTES, BINBYTES8, BYTEARRAY8
		var b []byte
		var err error
		if op == 0x96 {
			b, err = m.counted(op, 0, 0, 0x96)
		} else {
			b, err = m.counted(op, 'B', 'C', 0x8e)
		}
		if err != nil {
			return err
		}
		m.push(&pyBytes{b})
	case 'T', 'U': // BINSTRING, SHORT_BINSTRING: Python 2 str, read as bytes
		b, err := m.counted(op, 'T', 'U', 0)
		if err != nil {
			return err
		}
		m.push(&pyBytes{b})
	case ')':
		m.push(&pyTuple{})
	case 0x85, 0x86, 0x87: // TUPLE1..3
		n := int(op-0x85) + 1
		items := make([]any, n)
		for i := n - 1; i >= 0; i-- {
			v, err := m.pop()
			if err != nil {
				return err
			}
			items[i] = v
		}
		m.push(&pyTuple{items: items})
	case 't': // TUPLE
		items, err := m.popMark()
		if err != nil {
			return err
		}
		m.push(&pyTuple{items: items})
	case ']':
		m.push(&pyList{})
	case 'l': // LIST
		items, err := m.popMark()
		if err != nil {
			return err
		}
		m.push(&pyList{items: items})
	case 'a': // APPEND
		v, err := m.pop()
		if err != nil {
			return err
		}
		return m.appendTo([]any{v})
	case 'e': // APPENDS
		items, err := m.popMark()
		if err != nil {
			return err
		}
		return m.appendTo(items)
	case '}':
		m.push(newDict())
	case 'd': // DICT
		items, err := m.popMark()
		if err != nil {
			return err
		}
		d := newDict()
		m.push(d)
		return m.setItems(items)
	case 's': // SETITEM
		v, err := m.pop()
		if err != nil {
			return err
		}
		k, err := m.pop()
		if err != nil {
			return err
		}
		return m.setItems([]any{k, v})
	case 'u': // SETITEMS
		items, err := m.popMark()
		if err != nil {
			return err
		}
		return m.setItems(items)
	case 0x8f: // EMPTY_SET
		m.push(&pySet{})
	case 0x90: // ADDITEMS
		items, err := m.popMark()
		if err != nil {
			return err
		}
		t, err := m.top()
		if err != nil {
			return err
		}
		s, ok := t.(*pySet)
		if !ok {
			return m.fail("ADDITEMS to a %s", typeName(t))
		}
		s.items = append(s.items, items...)
	case 0x91: // FROZENSET
		items, err := m.popMark()
		if err != nil {
			return err
		}
		m.push(&pySet{items: items})
	case 'g', 'h', 'j': // GET, BINGET, LONG_BINGET
		i, err := m.memoIndex(op, 'g', 'h', 'j')
		if err != nil {
			return err
		}
		return m.memoGet(i)
	case 'p', 'q', 'r': // PUT, BINPUT, LONG_BINPUT
		i, err := m.memoIndex(op, 'p', 'q', 'r')
		if err != nil {
			return err
		}
		return m.memoPut(i)
	case 0x94: // MEMOIZE
		return m.memoPut(int64(len(m.memo)))
	default:
		return m.callStep(op)
	}
	return nil
}

// counted reads a length-prefixed argument; the three opcodes given are the
// forms with 4-, 1- and 8-byte lengths.
func (m *machine) counted(op, four, one, eight byte) ([]byte, error) {
	var n uint64
	var err error
	switch op {
	case four:
		n, err = m.u32()
	case one:
		n, err = m.u8()
	case eight:
		n, err = m.u64()
	}
	if err != nil {
		return nil, err
	}
	return m.take(n)
}

func (m *machine) memoIndex(op, text, one, four byte) (int64, error) {
	switch op {
	case one:
		n, err := m.u8()
		return int64(n), err
	case four:
		n, err := m.u32()
		return int64(n), err
	}
	s, err := m.line()
	if err != nil {
		return 0, err
	}
	i, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, m.fail("memo index %q", s)
	}
	return i, nil
}

func (m *machine) textInt(s string, short bool) (any, error) {
	if short && s == "01" {
		return true, nil
	}
	if short && s == "00" {
		return false, nil
	}
	s = strings.TrimSuffix(s, "L")
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	if len(s) > 1000 {
		return nil, m.fail("integer of %d digits", len(s))
	}
	b, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, m.fail("integer %q", s)
	}
	return &pyBig{b}, nil
}

// decodeLong reads a little-endian two's-complement integer.
func decodeLong(b []byte) any {
	if len(b) == 0 {
		return int64(0)
	}
	if len(b) <= 8 {
		var u uint64
		for i := len(b) - 1; i >= 0; i-- {
			u = u<<8 | uint64(b[i])
		}
		if shift := 64 - 8*uint(len(b)); shift > 0 {
			return int64(u<<shift) >> shift
		}
		return int64(u)
	}
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	v := new(big.Int).SetBytes(be)
	if b[len(b)-1]&0x80 != 0 {
		v.Sub(v, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	if v.IsInt64() {
		return v.Int64()
	}
	return &pyBig{v}
}

// rawUnicodeEscape decodes Python's raw-unicode-escape: \uXXXX and
// \UXXXXXXXX are code points, every other byte is a Latin-1 character.
func rawUnicodeEscape(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) && (s[i+1] == 'u' || s[i+1] == 'U') {
			n := 4
			if s[i+1] == 'U' {
				n = 8
			}
			if i+2+n > len(s) {
				return "", false
			}
			r, err := strconv.ParseUint(s[i+2:i+2+n], 16, 32)
			if err != nil || r > utf8.MaxRune {
				return "", false
			}
			b.WriteRune(rune(r))
			i += 1 + n
			continue
		}
		b.WriteRune(rune(c))
	}
	return b.String(), true
}
