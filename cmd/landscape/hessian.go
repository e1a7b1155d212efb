package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/adafisher-go/landscape/experiment"
	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// operatorNames are the curvature matrices --operator takes.
var operatorNames = map[string]string{
	"hessian":   "Hessian",
	"ggn":       "GGN",
	"fisher":    "empirical-Fisher",
	"fisher-mc": "Monte-Carlo-Fisher",
}

func cmdHessian(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("landscape hessian", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var st landscape.ProbeSettings
	var steps, probes, split, layer, out, operator string
	var samples int
	var seed int64
	var trainMode, vectors bool
	fs.StringVar(&operator, "operator", "hessian", "the curvature matrix: hessian, ggn (generalised Gauss-Newton, which for the cross-entropy is the true Fisher), fisher (the empirical Fisher, gradients at the data's labels) or fisher-mc (the Fisher at labels drawn from the model, once, with --seed)")
	fs.StringVar(&steps, "step", "final", "the weights to probe: final (final.safetensors), a step N (weights/step-N), several N,M,..., or all (every snapshot, then final)")
	fs.StringVar(&probes, "probes", "eigen,trace,density", "which probes to run: eigen, trace, density")
	fs.StringVar(&layer, "layer", "", "the block of one layer's parameters (fc1) or of one parameter (fc1.weight) instead of the whole model")
	fs.StringVar(&split, "split", "train", "the data the loss is over: train or test")
	fs.IntVar(&samples, "samples", 0, "use this many samples of the split, a seeded random subset (0: all)")
	fs.BoolVar(&trainMode, "train-mode", false, "BatchNorm on batch statistics (each chunk a batch) instead of its running statistics (PyHessian uses evaluation mode; not with a Fisher)")
	fs.IntVar(&st.Chunk, "chunk", 1024, "samples per forward pass")
	fs.IntVar(&st.TopK, "top-k", 1, "eigen: how many of the largest-magnitude eigenvalues")
	fs.IntVar(&st.MaxIter, "max-iter", 100, "eigen: power iterations at most, per eigenvalue (PyHessian's maxIter)")
	fs.Float64Var(&st.Tol, "tol", 1e-3, "eigen: stop when the estimate changes by less than this, relatively (PyHessian's tol)")
	fs.BoolVar(&vectors, "eigenvectors", false, "eigen: also write the eigenvectors (one value per parameter each)")
	fs.IntVar(&st.TraceMaxIter, "trace-iter", 100, "trace: Hutchinson samples at most")
	fs.Float64Var(&st.TraceTol, "trace-tol", 1e-3, "trace: stop when the running mean changes by less than this, relatively")
	fs.IntVar(&st.DensityIter, "density-iter", 100, "density: Lanczos steps per run (capped at the number of parameters)")
	fs.IntVar(&st.DensityRuns, "density-runs", 1, "density: independent Lanczos runs, averaged")
	fs.IntVar(&st.Bins, "bins", 10000, "density: grid points")
	fs.Float64Var(&st.SigmaSquared, "sigma-sq", 1e-5, "density: variance of each node's Gaussian, times max(1, grid width)")
	fs.Float64Var(&st.Overhead, "overhead", 0.01, "density: margin of the grid beyond the extreme nodes")
	fs.Int64Var(&seed, "seed", -1, "seed of the random vectors, of --samples and of fisher-mc's labels (default: the run's seed)")
	noHTML := fs.Bool("no-html", false, "write the JSON only, not the HTML page beside it")
	png := fs.Bool("png", false, "also write the page's figures as PNG")
	fs.StringVar(&out, "out", "", "the JSON file to write (default RUN/hessian.json, RUN/hessian-LAYER.json with --layer, RUN/OPERATOR.json with another --operator)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: landscape hessian RUN [flags]\n\nProbes the curvature of a run's loss (the Hessian, or with --operator the Gauss-Newton matrix or a\nFisher) at its final weights or weight snapshots, as PyHessian does: the top eigenvalues by power\niteration, the trace by Hutchinson's estimator and the eigenvalue spectral density by stochastic\nLanczos quadrature, from exact matrix-vector products. Writes hessian.json into the run directory.\n\nflags:")
		printFlags(fs, stderr)
	}
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want one run directory, got %d arguments", len(pos))
	}
	dir := pos[0]
	if !*noHTML {
		if _, err := report.LoadJS(""); err != nil {
			return err
		}
	}
	for _, p := range strings.Split(probes, ",") {
		switch p = strings.TrimSpace(p); p {
		case "eigen", "trace", "density":
			st.Probes = append(st.Probes, p)
		case "":
		default:
			return usagef("--probes %q: unknown probe %q, want eigen, trace or density", probes, p)
		}
	}
	switch {
	case operatorNames[operator] == "":
		return usagef("--operator %q, want hessian, ggn, fisher or fisher-mc", operator)
	case len(st.Probes) == 0:
		return usagef("--probes %q: name at least one of eigen, trace, density", probes)
	case split != "train" && split != "test":
		return usagef("--split %q, want train or test", split)
	case samples < 0 || st.Chunk < 1:
		return usagef("--samples %d, --chunk %d: want a count >= 0 and a positive chunk", samples, st.Chunk)
	case st.TopK < 1 || st.MaxIter < 1 || st.TraceMaxIter < 1 || st.DensityIter < 1 || st.DensityRuns < 1:
		return usagef("--top-k, --max-iter, --trace-iter, --density-iter and --density-runs must be at least 1")
	case st.Bins < 2 || !(st.SigmaSquared > 0) || st.Overhead < 0 || st.Tol < 0 || st.TraceTol < 0:
		return usagef("--bins must be at least 2, --sigma-sq positive, --overhead, --tol and --trace-tol not negative")
	case trainMode && strings.HasPrefix(operator, "fisher"):
		return usagef("--train-mode with --operator %s: a Fisher's per-sample gradients need evaluation mode", operator)
	}
	saved, err := train.Open(dir)
	if err != nil {
		return err
	}
	st.Seed = saved.Info.Config.Seed
	if seed >= 0 {
		st.Seed = uint64(seed)
	}
	d := saved.Train
	if split == "test" {
		if saved.Test == nil {
			return fmt.Errorf("%s: the run has no test split", dir)
		}
		d = saved.Test
	}
	list, err := hessianSteps(saved, steps)
	if err != nil {
		return err
	}
	name := operatorNames[operator]
	res, err := landscape.Probe(landscape.ProbeConfig{Settings: st, Checkpoints: list, Data: d, Samples: samples,
		Kind: landscape.Kind(operator), Layer: layer, Train: trainMode, Vectors: vectors,
		Progress: func(s landscape.ProbeSnapshot) { fmt.Fprintln(stdout, probeLine(s, name)) }})
	if err != nil {
		return err
	}
	res.Run, res.Model, res.Dataset, res.Split = dir, saved.Info.Model, saved.Info.Config.Dataset, split
	path := out
	if path == "" {
		base := "hessian"
		if operator != "hessian" {
			base = operator
		}
		if layer != "" {
			base += "-" + strings.ReplaceAll(layer, "/", "_")
		}
		path = filepath.Join(dir, base+".json")
	}
	b, err := json.Marshal(res)
	if err != nil {
		return err
	}
	if err := rundir.WriteBytesAtomic(path, append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "wrote", path)
	if !*noHTML {
		page := strings.TrimSuffix(path, filepath.Ext(path)) + ".html"
		if err := experiment.WriteHessianPage(page, res, report.Options{PNG: *png, Command: append([]string{"landscape", "hessian"}, args...), Version: version()}); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "wrote", page)
	}
	return nil
}

