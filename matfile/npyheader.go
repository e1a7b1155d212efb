package matfile

import (
	"fmt"
	"strconv"
	"strings"
)

// npyHeader is the dictionary at the start of a .npy file, for example
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader reads the header dictionary. It understands the subset of
// Python literals numpy writes there: a dict with string keys, strings,
// True, False, None, integers, tuples and lists.
func parseNPYHeader(text string) (npyHeader, error) {
	p := &literalParser{s: text}
	v, err := p.value()
	if err != nil {
		return npyHeader{}, err
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return npyHeader{}, fmt.Errorf("unexpected %q after the dictionary", p.rest())
	}
	dict, ok := v.(map[string]any)
	if !ok {
		return npyHeader{}, fmt.Errorf("header is not a dictionary")
	}
	var h npyHeader
	switch d := dict["descr"].(type) {
	case string:
		h.descr = d
	case []any:
		return npyHeader{}, errStructured
	default:
		return npyHeader{}, fmt.Errorf("missing or invalid 'descr'")
	}
	if h.fortran, ok = dict["fortran_order"].(bool); !ok {
		return npyHeader{}, fmt.Errorf("missing or invalid 'fortran_order'")
	}
	shape, ok := dict["shape"].([]any)
	if !ok {
		return npyHeader{}, fmt.Errorf("missing or invalid 'shape'")
	}
	for _, d := range shape {
		n, ok := d.(int)
		if !ok || n < 0 {
			return npyHeader{}, fmt.Errorf("invalid dimension %v in 'shape'", d)
		}
		h.shape = append(h.shape, n)
	}
	return h, nil
}

// errStructured marks a structured (record) dtype, whose descr is a list.
var errStructured = fmt.Errorf("structured dtype")

// maxNesting bounds how deeply dicts, tuples and lists may nest in a header.
// numpy's own headers nest a few levels (structured dtypes a few more); the
// bound keeps a hostile header of a million '(' from exhausting the stack,
// which is fatal in Go rather than an error.
const maxNesting = 64

// literalParser is a recursive-descent parser for Python literals.
type literalParser struct {
	s     string
	i     int
	depth int // open dicts, tuples and lists
}

// enter opens one level of nesting, failing beyond maxNesting; the caller
// defers leave.
func (p *literalParser) enter() error {
	if p.depth++; p.depth > maxNesting {
		return fmt.Errorf("dicts, tuples and lists nested more than %d deep", maxNesting)
	}
	return nil
}

func (p *literalParser) leave() { p.depth-- }

func (p *literalParser) rest() string {
	r := p.s[p.i:]
	if len(r) > 20 {
		r = r[:20] + "..."
	}
	return r
}

func (p *literalParser) skipSpace() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// value parses one literal: a dict (map[string]any), a tuple or list
// ([]any), a string, an int, True, False or None.
func (p *literalParser) value() (any, error) {
	p.skipSpace()
	if p.i >= len(p.s) {
		return nil, fmt.Errorf("header ends early")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.dict()
	case c == '(':
		return p.sequence(')')
	case c == '[':
		return p.sequence(']')
	case c == '\'' || c == '"':
		return p.str()
	case c == '-' || c >= '0' && c <= '9':
		return p.integer()
	default:
		for word, v := range map[string]any{"True": true, "False": false, "None": nil} {
			if strings.HasPrefix(p.s[p.i:], word) {
				p.i += len(word)
				return v, nil
			}
		}
		return nil, fmt.Errorf("unexpected %q", p.rest())
	}
}

func (p *literalParser) dict() (map[string]any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.i++ // {
	out := map[string]any{}
	for {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return out, nil
		}
		k, err := p.value()
		if err != nil {
			return nil, err
		}
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("dictionary key %v is not a string", k)
		}
		if err := p.expect(':'); err != nil {
			return nil, err
		}
		if out[key], err = p.value(); err != nil {
			return nil, err
		}
		if err := p.separator('}'); err != nil {
			return nil, err
		}
	}
}

func (p *literalParser) sequence(end byte) ([]any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	p.i++ // ( or [
	out := []any{}
	for {
		p.skipSpace()
		if p.i < len(p.s) && p.s[p.i] == end {
			p.i++
			return out, nil
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if err := p.separator(end); err != nil {
			return nil, err
		}
	}
}

// separator consumes a ',' or leaves the closing end for the caller's loop.
func (p *literalParser) separator(end byte) error {
	p.skipSpace()
	if p.i < len(p.s) && p.s[p.i] == ',' {
		p.i++
		return nil
	}
	if p.i < len(p.s) && p.s[p.i] == end {
		return nil
	}
	return fmt.Errorf("expected ',' or %q at %q", end, p.rest())
}

func (p *literalParser) expect(c byte) error {
	p.skipSpace()
	if p.i >= len(p.s) || p.s[p.i] != c {
		return fmt.Errorf("expected %q at %q", c, p.rest())
	}
	p.i++
	return nil
}

func (p *literalParser) str() (string, error) {
	quote := p.s[p.i]
	p.i++
	var b strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch {
		case c == quote:
			return b.String(), nil
		case c == '\\' && p.i < len(p.s):
			b.WriteByte(p.s[p.i])
			p.i++
		default:
			b.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated string")
}

func (p *literalParser) integer() (int, error) {
	start := p.i
	if p.s[p.i] == '-' {
		p.i++
	}
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	n, err := strconv.Atoi(p.s[start:p.i])
	if err != nil {
		return 0, fmt.Errorf("bad integer %q", p.s[start:p.i])
	}
	if p.i < len(p.s) && p.s[p.i] == 'L' { // Python 2 long, as old numpy wrote
		p.i++
	}
	return n, nil
}
