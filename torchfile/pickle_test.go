package torchfile

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
)

// repr writes a decoded value as Python's repr would, near enough to
// compare (sets and frozensets both as set(...)).
func repr(v any) string {
	items := func(xs []any) string {
		s := make([]string, len(xs))
		for i, x := range xs {
			s[i] = repr(x)
		}
		return strings.Join(s, ", ")
	}
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int64:
		return strconv.FormatInt(x, 10)
	case *pyBig:
		return x.v.String()
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		return strconv.Quote(x)
	case *pyBytes:
		return "b" + strconv.Quote(string(x.b))
	case *pyList:
		return "[" + items(x.items) + "]"
	case *pyTuple:
		return "(" + items(x.items) + ")"
	case *pySet:
		return "set(" + items(x.items) + ")"
	case *pyDict:
		s := make([]string, len(x.keys))
		for i := range x.keys {
			s[i] = repr(x.keys[i]) + ": " + repr(x.vals[i])
		}
		return "{" + strings.Join(s, ", ") + "}"
	}
	return fmt.Sprintf("<%s>", typeName(v))
}

// TestPlainPickles reads the same value pickled by Python with each
// protocol, 0 to 5.
func TestPlainPickles(t *testing.T) {
	want := `{"ints": [0, 1, -1, 255, 256, 65535, 65536, -2147483648, 2147483648, 9223372036854775807, -9223372036854775808, 1180591620717411303424, -1180591620717411303424], ` +
		`"floats": [0.5, -1e+300, 1e-300], "flags": (True, False, None), ` +
		`"text": ["", "plain", "café", "∑ \\u", "line\nbreak"], "bytes": b"\x00\xffab", ` +
		`"sets": [set(3), set()], "shared": [[1, 2], [1, 2]]}`
	for p := 0; p <= 5; p++ {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			m := &machine{buf: readTestFile(t, td(fmt.Sprintf("plain_p%d.pkl", p))), env: &env{}}
			v, err := m.run()
			if err != nil {
				t.Fatal(err)
			}
			if got := repr(v); got != want {
				t.Errorf("got  %s\nwant %s", got, want)
			}
			// The shared list is one object, as in Python.
			d := v.(*pyDict)
			sh, _ := d.get("shared")
			l := sh.(*pyList)
			if l.items[0] != l.items[1] {
				t.Error("the shared inner list was copied")
			}
		})
	}
}

// TestMalformedPickles: each broken stream is an error naming the problem.
func TestMalformedPickles(t *testing.T) {
	cases := map[string]struct {
		b    string
		want string
	}{
		"empty":              {"", "ends before STOP"},
		"pop on empty":       {"\x80\x020.", "underflow"},
		"unknown opcode":     {"\x80\x02\xff.", "opcode 0xff"},
		"protocol 6":         {"\x80\x06N.", "protocol 6"},
		"TUPLE with no MARK": {"\x80\x02Nt.", "no MARK"},
		"memo miss":          {"\x80\x02h\x05.", "memo entry 5"},
		"APPEND to dict":     {"\x80\x02}Na.", "APPEND to a dict"},
		"odd SETITEMS":       {"\x80\x02}(Nu.", "odd number"},
		"REDUCE non-tuple":   {"\x80\x02ccollections\nOrderedDict\nNR.", "REDUCE with None"},
		"disallowed global":  {"\x80\x02cos\nsystem\n.", "os.system"},
		"STACK_GLOBAL ints":  {"\x80\x04K\x01K\x02\x93.", "STACK_GLOBAL of a int"},
		"bad UTF-8":          {"\x80\x03X\x01\x00\x00\x00\xff.", "UTF-8"},
		"bad escape":         {"V\\u12\n.", "bad escape"},
		"persistent id":      {"\x80\x02N\x51.", "outside a torch.save file"},
		"BUILD on list":      {"\x80\x02]Nb.", "BUILD on a list"},
		"calling an int":     {"\x80\x02K\x01)R.", "calling a int"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			m := &machine{buf: []byte(c.b), env: &env{}}
			_, err := m.run()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one saying %q", err, c.want)
			}
		})
	}
}
