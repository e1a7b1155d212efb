package rundir

import (
	"bufio"
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode/utf8"
)

// File is the decoded contents of a safetensors file.
type File struct {
	// Metadata is the "__metadata__" string map of the header, nil if the
	// header has none.
	Metadata map[string]string
	// Tensors are in the order of their data in the file.
	Tensors []Tensor
}

// Get returns the tensor with the given name.
func (f *File) Get(name string) (Tensor, bool) {
	for _, t := range f.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return Tensor{}, false
}

// Names returns the tensor names in the order of their data in the file.
func (f *File) Names() []string {
	names := make([]string, len(f.Tensors))
	for i, t := range f.Tensors {
		names[i] = t.Name
	}
	return names
}

// Write writes tensors and metadata to path as a safetensors file, atomically
// (see WriteFileAtomic): on error the previous file, if any, is untouched.
// See Encode for the layout. The tensors are validated before the file is
// created.
func Write(path string, tensors []Tensor, metadata map[string]string) error {
	header, err := encodeHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("safetensors: write %s: %w", path, err)
	}
	err = WriteFileAtomic(path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := writeBody(bw, header, tensors); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	return nil
}

// Encode writes tensors and metadata to w in the safetensors format: the
// header length as a little-endian uint64, the JSON header, then the tensors'
// bytes back to back in the order given. The header is compact JSON as the
// reference (Rust/Python) writer produces it: "__metadata__" first, omitted
// when metadata is empty, its keys sorted; then one entry per tensor, in the
// order given, with fields dtype, shape and data_offsets; then spaces up to a
// multiple of 8 bytes, so the data buffer starts 8-byte aligned.
//
// Every tensor must pass Validate, and names must be unique. Metadata keys and
// values must be valid UTF-8.
//
// Since the header is padded to 8 bytes, every tensor starts aligned to its
// element size when all tensors have the same dtype size, or when larger
// element sizes come first; SortForAlignment orders tensors so. The reference
// writer always sorts that way; Encode keeps the caller's order, so callers
// mixing dtype sizes should sort first, because some PyTorch loading paths
// refuse misaligned data ("storage_offset() must be divisible by ...").
func Encode(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	header, err := encodeHeader(tensors, metadata)
	if err != nil {
		return fmt.Errorf("safetensors: encode: %w", err)
	}
	if err := writeBody(w, header, tensors); err != nil {
		return fmt.Errorf("safetensors: encode: %w", err)
	}
	return nil
}

// SortForAlignment sorts tensors in place by dtype size, largest first,
// keeping the given order among tensors of one size. Written in that order,
// every tensor starts at a multiple of its element size in the file, as with
// the reference writer.
func SortForAlignment(tensors []Tensor) {
	slices.SortStableFunc(tensors, func(a, b Tensor) int {
		return cmp.Compare(b.DType.Size(), a.DType.Size())
	})
}

func writeBody(w io.Writer, header []byte, tensors []Tensor) error {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	if _, err := w.Write(n[:]); err != nil {
		return err
	}
	if _, err := w.Write(header); err != nil {
		return err
	}
	for _, t := range tensors {
		if _, err := w.Write(t.Data); err != nil {
			return err
		}
	}
	return nil
}

// encodeHeader validates the tensors and builds the padded JSON header.
func encodeHeader(tensors []Tensor, metadata map[string]string) ([]byte, error) {
	b := []byte{'{'}
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k, v := range metadata {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return nil, fmt.Errorf("metadata %q: key or value is not valid UTF-8", k)
			}
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = appendJSONString(b, metadataKey)
		b = append(b, ':', '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			b = appendJSONString(b, metadata[k])
		}
		b = append(b, '}')
	}
	seen := make(map[string]bool, len(tensors))
	offset := 0
	for _, t := range tensors {
		if err := t.Validate(); err != nil {
			return nil, err
		}
		if seen[t.Name] {
			return nil, fmt.Errorf("tensor %q: duplicate name", t.Name)
		}
		seen[t.Name] = true
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = appendJSONString(b, t.Name)
		b = append(b, `:{"dtype":"`...)
		b = append(b, t.DType...)
		b = append(b, `","shape":[`...)
		for i, d := range t.Shape {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(d), 10)
		}
		b = append(b, `],"data_offsets":[`...)
		b = strconv.AppendInt(b, int64(offset), 10)
		b = append(b, ',')
		offset += len(t.Data)
		b = strconv.AppendInt(b, int64(offset), 10)
		b = append(b, ']', '}')
	}
	b = append(b, '}')
	for len(b)%8 != 0 {
		b = append(b, ' ')
	}
	return b, nil
}

// appendJSONString appends s as a JSON string escaped the way serde_json (the
// reference writer) escapes it: quote, backslash and control characters only,
// with the short forms \b \f \n \r \t and lowercase \u00xx otherwise.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			b = append(b, '\\', '"')
		case c == '\\':
			b = append(b, '\\', '\\')
		case c == '\b':
			b = append(b, '\\', 'b')
		case c == '\f':
			b = append(b, '\\', 'f')
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
