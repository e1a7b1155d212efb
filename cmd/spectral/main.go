// Command spectral analyses Kronecker factors and other square matrices:
// Gersgorin discs, all eigenvalues, the off-diagonal perturbation test with
// Kaiser counts, 2-D FFT images, SNR and the diagonal's share of the energy,
// in the official notebooks' reference mode and a corrected mode, with an
// HTML report of the paper's figures.
//
//	spectral analyze RUN [RUN ...] [--layers fc1,fc2] [--steps 0,100]
//	spectral analyze --matrix FILE.npy [--matrix FILE.safetensors ...] --out DIR
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/adafisher-go/landscape/internal/cli"
)

func main() {
	os.Exit(runCLI(os.Args[1:], os.Stdout, os.Stderr))
}

func runCLI(args []string, stdout, stderr io.Writer) int {
	usage := func() {
		fmt.Fprintln(stderr, "usage: spectral analyze RUN [RUN ...] | --matrix FILE [--matrix FILE ...] [flags]\n\nRun \"spectral analyze --help\" for the flags.")
	}
	if len(args) == 0 {
		usage()
		return 2
	}
	switch args[0] {
	case "-h", "--help", "help":
		usage()
		return 0
	case "version", "--version":
		fmt.Fprintln(stdout, "spectral", version())
		return 0
	case "analyze":
	default:
		fmt.Fprintf(stderr, "spectral: unknown command %q\n", args[0])
		usage()
		return 2
	}
	err := analyze(args[1:], stdout, stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case cli.IsUsage(err):
		fmt.Fprintf(stderr, "spectral analyze: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "spectral analyze: %v\n", err)
	return 1
}

func version() string { return cli.Version() }
