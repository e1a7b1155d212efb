package torchfile

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// archiveName is the zip directory of the records; torch.load takes it
// from the first record, whatever it is.
const archiveName = "archive"

// recordAlign is the alignment torch.save gives every record's data, so
// that a loader may map storages in place.
const recordAlign = 64

// WriteStateDict writes tensors as a state_dict in the zip format of
// torch.save, which torch.load(path, weights_only=True) reads as an
// OrderedDict of CPU tensors in the order given. The file is written to a
// temporary name and renamed, so a failed write leaves no partial file.
func WriteStateDict(path string, tensors []Tensor) error {
	var buf bytes.Buffer
	if err := EncodeStateDict(&buf, tensors); err != nil {
		return fmt.Errorf("torchfile: write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("torchfile: %w", err)
	}
	_, err = tmp.Write(buf.Bytes())
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("torchfile: write %s: %w", path, err)
	}
	return nil
}

// EncodeStateDict writes tensors to w as WriteStateDict does. Each tensor
// gets its own storage; names must be unique and non-empty, and Data must
// hold NumElements()*DType.Size() bytes. The output is deterministic.
func EncodeStateDict(w io.Writer, tensors []Tensor) error {
	seen := map[string]bool{}
	for _, t := range tensors {
		if t.Name == "" || seen[t.Name] {
			return fmt.Errorf("tensor name %q is empty or repeated", t.Name)
		}
		seen[t.Name] = true
		if t.DType.storageClass() == "" {
			return fmt.Errorf("tensor %q: dtype %q is not supported", t.Name, t.DType)
		}
		n := 1
		for _, d := range t.Shape {
			if d < 0 {
				return fmt.Errorf("tensor %q: negative dimension in shape %v", t.Name, t.Shape)
			}
			n *= d
		}
		if len(t.Data) != n*t.DType.Size() {
			return fmt.Errorf("tensor %q: %d data bytes, shape %v of %s needs %d", t.Name, len(t.Data), t.Shape, t.DType, n*t.DType.Size())
		}
	}
	records := []record{{"data.pkl", statePickle(tensors)}}
	for i, t := range tensors {
		records = append(records, record{"data/" + strconv.Itoa(i), t.Data})
	}
	records = append(records, record{"byteorder", []byte("little")}, record{"version", []byte("3\n")})
	return writeZip(w, records)
}

type record struct {
	name string
	data []byte
}

// writeZip writes stored (uncompressed) records, each record's data aligned
// to recordAlign bytes with the padding extra field torch.save uses.
func writeZip(w io.Writer, records []record) error {
	zw := zip.NewWriter(w)
	offset := 0
	for _, r := range records {
		name := archiveName + "/" + r.name
		start := offset + 30 + len(name) + 4 // local header, name, extra field header
		pad := (recordAlign - start%recordAlign) % recordAlign
		extra := make([]byte, 4+pad)
		copy(extra, "FB")
		binary.LittleEndian.PutUint16(extra[2:], uint16(pad))
		for i := 4; i < len(extra); i++ {
			extra[i] = 'Z'
		}
		fh := &zip.FileHeader{
			Name:               name,
			Method:             zip.Store,
			CRC32:              crc32.ChecksumIEEE(r.data),
			CompressedSize64:   uint64(len(r.data)),
			UncompressedSize64: uint64(len(r.data)),
			Extra:              extra,
		}
		fw, err := zw.CreateRaw(fh)
		if err != nil {
			return err
		}
		if _, err := fw.Write(r.data); err != nil {
			return err
		}
		offset = start + pad + len(r.data)
	}
	return zw.Close()
}

// pickler writes the protocol-2 opcodes that PyTorch's weights_only
// unpickler accepts.
type pickler struct{ b []byte }

func (p *pickler) op(c byte) { p.b = append(p.b, c) }

func (p *pickler) global(module, name string) {
	p.b = append(p.b, 'c')
	p.b = append(p.b, module+"\n"+name+"\n"...)
}

func (p *pickler) str(s string) {
	p.b = append(p.b, 'X')
	p.b = binary.LittleEndian.AppendUint32(p.b, uint32(len(s)))
	p.b = append(p.b, s...)
}

func (p *pickler) int(v int) {
	switch {
	case v >= 0 && v < 1<<8:
		p.b = append(p.b, 'K', byte(v))
	case v >= 0 && v < 1<<16:
		p.b = append(p.b, 'M')
		p.b = binary.LittleEndian.AppendUint16(p.b, uint16(v))
	case v >= math.MinInt32 && v <= math.MaxInt32:
		p.b = append(p.b, 'J')
		p.b = binary.LittleEndian.AppendUint32(p.b, uint32(int32(v)))
	default:
		p.b = append(p.b, 0x8a, 8)
		p.b = binary.LittleEndian.AppendUint64(p.b, uint64(v))
	}
}

func (p *pickler) ints(vs []int) {
	p.op('(')
	for _, v := range vs {
		p.int(v)
	}
	p.op('t')
}

func (p *pickler) orderedDict() {
	p.global("collections", "OrderedDict")
	p.op(')')
	p.op('R')
}

// statePickle is data.pkl: OrderedDict([(name, _rebuild_tensor_v2(storage,
// 0, shape, contiguous strides, False, OrderedDict())), ...]) with storage
// i the persistent id ('storage', torch.XStorage, "i", "cpu", numel).
func statePickle(tensors []Tensor) []byte {
	p := &pickler{}
	p.op(0x80)
	p.op(2)
	p.orderedDict()
	p.op('(')
	for i, t := range tensors {
		n := 1
		for _, d := range t.Shape {
			n *= d
		}
		stride := make([]int, len(t.Shape))
		s := 1
		for j := len(t.Shape) - 1; j >= 0; j-- {
			stride[j] = s
			s *= max(t.Shape[j], 1)
		}
		p.str(t.Name)
		p.global("torch._utils", "_rebuild_tensor_v2")
		p.op('(')
		p.op('(')
		p.str("storage")
		p.global("torch", t.DType.storageClass())
		p.str(strconv.Itoa(i))
		p.str("cpu")
		p.int(n)
		p.op('t')
		p.op('Q')
		p.int(0)
		p.ints(t.Shape)
		p.ints(stride)
		p.op(0x89) // requires_grad False
		p.orderedDict()
		p.op('t')
		p.op('R')
	}
	p.op('u')
	p.op('.')
	return p.b
}