// probeLine is the line printed for one checkpoint's probes.
func probeLine(s landscape.ProbeSnapshot, operator string) string {
	var parts []string
	if s.TopEigenvalues != nil {
		parts = append(parts, "top eigenvalues "+fmtFloats(s.TopEigenvalues))
	}
	if s.Trace != nil {
		parts = append(parts, fmt.Sprintf("trace %.6g (%d samples)", *s.Trace, len(s.TraceSamples)))
	}
	if g := s.Density; g != nil {
		parts = append(parts, fmt.Sprintf("density over [%.4g, %.4g]", g.Grid[0], g.Grid[len(g.Grid)-1]))
	}
	return fmt.Sprintf("step %d: loss %.6g; %s; %d %s-vector products in %.2fs", s.Step, s.Loss, strings.Join(parts, ", "), s.Products, operator, s.TimeS)
}

// hessianSteps turns --step into the checkpoints to probe.
func hessianSteps(s *train.Saved, spec string) ([]landscape.Checkpoint, error) {
	all, err := checkpoints(s)
	if err != nil {
		return nil, err
	}
	snaps, final := all[:len(all)-1], all[len(all)-1]
	switch spec {
	case "final", "":
		return []landscape.Checkpoint{final}, nil
	case "all":
		out := append([]landscape.Checkpoint(nil), snaps...)
		if n := len(snaps); n == 0 || snaps[n-1].Step != final.Step {
			out = append(out, final) // the final weights, unless the last snapshot holds them
		}
		return out, nil
	}
	var have []int
	var list []landscape.Checkpoint
	for _, c := range snaps {
		have = append(have, c.Step)
	}
	for _, f := range strings.Split(spec, ",") {
		f = strings.TrimSpace(f)
		if f == "final" {
			list = append(list, final)
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, usagef("--step %q: want final, all, or steps N separated by commas", spec)
		}
		c, err := landscape.Find(snaps, f)
		if err != nil {
			return nil, fmt.Errorf("%s has no weights/step-%06d.safetensors (snapshots: %v; train with --snapshot-every)", s.Dir.Path, n, have)
		}
		list = append(list, c)
	}
	return list, nil
}

// finalStep reads the step count from final.safetensors' metadata (-1 when
// absent).
func finalStep(dir rundir.Dir) int {
	f, err := rundir.Read(dir.FinalPath())
	if err != nil {
		return -1
	}
	n, err := strconv.Atoi(f.Metadata["step"])
	if err != nil {
		return -1
	}
	return n
}

func fmtFloats(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.FormatFloat(x, 'g', 6, 64)
	}
	return "[" + strings.Join(parts, " ") + "]"
}
