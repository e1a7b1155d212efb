package torchfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// legacyMagic is the start of a legacy torch.save file: the pickle (protocol
// 2) of its magic number 0x1950a86a20f9469cfc6c.
var legacyMagic = []byte{0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19}

// legacyProtocol is the version the legacy format records after its magic.
const legacyProtocol = 1001

// loadBytes reads a torch.save file (zip or legacy) or a plain pickle and
// returns its top-level value, tensors still as views of their storages.
func loadBytes(b []byte, e *env) (any, error) {
	e.limit = workFactor*len(b) + 1<<20
	switch {
	case len(b) == 0:
		return nil, fmt.Errorf("%w: empty file", ErrMalformed)
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return loadZip(b, e)
	case bytes.HasPrefix(b, legacyMagic):
		return loadLegacy(b, e)
	case b[0] == 0x80:
		m := &machine{buf: b, env: e}
		return m.run()
	}
	return nil, fmt.Errorf("%w: not a torch.save file or a pickle (first byte 0x%02x)", ErrMalformed, b[0])
}

// pidStorage reads the persistent id of a storage: ('storage', class, key,
// location, numel[, view_metadata]).
func pidStorage(pid any) (dt DType, key string, numel int, err error) {
	t, ok := pid.(*pyTuple)
	if !ok || len(t.items) < 5 || t.items[0] != "storage" {
		return "", "", 0, fmt.Errorf("%w: persistent id %s is not a storage", ErrMalformed, typeName(pid))
	}
	cls, ok := t.items[1].(*storageClass)
	if !ok {
		return "", "", 0, fmt.Errorf("%w: storage type %s is not supported", ErrMalformed, typeName(t.items[1]))
	}
	key, ok1 := t.items[2].(string)
	numel, ok2 := toInt(t.items[4])
	if !ok1 || !ok2 || numel < 0 {
		return "", "", 0, fmt.Errorf("%w: storage key and size must be a str and an int >= 0", ErrMalformed)
	}
	if len(t.items) > 5 && t.items[5] != nil {
		return "", "", 0, fmt.Errorf("%w: storage %q: views of storages (PyTorch before 1.0) are not supported", ErrMalformed, key)
	}
	return cls.dtype, key, numel, nil
}

// storageCache returns a persistent loader that gives one storage per key,
// so tensors saved as views of one storage share it.
func storageCache(fill func(st *storage) error) (func(any) (any, error), map[string]*storage) {
	seen := map[string]*storage{}
	return func(pid any) (any, error) {
		dt, key, numel, err := pidStorage(pid)
		if err != nil {
			return nil, err
		}
		if st, ok := seen[key]; ok {
			if st.dtype != dt || st.numel != numel {
				return nil, fmt.Errorf("%w: storage %q is %d %s and also %d %s", ErrMalformed, key, st.numel, st.dtype, numel, dt)
			}
			return st, nil
		}
		st := &storage{dtype: dt, key: key, numel: numel}
		if fill != nil {
			if err := fill(st); err != nil {
				return nil, err
			}
		}
		seen[key] = st
		return st, nil
	}, seen
}

