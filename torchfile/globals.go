package torchfile

import (
	"errors"
	"fmt"
)

// ErrGlobal marks a pickle that names a global outside the allow-list.
var ErrGlobal = errors.New("global not allowed")

// maxNesting bounds how deep storages may nest as torch.save bytes inside
// pickles (pickle.dump of a tensor nests one level).
const maxNesting = 2

// builtin is an allowed callable, implemented here.
type builtin struct {
	name string
	call func(e *env, args []any) (any, error)
}

// storageClass is a typed-storage class (torch.FloatStorage, ...): it only
// names an element type inside a persistent id.
type storageClass struct{ dtype DType }

// env resolves the globals of one pickle.
type env struct {
	// opaque admits globals outside the allow-list as opaque classes and
	// functions; nil admits none.
	opaque func(module, name string) bool
	depth  int
	// loaded caches _load_from_bytes by bytes object: a pickle may name one
	// object many times (memo), and parsing it each time would take time
	// quadratic in the file's size.
	loaded map[*pyBytes]*storage
	// work counts the argument items the calls have taken, against limit
	// (0: none): memo references let a short pickle pass one long list to
	// many calls.
	work, limit int
}

// workFactor bounds the work of a pickle's calls, in argument items per
// byte of the file.
const workFactor = 16

// builtins is the allow-list: what the tensor files of PyTorch need, and
// plain data constructors.
var builtins = map[string]*builtin{}

func init() {
	add := func(names []string, f func(e *env, args []any) (any, error)) {
		for _, n := range names {
			builtins[n] = &builtin{name: n, call: f}
		}
	}
	add([]string{"collections.OrderedDict"}, newOrderedDict)
	add([]string{"builtins.dict"}, newOrderedDict)
	add([]string{"builtins.set", "builtins.frozenset"}, newSet)
	add([]string{"builtins.list"}, func(_ *env, args []any) (any, error) {
		s, err := newSet(nil, args)
		if err != nil {
			return nil, err
		}
		return &pyList{items: s.(*pySet).items}, nil
	})
	add([]string{"torch.Size", "builtins.tuple"}, func(_ *env, args []any) (any, error) {
		s, err := newSet(nil, args)
		if err != nil {
			return nil, err
		}
		return &pyTuple{items: s.(*pySet).items}, nil
	})
	add([]string{"_codecs.encode"}, encodeBytes)
	add([]string{"torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor"}, rebuildTensor)
	add([]string{"torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state"}, rebuildParameter)
	add([]string{"torch.storage._load_from_bytes"}, loadFromBytes)
}

// lookup resolves a global by module and name.
func (e *env) lookup(module, name string) (any, error) {
	// Python 3 writes protocols 0-2 with Python 2's module names.
	switch module {
	case "__builtin__":
		module = "builtins"
	case "copy_reg":
		module = "copyreg"
	}
	full := module + "." + name
	if b, ok := builtins[full]; ok {
		return b, nil
	}
	if module == "torch" {
		if dt, ok := storageTypes[name]; ok {
			return &storageClass{dt}, nil
		}
	}
	if e.opaque != nil && e.opaque(module, name) {
		return &global{module: module, name: name}, nil
	}
	return nil, fmt.Errorf("%w: %s (only tensors, storages, OrderedDict and plain data are read; "+
		"in Python, loading this pickle would import and may run it)", ErrGlobal, full)
}

// call applies an allowed callable, or records a call of an opaque one.
func (e *env) call(f any, args []any) (any, error) {
	for _, a := range args {
		e.work++
		switch a := a.(type) {
		case *pyList:
			e.work += len(a.items)
		case *pyTuple:
			e.work += len(a.items)
		case *pySet:
			e.work += len(a.items)
		case *pyDict:
			e.work += len(a.keys)
		case string:
			e.work += len(a)
		}
	}
	if e.limit > 0 && e.work > e.limit {
		return nil, fmt.Errorf("%w: the pickle's calls take more than %d arguments' items in all, beyond what its size justifies", ErrMalformed, e.limit)
	}
	switch f := f.(type) {
	case *builtin:
		v, err := f.call(e, args)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		return v, nil
	case *global:
		return &object{class: f, args: args}, nil
	case *storageClass:
		return nil, fmt.Errorf("%w: constructing a %s outside a persistent id", ErrMalformed, f.dtype.storageClass())
	}
	return nil, fmt.Errorf("%w: calling a %s", ErrMalformed, typeName(f))
}

// build applies BUILD: state on an opaque object is kept; the instance
// attributes PyTorch sets on OrderedDicts (_metadata) and tensors are
// dropped.
func (e *env) build(target, state any) error {
	switch t := target.(type) {
	case *object:
		t.state = state
		return nil
	case *pyDict, *tensorRef:
		return nil
	}
	return fmt.Errorf("%w: BUILD on a %s", ErrMalformed, typeName(target))
}

