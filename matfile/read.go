package matfile

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"

	"github.com/adafisher-go/landscape/torchfile"
)

// Read reads every 2-D array of a .npy, .npz, .safetensors or torch.save
// (.pt, .pth) file, or of an analysis dump (.pkl), chosen by the extension
// (case-insensitive); a file with another extension is recognised by its
// first bytes.
func Read(path string) ([]Matrix, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		return ReadNPY(path)
	case ".npz":
		return ReadNPZ(path)
	case ".safetensors":
		return ReadSafetensors(path)
	case ".pt", ".pth", ".pkl":
		return readTorchOrDump(path)
	}
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(b, []byte(npyMagic)):
		return ReadNPY(path)
	case bytes.HasPrefix(b, []byte("PK\x03\x04")) && isTorchZip(b):
		return ReadTorch(path)
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return ReadNPZ(path)
	case b[0] == 0x80: // a pickle: a legacy torch.save file or a dump
		return readTorchOrDump(path)
	case isSafetensors(b):
		return ReadSafetensors(path)
	}
	return nil, fail(path, "", ErrUnknownFormat, "not .npy, .npz, .safetensors, .pt or an analysis dump .pkl")
}

// readTorchOrDump reads a torch.save state_dict or, failing that because
// the file holds something else, an analysis dump (a dict keyed by module
// objects).
func readTorchOrDump(path string) ([]Matrix, error) {
	ms, err := ReadTorch(path)
	if errors.Is(err, torchfile.ErrGlobal) || errors.Is(err, torchfile.ErrNotStateDict) {
		dm, derr := ReadTorchDump(path)
		if derr == nil {
			return dm, nil
		}
		if strings.Contains(err.Error(), "torch.nn.modules.") {
			return nil, derr // keyed by modules: a dump, with its own problem
		}
	}
	return ms, err
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
