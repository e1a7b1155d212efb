package main

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/adafisher-go/landscape/rundir"
	"gonum.org/v1/gonum/mat"
)

// snapshot is the header of a safetensors factor snapshot, read without its
// data, so that each matrix can be read when it is analysed: a run's
// snapshots of a ResNet hold gigabytes of factors.
type snapshot struct {
	path     string
	metadata map[string]string
	tensors  map[string]tensorEntry
	data     int64 // offset of the data buffer in the file
}

type tensorEntry struct {
	DType   string  `json:"dtype"`
	Shape   []int   `json:"shape"`
	Offsets []int64 `json:"data_offsets"`
}

// readSnapshot reads the header of the safetensors file at path.
func readSnapshot(path string) (*snapshot, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	var lb [8]byte
	if _, err := io.ReadFull(f, lb[:]); err != nil {
		return nil, fmt.Errorf("%s: not a safetensors file: %w", path, err)
	}
	n := binary.LittleEndian.Uint64(lb[:])
	if n > rundir.MaxHeaderSize || int64(n) > fi.Size()-8 {
		return nil, fmt.Errorf("%s: not a safetensors file (header length %d, file %d bytes)", path, n, fi.Size())
	}
	header := make([]byte, n)
	if _, err := io.ReadFull(f, header); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(header, &raw); err != nil {
		return nil, fmt.Errorf("%s: header: %w", path, err)
	}
	s := &snapshot{path: path, tensors: map[string]tensorEntry{}, data: 8 + int64(n)}
	for name, v := range raw {
		if name == "__metadata__" {
			if err := json.Unmarshal(v, &s.metadata); err != nil {
				return nil, fmt.Errorf("%s: header metadata: %w", path, err)
			}
			continue
		}
		var e tensorEntry
		if err := json.Unmarshal(v, &e); err != nil || len(e.Offsets) != 2 || e.Offsets[0] < 0 || e.Offsets[1] < e.Offsets[0] || s.data+e.Offsets[1] > fi.Size() {
			return nil, fmt.Errorf("%s: tensor %q: bad header entry %s", path, name, v)
		}
		s.tensors[name] = e
	}
	return s, nil
}

// matrix reads the tensor name as a square matrix of finite values.
func (s *snapshot) matrix(name string) (*mat.Dense, error) {
	e, ok := s.tensors[name]
	if !ok {
		return nil, fmt.Errorf("%s: no tensor %q", s.path, name)
	}
	if len(e.Shape) != 2 || e.Shape[0] != e.Shape[1] {
		return nil, fmt.Errorf("%s: tensor %q has shape %v, want a square matrix", s.path, name, e.Shape)
	}
	f, err := os.Open(s.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, e.Offsets[1]-e.Offsets[0])
	if _, err := f.ReadAt(b, s.data+e.Offsets[0]); err != nil {
		return nil, fmt.Errorf("%s: tensor %q: %w", s.path, name, err)
	}
	v, err := rundir.Tensor{Name: name, DType: rundir.DType(e.DType), Shape: e.Shape, Data: b}.Float64s()
	if err != nil {
		return nil, fmt.Errorf("%s: tensor %q: %w", s.path, name, err)
	}
	n := e.Shape[0]
	for k, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%s: tensor %q: entry (%d, %d) is %v, want a finite number", s.path, name, k/n, k%n, x)
		}
	}
	return mat.NewDense(n, n, v), nil
}