// loadZip reads the zip format of torch.save: PREFIX/data.pkl, the storages
// in PREFIX/data/KEY, and PREFIX/version.
func loadZip(b []byte, e *env) (any, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%w: zip: %v", ErrMalformed, err)
	}
	files := map[string]*zip.File{}
	prefix := ""
	found := false
	for _, f := range zr.File {
		files[f.Name] = f
		if strings.HasSuffix(f.Name, "/data.pkl") && strings.Count(f.Name, "/") == 1 {
			if found {
				return nil, fmt.Errorf("%w: zip holds two data.pkl records", ErrMalformed)
			}
			prefix, found = strings.TrimSuffix(f.Name, "data.pkl"), true
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: zip without an ARCHIVE/data.pkl record (not a torch.save file)", ErrMalformed)
	}
	read := func(name string) ([]byte, error) {
		f := files[name]
		if f == nil {
			return nil, fmt.Errorf("%w: zip has no record %s", ErrMalformed, name)
		}
		if f.Method != zip.Store {
			return nil, fmt.Errorf("%w: record %s is compressed (torch.save stores records uncompressed)", ErrMalformed, name)
		}
		if f.UncompressedSize64 > uint64(len(b)) {
			return nil, fmt.Errorf("%w: record %s claims %d bytes in a file of %d", ErrMalformed, name, f.UncompressedSize64, len(b))
		}
		r, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%w: record %s: %v", ErrMalformed, name, err)
		}
		defer r.Close()
		out, err := io.ReadAll(io.LimitReader(r, int64(f.UncompressedSize64)))
		if err != nil {
			return nil, fmt.Errorf("%w: record %s: %v", ErrMalformed, name, err)
		}
		return out, nil
	}
	if f := files[prefix+"byteorder"]; f != nil {
		order, err := read(prefix + "byteorder")
		if err != nil {
			return nil, err
		}
		if string(order) != "little" {
			return nil, fmt.Errorf("%w: byte order %q; only little-endian files are read", ErrMalformed, order)
		}
	}
	pkl, err := read(prefix + "data.pkl")
	if err != nil {
		return nil, err
	}
	persistent, _ := storageCache(func(st *storage) error {
		data, err := read(prefix + "data/" + st.key)
		if err != nil {
			return err
		}
		if want := uint64(st.numel) * uint64(st.dtype.Size()); uint64(len(data)) != want {
			return fmt.Errorf("%w: storage %q holds %d bytes, its %d %s elements need %d",
				ErrMalformed, st.key, len(data), st.numel, st.dtype, want)
		}
		st.data = data
		return nil
	})
	m := &machine{buf: pkl, env: e, persistent: persistent}
	v, err := m.run()
	if err != nil {
		return nil, fmt.Errorf("%sdata.pkl: %w", prefix, err)
	}
	return v, nil
}

// loadLegacy reads the single-stream format of torch.save before 1.6 (and
// with _use_new_zipfile_serialization=False): pickles of the magic number,
// the protocol version and the system info, then the object, then the list
// of storage keys, then each storage as a little-endian int64 element count
// followed by its bytes.
func loadLegacy(b []byte, e *env) (any, error) {
	m := &machine{buf: b, env: &env{depth: e.depth, limit: e.limit}}
	if _, err := m.run(); err != nil { // magic number, checked by the caller
		return nil, err
	}
	m.stack, m.marks, m.memo = nil, nil, nil
	v, err := m.run()
	if err != nil {
		return nil, err
	}
	if v != int64(legacyProtocol) {
		return nil, fmt.Errorf("%w: legacy protocol version %v, want %d", ErrMalformed, v, legacyProtocol)
	}
	m.stack, m.marks, m.memo = nil, nil, nil
	info, err := m.run()
	if err != nil {
		return nil, err
	}
	if d, ok := info.(*pyDict); ok {
		if le, ok := d.get("little_endian"); ok && le != true {
			return nil, fmt.Errorf("%w: written on a big-endian machine; only little-endian files are read", ErrMalformed)
		}
	}
	persistent, seen := storageCache(nil)
	m.stack, m.marks, m.memo = nil, nil, nil
	m.env, m.persistent = e, persistent
	top, err := m.run()
	if err != nil {
		return nil, err
	}
	m.stack, m.marks, m.memo = nil, nil, nil
	m.env, m.persistent = &env{limit: e.limit}, nil
	keys, err := m.run()
	if err != nil {
		return nil, err
	}
	kl, ok := keys.(*pyList)
	if !ok {
		return nil, fmt.Errorf("%w: the storage key list is a %s", ErrMalformed, typeName(keys))
	}
	pos := m.pos
	for _, k := range kl.items {
		key, ok := k.(string)
		if !ok {
			return nil, fmt.Errorf("%w: storage key is a %s", ErrMalformed, typeName(k))
		}
		st := seen[key]
		if st == nil {
			return nil, fmt.Errorf("%w: storage %q is listed but not used", ErrMalformed, key)
		}
		if len(b)-pos < 8 {
			return nil, fmt.Errorf("%w: storage %q: the file ends before its size", ErrMalformed, key)
		}
		n := binary.LittleEndian.Uint64(b[pos:])
		pos += 8
		if n != uint64(st.numel) {
			return nil, fmt.Errorf("%w: storage %q records %d elements, its id %d", ErrMalformed, key, n, st.numel)
		}
		size := n * uint64(st.dtype.Size())
		if size > uint64(len(b)-pos) {
			return nil, fmt.Errorf("%w: storage %q: %d bytes, %d remain in the file", ErrMalformed, key, size, len(b)-pos)
		}
		st.data = b[pos : pos+int(size)]
		pos += int(size)
	}
	for key, st := range seen {
		if st.data == nil && st.numel > 0 {
			return nil, fmt.Errorf("%w: storage %q has no data in the file", ErrMalformed, key)
		}
	}
	return top, nil
}
