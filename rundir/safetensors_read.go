package rundir

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"unicode/utf8"
)

// MaxHeaderSize is the largest JSON header Decode accepts, in bytes: the same
// limit as the reference implementation. A larger header length almost always
// means the file is not a safetensors file.
const MaxHeaderSize = 100_000_000

// Read reads and validates the safetensors file at path. Errors name the file
// and, where one is at fault, the tensor.
func Read(path string) (*File, error) {
	buf, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	return decode("safetensors: read "+path, buf)
}

// Decode reads a whole safetensors file from r and validates it; see Read.
func Decode(r io.Reader) (*File, error) {
	buf, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("safetensors: decode: %w", err)
	}
	return decode("safetensors: decode", buf)
}

// DecodeBytes decodes and validates a safetensors file held in memory. The
// Data of the returned tensors alias b (each capped to its own bytes).
func DecodeBytes(b []byte) (*File, error) {
	return decode("safetensors: decode", b)
}

// headerEntry is one tensor entry of a header as parsed, before layout checks.
type headerEntry struct {
	t          Tensor
	begin, end int64
	index      int // position in the header, to keep sorting stable
}

// decode parses and validates buf, a whole safetensors file; prefix starts
// every error message.
//
// Validation follows the specification and the reference reader: the header
// length is at most MaxHeaderSize and fits in the file; the header is UTF-8
// JSON that starts with '{' (trailing whitespace allowed) with no duplicate
// keys; "__metadata__", if present, maps strings to strings; every other key
// names a tensor whose entry has exactly the fields dtype (known), shape
// (non-negative integers) and data_offsets (two non-negative integers begin <=
// end); end - begin equals the shape product times the dtype size; and the
// tensors, ordered by offset, cover the data buffer exactly, with no overlap,
// gap or trailing byte.
func decode(prefix string, buf []byte) (*File, error) {
	fail := func(format string, args ...any) (*File, error) {
		return nil, fmt.Errorf(prefix+": "+format, args...)
	}
	if len(buf) < 8 {
		return fail("file is %d bytes, shorter than the 8-byte header length", len(buf))
	}
	n := binary.LittleEndian.Uint64(buf[:8])
	if n > MaxHeaderSize {
		return fail("header length %d exceeds the %d-byte limit (not a safetensors file?)", n, MaxHeaderSize)
	}
	if n > uint64(len(buf)-8) {
		return fail("header length %d but only %d bytes follow it (file truncated?)", n, len(buf)-8)
	}
	header := buf[8 : 8+n]
	data := buf[8+n:]
	if !utf8.Valid(header) {
		return fail("header is not valid UTF-8")
	}
	if len(header) == 0 || header[0] != '{' {
		return fail("header is not a JSON object")
	}
	entries, err := objectEntries(header)
	if err != nil {
		return fail("header is not a valid JSON object: %v", err)
	}

	f := &File{}
	var parsed []headerEntry
	for _, e := range entries {
		if e.key == metadataKey {
			if string(e.value) == "null" {
				continue
			}
			if f.Metadata, err = parseMetadata(e.value); err != nil {
				return fail("%s: %v", metadataKey, err)
			}
			continue
		}
		he, err := parseTensorEntry(e.key, e.value, int64(len(data)))
		if err != nil {
			return fail("%v", err)
		}
		he.index = len(parsed)
		parsed = append(parsed, he)
	}

	slices.SortFunc(parsed, func(a, b headerEntry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end), cmp.Compare(a.index, b.index))
	})
	var pos int64
	for i, he := range parsed {
		switch {
		case he.begin < pos:
			prev := parsed[i-1]
			return fail("tensor %q: data_offsets [%d %d] overlap tensor %q at [%d %d]",
				he.t.Name, he.begin, he.end, prev.t.Name, prev.begin, prev.end)
		case he.begin > pos:
			return fail("tensor %q: data_offsets [%d %d] leave a gap: bytes [%d %d) of the data buffer belong to no tensor",
				he.t.Name, he.begin, he.end, pos, he.begin)
		}
		pos = he.end
	}
	if pos != int64(len(data)) {
		return fail("%d trailing bytes after the last tensor: tensors cover %d bytes of a %d-byte data buffer",
			int64(len(data))-pos, pos, len(data))
	}

	f.Tensors = make([]Tensor, len(parsed))
	for i, he := range parsed {
		f.Tensors[i] = he.t
		f.Tensors[i].Data = data[he.begin:he.end:he.end]
	}
	return f, nil
}

// parseMetadata parses the "__metadata__" object, whose values must all be
// strings.
func parseMetadata(value json.RawMessage) (map[string]string, error) {
	if value[0] != '{' {
		return nil, fmt.Errorf("%s is not an object", value)
	}
	fields, err := objectEntries(value)
	if err != nil {
		return nil, err
	}
	m := make(map[string]string, len(fields))
	for _, fe := range fields {
		var s string
		if err := json.Unmarshal(fe.value, &s); err != nil {
			return nil, fmt.Errorf("value of %q is %s, not a string", fe.key, fe.value)
		}
		m[fe.key] = s
	}
	return m, nil
}

