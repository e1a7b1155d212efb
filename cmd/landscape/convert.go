package main

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/adafisher-go/landscape/torchfile"
)

// cmdConvert converts weights between PyTorch's torch.save format and
// safetensors, by the output file's extension.
func cmdConvert(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: landscape convert IN.pt OUT.safetensors
       landscape convert IN.safetensors OUT.pt

Converts a PyTorch checkpoint (torch.save, zip or legacy format; a bare state_dict or one wrapped as
{"state_dict": ...}, {"model": ...}, {"net": ...}, names with a DataParallel "module." prefix) into
safetensors, bit for bit, without running any of its pickle code; or a safetensors file into a
state_dict .pt that torch.load(path, weights_only=True) reads. The output's extension says which.`)
		printFlags(fs, stderr)
	}
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 2 {
		return usagef("give the input and the output file: landscape convert IN OUT")
	}
	in, out := files[0], files[1]
	switch ext := strings.ToLower(filepath.Ext(out)); ext {
	case ".safetensors":
		err = torchfile.ConvertToSafetensors(in, out)
	case ".pt", ".pth":
		err = torchfile.ConvertToStateDict(in, out)
	default:
		return usagef("output %s: want a .safetensors, .pt or .pth file name", out)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", out)
	return nil
}
