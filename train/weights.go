package train

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/torchfile"
)

// ReadWeights reads a file of named tensors to start a model from: a
// safetensors file, or a PyTorch checkpoint (torch.save's zip format or the
// older pickle format; a bare state_dict or one wrapped as {"state_dict": …},
// {"model": …}, {"net": …}, with a DataParallel "module." prefix) read without
// running any of its pickle code. The kind is told by the file's first bytes,
// not its name.
func ReadWeights(path string) (*rundir.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte{0x80}) {
		w, err := torchfile.LoadAsSafetensors(path)
		if err != nil {
			return nil, fmt.Errorf("read PyTorch checkpoint %s: %w", path, err)
		}
		return w, nil
	}
	return rundir.Read(path)
}
