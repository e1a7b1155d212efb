package torchfile

import (
	"fmt"
	"math/big"
)

// The Python values the interpreter builds. None is nil; bool, int64,
// float64 and string are themselves; the others are the types below. Every
// composite is a pointer, so any value can key a Go map (Python keys a dict
// by hash; here unhashable keys compare by identity, which is how the module
// objects keying the analysis dumps behave in Python too).

// pyBytes is a Python bytes object. Its bytes alias the pickle's buffer,
// which is never written to: a storage nested in a dump as bytes is not
// copied.
type pyBytes struct{ b []byte }

// pyTuple is a Python tuple.
type pyTuple struct{ items []any }

// pyList is a Python list.
type pyList struct{ items []any }

// pySet is a Python set or frozenset, in insertion order.
type pySet struct{ items []any }

// pyDict is a Python dict or OrderedDict: its keys in insertion order.
type pyDict struct {
	keys, vals []any
	index      map[any]int
}

func newDict() *pyDict { return &pyDict{index: map[any]int{}} }

// set inserts or replaces key, keeping the first insertion's position as
// Python dicts do.
func (d *pyDict) set(k, v any) {
	if i, ok := d.index[k]; ok {
		d.vals[i] = v
		return
	}
	d.index[k] = len(d.keys)
	d.keys = append(d.keys, k)
	d.vals = append(d.vals, v)
}

func (d *pyDict) get(k string) (any, bool) {
	i, ok := d.index[k]
	if !ok {
		return nil, false
	}
	return d.vals[i], true
}

// global is a Python class or function named by GLOBAL or STACK_GLOBAL and
// admitted as opaque: it is recorded, never resolved.
type global struct{ module, name string }

func (g *global) String() string { return g.module + "." + g.name }

// object is an instance of an opaque class (NEWOBJ, REDUCE, INST, OBJ), or
// the result of calling an opaque function, with the arguments it was given
// and the state BUILD set. Nothing about it is executed.
type object struct {
	class *global
	args  []any
	state any
}

// pyBig is an integer beyond int64 (LONG1/LONG4), such as the magic number
// of the legacy format.
type pyBig struct{ v *big.Int }

// typeName names the Python type of v for error messages.
func typeName(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		return "bool"
	case int64, *pyBig:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case *pyBytes:
		return "bytes"
	case *pyTuple:
		return "tuple"
	case *pyList:
		return "list"
	case *pySet:
		return "set"
	case *pyDict:
		return "dict"
	case *global:
		return x.String()
	case *object:
		return x.class.String() + " object"
	case *builtin:
		return x.name
	case *storageClass:
		return "torch." + x.dtype.storageClass()
	case *tensorRef:
		return "tensor"
	case *storage:
		return "storage"
	}
	return fmt.Sprintf("%T", v)
}

// toInt converts an int value to a Go int.
func toInt(v any) (int, bool) {
	x, ok := v.(int64)
	if !ok || int64(int(x)) != x {
		return 0, false
	}
	return int(x), true
}

// toInts converts a tuple (or list) of ints.
func toInts(v any) ([]int, bool) {
	var items []any
	switch x := v.(type) {
	case *pyTuple:
		items = x.items
	case *pyList:
		items = x.items
	default:
		return nil, false
	}
	out := make([]int, len(items))
	for i, it := range items {
		n, ok := toInt(it)
		if !ok {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}
