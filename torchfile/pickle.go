package torchfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrMalformed marks a file that is not a well-formed pickle or torch.save file.
var ErrMalformed = errors.New("malformed file")

// machine interprets one pickle stream (protocols 0 to 5) over an in-memory
// buffer. It never calls anything: the callables a stream names are resolved
// by resolve, and persistent ids by persistent.
type machine struct {
	buf   []byte
	pos   int
	stack []any
	marks []int
	memo  map[int64]any
	// persistent loads a persistent id (PERSID, BINPERSID); nil refuses them.
	persistent func(pid any) (any, error)
	// env resolves globals and applies the allowed callables.
	env *env
	// trace, if set, sees every opcode (the writer's tests use it).
	trace func(op byte)
}

func (m *machine) fail(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: "+format, append([]any{ErrMalformed, m.pos}, args...)...)
}

// take returns the next n bytes, failing if fewer remain. n is checked
// against what remains before anything is allocated.
func (m *machine) take(n uint64) ([]byte, error) {
	if n > uint64(len(m.buf)-m.pos) {
		return nil, m.fail("needs %d bytes, %d remain", n, len(m.buf)-m.pos)
	}
	b := m.buf[m.pos : m.pos+int(n)]
	m.pos += int(n)
	return b, nil
}

func (m *machine) u8() (uint64, error) {
	b, err := m.take(1)
	if err != nil {
		return 0, err
	}
	return uint64(b[0]), nil
}

func (m *machine) u16() (uint64, error) {
	b, err := m.take(2)
	if err != nil {
		return 0, err
	}
	return uint64(binary.LittleEndian.Uint16(b)), nil
}

func (m *machine) u32() (uint64, error) {
	b, err := m.take(4)
	if err != nil {
		return 0, err
	}
	return uint64(binary.LittleEndian.Uint32(b)), nil
}

func (m *machine) u64() (uint64, error) {
	b, err := m.take(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// line reads up to and excluding the next newline (the text opcodes).
func (m *machine) line() (string, error) {
	i := bytes.IndexByte(m.buf[m.pos:], '\n')
	if i < 0 {
		return "", m.fail("unterminated text argument")
	}
	s := string(m.buf[m.pos : m.pos+i])
	m.pos += i + 1
	return s, nil
}

func (m *machine) push(v any) { m.stack = append(m.stack, v) }

func (m *machine) pop() (any, error) {
	if len(m.stack) == 0 || (len(m.marks) > 0 && len(m.stack) <= m.marks[len(m.marks)-1]) {
		return nil, m.fail("stack underflow")
	}
	v := m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
	return v, nil
}

func (m *machine) top() (any, error) {
	if len(m.stack) == 0 || (len(m.marks) > 0 && len(m.stack) <= m.marks[len(m.marks)-1]) {
		return nil, m.fail("stack underflow")
	}
	return m.stack[len(m.stack)-1], nil
}

// popMark pops everything above the last MARK, and the mark.
func (m *machine) popMark() ([]any, error) {
	if len(m.marks) == 0 {
		return nil, m.fail("no MARK on the stack")
	}
	k := m.marks[len(m.marks)-1]
	m.marks = m.marks[:len(m.marks)-1]
	items := append([]any{}, m.stack[k:]...)
	m.stack = m.stack[:k]
	return items, nil
}

func (m *machine) memoGet(i int64) error {
	v, ok := m.memo[i]
	if !ok {
		return m.fail("memo entry %d is not set", i)
	}
	m.push(v)
	return nil
}

func (m *machine) memoPut(i int64) error {
	v, err := m.top()
	if err != nil {
		return err
	}
	m.memo[i] = v
	return nil
}

// run interprets the stream from the current position to its STOP and
// returns the value STOP pops.
func (m *machine) run() (any, error) {
	if m.memo == nil {
		m.memo = map[int64]any{}
	}
	for {
		if m.pos >= len(m.buf) {
			return nil, m.fail("the stream ends before STOP")
		}
		op := m.buf[m.pos]
		m.pos++
		if m.trace != nil {
			m.trace(op)
		}
		if op == '.' { // STOP
			v, err := m.pop()
			if err != nil {
				return nil, err
			}
			return v, nil
		}
		if err := m.step(op); err != nil {
			return nil, err
		}
	}
}

func (m *machine) persistentLoad(pid any) error {
	if m.persistent == nil {
		return m.fail("persistent id %s outside a torch.save file", typeName(pid))
	}
	v, err := m.persistent(pid)
	if err != nil {
		return err
	}
	m.push(v)
	return nil
}

func (m *machine) appendTo(items []any) error {
	t, err := m.top()
	if err != nil {
		return err
	}
	l, ok := t.(*pyList)
	if !ok {
		return m.fail("APPEND to a %s", typeName(t))
	}
	l.items = append(l.items, items...)
	return nil
}

func (m *machine) setItems(items []any) error {
	if len(items)%2 != 0 {
		return m.fail("SETITEMS with an odd number of items")
	}
	t, err := m.top()
	if err != nil {
		return err
	}
	switch d := t.(type) {
	case *pyDict:
		for i := 0; i < len(items); i += 2 {
			d.set(items[i], items[i+1])
		}
		return nil
	case *object:
		// A dict subclass admitted as opaque (defaultdict): keep the items.
		if d.state == nil {
			d.state = newDict()
		}
		if sd, ok := d.state.(*pyDict); ok {
			for i := 0; i < len(items); i += 2 {
				sd.set(items[i], items[i+1])
			}
			return nil
		}
	}
	return m.fail("SETITEM on a %s", typeName(t))
}