// parseTensorEntry checks one tensor entry of the header against itself and
// the length of the data buffer.
func parseTensorEntry(name string, value json.RawMessage, dataLen int64) (headerEntry, error) {
	he := headerEntry{t: Tensor{Name: name}}
	if name == "" {
		return he, fmt.Errorf("tensor with empty name")
	}
	if value[0] != '{' {
		return he, fmt.Errorf("tensor %q: header entry is not an object", name)
	}
	fields, err := objectEntries(value)
	if err != nil {
		return he, fmt.Errorf("tensor %q: %v", name, err)
	}
	var haveDType, haveShape, haveOffsets bool
	var offsets []int64
	for _, fe := range fields {
		switch fe.key {
		case "dtype":
			var s string
			if err := json.Unmarshal(fe.value, &s); err != nil {
				return he, fmt.Errorf("tensor %q: dtype %s is not a string", name, fe.value)
			}
			he.t.DType = DType(s)
			if !he.t.DType.Valid() {
				return he, fmt.Errorf("tensor %q: unknown dtype %q", name, s)
			}
			haveDType = true
		case "shape":
			dims, err := intArray(fe.value)
			if err != nil {
				return he, fmt.Errorf("tensor %q: shape %s: %v", name, fe.value, err)
			}
			he.t.Shape = make([]int, len(dims))
			for i, d := range dims {
				if d < 0 {
					return he, fmt.Errorf("tensor %q: negative dimension in shape %v", name, dims)
				}
				if int64(int(d)) != d {
					return he, fmt.Errorf("tensor %q: dimension %d in shape %v overflows int", name, d, dims)
				}
				he.t.Shape[i] = int(d)
			}
			haveShape = true
		case "data_offsets":
			offsets, err = intArray(fe.value)
			if err != nil {
				return he, fmt.Errorf("tensor %q: data_offsets %s: %v", name, fe.value, err)
			}
			if len(offsets) != 2 {
				return he, fmt.Errorf("tensor %q: data_offsets %s must be two integers [begin, end]", name, fe.value)
			}
			haveOffsets = true
		default:
			return he, fmt.Errorf("tensor %q: unknown field %q", name, fe.key)
		}
	}
	switch {
	case !haveDType:
		return he, fmt.Errorf("tensor %q: missing dtype", name)
	case !haveShape:
		return he, fmt.Errorf("tensor %q: missing shape", name)
	case !haveOffsets:
		return he, fmt.Errorf("tensor %q: missing data_offsets", name)
	}
	he.begin, he.end = offsets[0], offsets[1]
	if he.begin < 0 || he.end < 0 {
		return he, fmt.Errorf("tensor %q: negative data_offsets [%d %d]", name, he.begin, he.end)
	}
	if he.begin > he.end {
		return he, fmt.Errorf("tensor %q: data_offsets [%d %d] begin after end", name, he.begin, he.end)
	}
	need, ok := byteSize(he.t.DType, he.t.Shape)
	if !ok {
		return he, fmt.Errorf("tensor %q: dtype %s shape %v overflows the addressable size", name, he.t.DType, he.t.Shape)
	}
	if he.end-he.begin != int64(need) {
		return he, fmt.Errorf("tensor %q: data_offsets [%d %d] but dtype %s shape %v needs %d bytes",
			name, he.begin, he.end, he.t.DType, he.t.Shape, need)
	}
	if he.end > dataLen {
		return he, fmt.Errorf("tensor %q: data_offsets [%d %d] end beyond the %d-byte data buffer (file truncated?)",
			name, he.begin, he.end, dataLen)
	}
	return he, nil
}

// objectEntry is one key of a JSON object with its raw value.
type objectEntry struct {
	key   string
	value json.RawMessage
}

// objectEntries parses a JSON object into its entries in order, rejecting
// duplicate keys and anything but whitespace after the closing brace.
func objectEntries(data []byte) ([]objectEntry, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not an object")
	}
	var entries []objectEntry
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key %v is not a string", tok)
		}
		if seen[key] {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, fmt.Errorf("value of %q: %v", key, err)
		}
		entries = append(entries, objectEntry{key, value})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the closing brace")
	}
	return entries, nil
}

// maxArrayLen bounds the integer arrays of a header (shapes and offsets).
// numpy allows 64 dimensions; a header claiming millions would otherwise cost
// some 80 bytes of parsing per byte of file.
const maxArrayLen = 1024

// intArray parses a JSON array of integers written without fraction or
// exponent.
func intArray(raw json.RawMessage) ([]int64, error) {
	if len(raw) == 0 || raw[0] != '[' {
		return nil, fmt.Errorf("not an array")
	}
	if bytes.Count(raw, []byte{','}) >= maxArrayLen {
		return nil, fmt.Errorf("more than %d elements", maxArrayLen)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(raw, &elems); err != nil {
		return nil, err
	}
	out := make([]int64, len(elems))
	for i, e := range elems {
		v, err := strconv.ParseInt(string(bytes.TrimSpace(e)), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("element %s is not an integer", e)
		}
		out[i] = v
	}
	return out, nil
}
