package matfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/bits"
	"os"
)

// npyMagic starts every .npy file.
const npyMagic = "\x93NUMPY"

// ReadNPY reads the one array of a .npy file (format versions 1.0, 2.0 and
// 3.0).
func ReadNPY(path string) ([]Matrix, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	m, err := decodeNPY(path, "", b)
	if err != nil {
		return nil, err
	}
	return []Matrix{m}, nil
}

// readFile reads a whole file, failing on an empty one.
func readFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &Error{File: path, Err: err}
	}
	if len(b) == 0 {
		return nil, fail(path, "", ErrEmptyFile, "0 bytes")
	}
	return b, nil
}

// decodeNPY decodes the .npy bytes b of tensor in file.
func decodeNPY(file, tensor string, b []byte) (Matrix, error) {
	if len(b) == 0 {
		return Matrix{}, fail(file, tensor, ErrEmptyFile, "0 bytes")
	}
	if !bytes.HasPrefix(b, []byte(npyMagic)) {
		if bytes.HasPrefix([]byte(npyMagic), b) {
			return Matrix{}, fail(file, tensor, ErrTruncated, "%d bytes, inside the magic string", len(b))
		}
		return Matrix{}, fail(file, tensor, ErrBadHeader, "not a .npy array (no \\x93NUMPY magic string)")
	}
	if len(b) < len(npyMagic)+2 {
		return Matrix{}, fail(file, tensor, ErrTruncated, "%d bytes, before the version", len(b))
	}
	major, minor := b[6], b[7]
	lenBytes := 4
	switch major {
	case 1:
		lenBytes = 2
	case 2, 3:
	default:
		return Matrix{}, fail(file, tensor, ErrBadHeader, "format version %d.%d is not supported (1.0, 2.0, 3.0 are)", major, minor)
	}
	start := 8 + lenBytes
	if len(b) < start {
		return Matrix{}, fail(file, tensor, ErrTruncated, "%d bytes, inside the header length", len(b))
	}
	var headerLen uint64
	if lenBytes == 2 {
		headerLen = uint64(binary.LittleEndian.Uint16(b[8:]))
	} else {
		headerLen = uint64(binary.LittleEndian.Uint32(b[8:]))
	}
	if uint64(len(b)-start) < headerLen {
		return Matrix{}, fail(file, tensor, ErrTruncated, "the header needs %d bytes, the file has %d after the length", headerLen, len(b)-start)
	}
	h, err := parseNPYHeader(string(b[start : start+int(headerLen)]))
	if errors.Is(err, errStructured) {
		return Matrix{}, fail(file, tensor, ErrUnsupportedDType, "a structured dtype is not supported")
	}
	if err != nil {
		return Matrix{}, fail(file, tensor, ErrBadHeader, "%v", err)
	}
	dtype, err := parseDescr(h.descr)
	if err != nil {
		return Matrix{}, fail(file, tensor, ErrUnsupportedDType, "%v", err)
	}
	rows, cols, err := matrixShape(file, tensor, h.shape)
	if err != nil {
		return Matrix{}, err
	}
	data := b[start+int(headerLen):]
	hi, need := bits.Mul64(uint64(rows)*uint64(cols), uint64(dtype.size))
	if hi != 0 || bits.Len64(uint64(rows))+bits.Len64(uint64(cols)) > 62 || uint64(len(data)) < need {
		return Matrix{}, fail(file, tensor, ErrTruncated, "shape (%d, %d) of %s needs %d data bytes, the file has %d", rows, cols, h.descr, need, len(data))
	}
	return newMatrix(file, tensor, rows, cols, decodeElements(data, dtype, rows, cols, h.fortran))
}

// decodeElements converts rows*cols elements to float64 in row-major order.
func decodeElements(data []byte, t npyDType, rows, cols int, fortran bool) []float64 {
	out := make([]float64, rows*cols)
	read := t.decoder()
	for k := range out {
		v := read(data[k*t.size:])
		if fortran { // element k is (k % rows, k / rows)
			out[(k%rows)*cols+k/rows] = v
		} else {
			out[k] = v
		}
	}
	return out
}
