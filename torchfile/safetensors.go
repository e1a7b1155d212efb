package torchfile

import (
	"fmt"
	"io"

	"github.com/adafisher-go/landscape/rundir"
)

// The one place this package meets the project's safetensors code.

var toST = map[DType]rundir.DType{
	Float64: rundir.F64, Float32: rundir.F32, Float16: rundir.F16, BFloat16: rundir.BF16,
	Int64: rundir.I64, Int32: rundir.I32, Int16: rundir.I16, Int8: rundir.I8, Uint8: rundir.U8, Bool: rundir.BOOL,
}

// SafetensorsTensors returns ts as safetensors tensors, sharing their bytes,
// sorted for alignment (larger elements first, the given order kept among
// equal sizes).
func SafetensorsTensors(ts []Tensor) []rundir.Tensor {
	out := make([]rundir.Tensor, len(ts))
	for i, t := range ts {
		out[i] = rundir.Tensor{Name: t.Name, DType: toST[t.DType], Shape: append([]int{}, t.Shape...), Data: t.Data}
	}
	rundir.SortForAlignment(out)
	return out
}

// FromSafetensors returns safetensors tensors as tensors of this package,
// sharing their bytes. Unsigned types wider than 8 bits have no torch
// storage and are an error.
func FromSafetensors(ts []rundir.Tensor) ([]Tensor, error) {
	out := make([]Tensor, len(ts))
	for i, t := range ts {
		var dt DType
		for k, v := range toST {
			if v == t.DType {
				dt = k
			}
		}
		if dt == "" {
			return nil, fmt.Errorf("tensor %q: dtype %s has no PyTorch storage", t.Name, t.DType)
		}
		out[i] = Tensor{Name: t.Name, DType: dt, Shape: append([]int{}, t.Shape...), Data: t.Data}
	}
	return out, nil
}

// EncodeSafetensors writes ts to w as a safetensors file (header metadata
// {"format": "pt"}, as Hugging Face's converter writes).
func EncodeSafetensors(w io.Writer, ts []Tensor) error {
	return rundir.Encode(w, SafetensorsTensors(ts), map[string]string{"format": "pt"})
}

// LoadAsSafetensors reads the state_dict of a torch.save file as an
// in-memory safetensors file, so that code taking a safetensors file by
// name (a model's initial weights) takes a .pt or .pth file too. Tensors are
// in alignment order (see SafetensorsTensors); Metadata is nil.
func LoadAsSafetensors(path string) (*rundir.File, error) {
	ts, err := LoadStateDict(path)
	if err != nil {
		return nil, err
	}
	return &rundir.File{Tensors: SafetensorsTensors(ts)}, nil
}

// ConvertToSafetensors reads the state_dict of a torch.save file and writes
// it to out as safetensors, bit for bit.
func ConvertToSafetensors(in, out string) error {
	ts, err := LoadStateDict(in)
	if err != nil {
		return err
	}
	return rundir.Write(out, SafetensorsTensors(ts), map[string]string{"format": "pt"})
}

// ConvertToStateDict reads a safetensors file and writes its tensors, in
// file order, as a state_dict .pt that torch.load(weights_only=True) reads.
func ConvertToStateDict(in, out string) error {
	f, err := rundir.Read(in)
	if err != nil {
		return err
	}
	ts, err := FromSafetensors(f.Tensors)
	if err != nil {
		return fmt.Errorf("torchfile: %s: %w", in, err)
	}
	return WriteStateDict(out, ts)
}
