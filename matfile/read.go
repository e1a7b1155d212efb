package matfile

import (
	"bytes"
	"path/filepath"
	"strings"
)

// Read reads every 2-D array of a .npy, .npz or .safetensors file, chosen by
// the extension (case-insensitive); a file with another extension is
// recognised by its first bytes.
func Read(path string) ([]Matrix, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return ReadNPY(path)
	case ".npz":
		return ReadNPZ(path)
	case ".safetensors":
		return ReadSafetensors(path)
	}
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(b, []byte(npyMagic)):
		return ReadNPY(path)
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return ReadNPZ(path)
	case isSafetensors(b):
		return ReadSafetensors(path)
	}
	return nil, fail(path, "", ErrUnknownFormat, "not .npy, .npz or .safetensors")
}

// ReadAll reads every file with Read and returns all their matrices, in
// order, stopping at the first error.
func ReadAll(paths []string) ([]Matrix, error) {
	var out []Matrix
	for _, p := range paths {
		ms, err := Read(p)
		if err != nil {
			return nil, err
		}
		out = append(out, ms...)
	}
	return out, nil
}
