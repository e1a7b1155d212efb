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
	"sync"
	"syscall"
	"time"

	"github.com/adafisher-go/landscape/internal/cli"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/spectral"
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
	if len(runs) == 0 && len(matrices) == 0 {
		return cli.Usagef("give run directories or --matrix files")
	}
	if len(runs) > 0 && len(matrices) > 0 {
		return cli.Usagef("give either run directories or --matrix files, not both")
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
			return cli.Usagef("--out is required with several runs or with --matrix")
		}
		*out = filepath.Join(runs[0], "spectral")
	}
	if _, err := report.LoadJS(""); err != nil {
		return err
	}
	var inputs []spectral.Input
	if len(runs) > 0 {
		for _, r := range runs {
			in, err := runInputs(r, split(*layers), split(*steps), *factor)
			if err != nil {
				return err
			}
			inputs = append(inputs, in...)
		}
	} else {
		if *layers != "" || *steps != "" {
			return cli.Usagef("--layers and --steps select factors of runs, not of --matrix files")
		}
		if inputs, err = fileInputs(matrices); err != nil {
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
	start := time.Now()
	bar := newProgress(stderr, largest(inputs))
	results, err := spectral.AnalyzeBatch(ctx, inputs, opts, bar.update)
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
	if err := writeReport(*out, o, results, report.Options{PNG: *png, Command: o.Command, Version: o.Version}); err != nil {
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

func largest(in []spectral.Input) int {
	n := 0
	for _, i := range in {
		r, _ := i.Matrix.Dims()
		n = max(n, r)
	}
	return n
}

// progress shows matrices done and time on a terminal; elsewhere one line
// when a batch with large matrices takes a while.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	tty     bool
	start   time.Time
	largest int
	printed bool
}

func newProgress(w io.Writer, largest int) *progress {
	p := &progress{w: w, start: time.Now(), largest: largest}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	el := time.Since(p.start).Round(time.Second)
	if p.tty {
		fmt.Fprintf(p.w, "\r%d/%d matrices (largest %dx%d)  %s elapsed   ", done, total, p.largest, p.largest, el)
		p.printed = true
	} else if done == total && time.Since(p.start) > 10*time.Second {
		fmt.Fprintf(p.w, "%d matrices (largest %dx%d) in %s\n", total, p.largest, p.largest, el)
	}
}

func (p *progress) done() {
	if p.printed {
		fmt.Fprintln(p.w)
	}
}
