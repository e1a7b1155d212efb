package matfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
)

// ReadNPZ reads every array of a .npz archive (numpy.savez, stored, or
// numpy.savez_compressed, deflated), in archive order.
func ReadNPZ(path string) ([]Matrix, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		kind := ErrBadHeader
		if !bytes.HasPrefix(b, []byte("PK")) {
			return nil, fail(path, "", kind, "not a .npz (zip) archive")
		}
		if errors.Is(err, zip.ErrFormat) {
			kind = ErrTruncated // a zip archive's directory is at its end
		}
		return nil, fail(path, "", kind, "%v", err)
	}
	var out []Matrix
	for _, f := range z.File {
		if f.FileInfo().IsDir() {
			continue
		}
		tensor := strings.TrimSuffix(f.Name, ".npy")
		m, err := readMember(path, tensor, f)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	if len(out) == 0 {
		return nil, fail(path, "", ErrEmptyFile, "the archive holds no arrays")
	}
	return out, nil
}

func readMember(path, tensor string, f *zip.File) (Matrix, error) {
	if !strings.HasSuffix(f.Name, ".npy") {
		return Matrix{}, fail(path, f.Name, ErrBadHeader, "archive member is not a .npy array")
	}
	r, err := f.Open()
	if err != nil {
		return Matrix{}, fail(path, tensor, ErrBadHeader, "%v", err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		kind := ErrBadHeader
		if errors.Is(err, io.ErrUnexpectedEOF) {
			kind = ErrTruncated
		}
		return Matrix{}, fail(path, tensor, kind, "%v", err)
	}
	return decodeNPY(path, tensor, b)
}