func newOrderedDict(_ *env, args []any) (any, error) {
	d := newDict()
	if len(args) == 0 {
		return d, nil
	}
	if len(args) > 1 {
		return nil, fmt.Errorf("%w: %d arguments", ErrMalformed, len(args))
	}
	var items []any
	switch a := args[0].(type) {
	case *pyList:
		items = a.items
	case *pyTuple:
		items = a.items
	case *pyDict:
		for i := range a.keys {
			d.set(a.keys[i], a.vals[i])
		}
		return d, nil
	default:
		return nil, fmt.Errorf("%w: argument is a %s", ErrMalformed, typeName(args[0]))
	}
	for _, it := range items {
		p, ok := it.(*pyTuple)
		if !ok || len(p.items) != 2 {
			return nil, fmt.Errorf("%w: item is a %s, not a pair", ErrMalformed, typeName(it))
		}
		d.set(p.items[0], p.items[1])
	}
	return d, nil
}

func newSet(_ *env, args []any) (any, error) {
	if len(args) == 0 {
		return &pySet{}, nil
	}
	if len(args) > 1 {
		return nil, fmt.Errorf("%w: %d arguments", ErrMalformed, len(args))
	}
	// The items are shared, capped so that appending to either copies.
	switch a := args[0].(type) {
	case *pyList:
		return &pySet{items: a.items[:len(a.items):len(a.items)]}, nil
	case *pyTuple:
		return &pySet{items: a.items[:len(a.items):len(a.items)]}, nil
	case *pySet:
		return &pySet{items: a.items[:len(a.items):len(a.items)]}, nil
	}
	return nil, fmt.Errorf("%w: argument is a %s", ErrMalformed, typeName(args[0]))
}

// encodeBytes is how protocol 2 writes bytes: _codecs.encode(str, "latin1"),
// the string holding one code point per byte.
func encodeBytes(_ *env, args []any) (any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("%w: %d arguments", ErrMalformed, len(args))
	}
	s, ok1 := args[0].(string)
	enc, ok2 := args[1].(string)
	if !ok1 || !ok2 || (enc != "latin1" && enc != "latin-1") {
		return nil, fmt.Errorf("%w: only (str, \"latin1\") is read", ErrMalformed)
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, fmt.Errorf("%w: code point %U is not latin1", ErrMalformed, r)
		}
		b = append(b, byte(r))
	}
	return &pyBytes{b}, nil
}

// rebuildTensor is torch._utils._rebuild_tensor_v2(storage, offset, size,
// stride, requires_grad, backward_hooks[, metadata]) and the older
// _rebuild_tensor(storage, offset, size, stride).
func rebuildTensor(_ *env, args []any) (any, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("%w: %d arguments, want at least 4", ErrMalformed, len(args))
	}
	st, ok := args[0].(*storage)
	if !ok {
		return nil, fmt.Errorf("%w: the storage argument is a %s", ErrMalformed, typeName(args[0]))
	}
	off, ok1 := toInt(args[1])
	size, ok2 := toInts(args[2])
	stride, ok3 := toInts(args[3])
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("%w: offset, size and stride must be ints and tuples of ints", ErrMalformed)
	}
	return &tensorRef{st: st, offset: off, size: size, stride: stride}, nil
}

// rebuildParameter is torch._utils._rebuild_parameter(data, requires_grad,
// backward_hooks): the parameter is its data.
func rebuildParameter(_ *env, args []any) (any, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("%w: no arguments", ErrMalformed)
	}
	t, ok := args[0].(*tensorRef)
	if !ok {
		return nil, fmt.Errorf("%w: the data argument is a %s", ErrMalformed, typeName(args[0]))
	}
	return t, nil
}

// loadFromBytes is torch.storage._load_from_bytes(b): a storage pickled by
// pickle.dump, its bytes a torch.save of the storage alone.
func loadFromBytes(e *env, args []any) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("%w: %d arguments", ErrMalformed, len(args))
	}
	b, ok := args[0].(*pyBytes)
	if !ok {
		return nil, fmt.Errorf("%w: the argument is a %s", ErrMalformed, typeName(args[0]))
	}
	if e.depth >= maxNesting {
		return nil, fmt.Errorf("%w: storages nested more than %d deep", ErrMalformed, maxNesting)
	}
	if st, ok := e.loaded[b]; ok {
		return st, nil
	}
	inner := &env{depth: e.depth + 1}
	v, err := loadBytes(b.b, inner)
	if err != nil {
		return nil, err
	}
	st, ok := v.(*storage)
	if !ok {
		return nil, fmt.Errorf("%w: the bytes hold a %s, not a storage", ErrMalformed, typeName(v))
	}
	if e.loaded == nil {
		e.loaded = map[*pyBytes]*storage{}
	}
	e.loaded[b] = st
	return st, nil
}
