package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/spectral"
	"github.com/adafisher-go/landscape/torchfile"
)

// output is spectral.json.
type output struct {
	Command  []string          `json:"command"`
	Version  string            `json:"version"`
	Modes    []string          `json:"modes"`
	Sigma    float64           `json:"sigma"`
	Seed     uint64            `json:"seed"`
	Factor   string            `json:"factor,omitempty"`
	Matrices []spectral.Result `json:"matrices"`
	Seconds  float64           `json:"seconds"`
}

func analyze(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("spectral analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var matrices cli.Repeated
	fs.Var(&matrices, "matrix", "a .npy, .npz or .safetensors file whose every tensor is a square matrix to analyse (repeatable)")
	dumps := fs.String("torch-dumps", "", "a directory of the official AdaFisher analysis code's factor dumps (H_bar_resnet/H_bar_{step}.pkl, S_resnet/S_{step}.pkl), read without running their pickle code")
	pairing := fs.String("pairing", "layer", "--torch-dumps: layer (A and G of the same module) or reference (the notebooks' layer_index: the i-th H with the i-th S, which are different layers)")
	layers := fs.String("layers", "", "runs: comma-separated layer names (default: every layer with factors)")
	steps := fs.String("steps", "", "runs: comma-separated factor snapshot steps (default: all)")
	factor := fs.String("factor", "full", "runs: which factor matrices: full (the analysis code's averages, as the paper's figures), batch (the snapshot step's raw a^T a / N and g^T g / N) or both")
	sigma := fs.Float64("sigma", spectral.DefaultSigma, "standard deviation of the off-diagonal noise of the perturbation test")
	seed := fs.Uint64("seed", 0, "seed of the noise")
	modeFlag := fs.String("mode", "both", "reference (the official notebooks, quirks included), corrected, or both side by side")
	out := fs.String("out", "", "directory for spectral.json and index.html (default RUN/spectral for one run)")
	png := fs.Bool("png", false, "also write every figure as a PNG")
	workers := fs.Int("workers", 0, "matrices analysed at once (0: all cores)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: spectral analyze RUN [RUN ...] [flags]
       spectral analyze --matrix FILE [--matrix FILE ...] --out DIR [flags]
       spectral analyze --torch-dumps DIR [--pairing layer|reference] [--steps ...] --out OUT [flags]

For every matrix: Gersgorin discs and all eigenvalues (general solver), the fraction of eigenvalues
inside the discs and of diagonally dominant rows, the perturbation test (N(0, sigma) noise on the
off-diagonal entries, eigenvalues before and after, Kaiser counts above 1 and above the mean), the
centred 2-D FFT magnitude, the SNR of the diagonal against the off-diagonal part, and the diagonal's
share of the squared Frobenius norm. Writes spectral.json and index.html with the paper's figures.

flags:`)
		cli.PrintFlags(fs, stderr)
	}
	runs, err := cli.ParseInterleaved(fs, args)
	if err != nil {
		return err
	}
	sources := 0
	for _, given := range []bool{len(runs) > 0, len(matrices) > 0, *dumps != ""} {
		if given {
			sources++
		}
	}
	if sources == 0 {
		return cli.Usagef("give run directories, --matrix files or --torch-dumps DIR")
	}
	if sources > 1 {
		return cli.Usagef("give one of run directories, --matrix files and --torch-dumps, not several")
	}
	pair := torchfile.Pairing(*pairing)
	if pair != torchfile.PairLayer && pair != torchfile.PairReference {
		return cli.Usagef("--pairing %q, want layer or reference", *pairing)
	}
	if _, ok := factorSuffixes[*factor]; !ok && *factor != "both" {
		return cli.Usagef("--factor %q, want full, batch or both", *factor)
	}
	modes, err := spectral.ParseModes(*modeFlag)
	if err != nil {
		return cli.Usagef("--mode: %v", err)
	}
	if !(*sigma >= 0) {
		return cli.Usagef("--sigma %g, want a non-negative standard deviation", *sigma)
	}
	if *out == "" {
		if len(runs) != 1 {
			return cli.Usagef("--out is required with several runs, --matrix or --torch-dumps")
		}
		*out = filepath.Join(runs[0], "spectral")
	}
	if _, err := report.LoadJS(""); err != nil {
		return err
	}
	var inputs []spectral.Input
	var sizes []int
	if len(runs) > 0 {
		for _, r := range runs {
			in, n, err := runInputs(r, split(*layers), split(*steps), *factor)
			if err != nil {
				return err
			}
			inputs, sizes = append(inputs, in...), append(sizes, n...)
		}
	} else if *dumps != "" {
		if *layers != "" {
			return cli.Usagef("--layers selects layers of runs; the dumps' layers are all analysed")
		}
		if inputs, sizes, err = dumpInputs(*dumps, split(*steps), pair); err != nil {
			return err
		}
	} else {
		if *layers != "" || *steps != "" {
			return cli.Usagef("--layers and --steps select factors of runs, not of --matrix files")
		}
		if inputs, sizes, err = fileInputs(matrices); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	opts := spectral.DefaultOptions()
	opts.Modes, opts.Sigma, opts.Seed, opts.Images, opts.Workers = modes, *sigma, *seed, true, *workers
	if *png {
		// Full resolution: the page shows block means, the PNGs every cell.
		opts.MaxImageSide = 0
	}
	ro := report.Options{PNG: *png, Command: append([]string{"spectral", "analyze"}, args...), Version: version()}
	start := time.Now()
	bar := newProgress(stderr, sizes)
	// Each result's images go into its pages as soon as it is ready; only
	// the numbers are kept, so memory holds the matrices being analysed.
	results := make([]spectral.Result, len(inputs))
	pages := make([][]report.Link, len(inputs))
	err = spectral.AnalyzeEach(ctx, inputs, opts, func(i int, r spectral.Result) error {
		links, err := writeMatrixPages(*out, i, r, ro)
		if err != nil {
			return err
		}
		pages[i] = links
		r.MatrixImage = spectral.Image{}
		for k := range r.Modes {
			r.Modes[k].Spectrum, r.Modes[k].PerturbedSpectrum = spectral.Image{}, spectral.Image{}
		}
		results[i] = r
		bar.add(i)
		return nil
	}, nil)
	bar.done()
	if err != nil {
		return err
	}
	o := output{Command: append([]string{"spectral", "analyze"}, args...), Version: version(), Sigma: *sigma, Seed: *seed, Matrices: results, Seconds: time.Since(start).Seconds()}
	if len(runs) > 0 {
		o.Factor = *factor
	}
	for _, m := range modes {
		o.Modes = append(o.Modes, string(m))
	}
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	if err := rundir.WriteBytesAtomic(filepath.Join(*out, "spectral.json"), b); err != nil {
		return err
	}
	if err := writeReport(*out, o, results, pages, ro); err != nil {
		return err
	}
	if len(runs) == 1 {
		idx := filepath.Join(runs[0], "report")
		if _, err := os.Stat(filepath.Join(idx, report.IndexDataFile)); err == nil {
			rel, _ := filepath.Rel(idx, filepath.Join(*out, "index.html"))
			if err := report.UpdateIndex(idx, report.Options{}, report.Link{Href: rel, Text: "Kronecker-factor analysis (spectral)"}); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(stdout, "%s: %d matrices analysed in %.1fs; spectral.json and index.html written\n", *out, len(results), o.Seconds)
	return nil
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
