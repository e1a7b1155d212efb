package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/adafisher-go/landscape/data"
	"github.com/adafisher-go/landscape/landscape"
	"github.com/adafisher-go/landscape/report"
	"github.com/adafisher-go/landscape/rundir"
	"github.com/adafisher-go/landscape/train"
)

// hessianFile is what `landscape hessian` writes: the settings, and per
// weights snapshot the top eigenvalues (and, when asked, eigenvectors), the
// Hutchinson trace estimate with its samples, and the spectral density on
// its grid with the Lanczos nodes and weights it came from.
type hessianFile struct {
	Run        string          `json:"run"`
	Model      string          `json:"model"`
	Dataset    string          `json:"dataset"`
	Split      string          `json:"split"`
	Samples    int             `json:"samples"`
	Mode       string          `json:"mode"` // "eval" (running statistics) or "train"
	Layer      string          `json:"layer,omitempty"`
	Params     []string        `json:"params"`
	Dimension  int             `json:"dimension"`
	Settings   hessianSettings `json:"settings"`
	FiniteDiff []string        `json:"finite_difference_layers,omitempty"`
	Snapshots  []hessianSnap   `json:"snapshots"`
}

type hessianSettings struct {
	Probes       []string `json:"probes"`
	TopK         int      `json:"top_k"`
	MaxIter      int      `json:"max_iter"`
	Tol          float64  `json:"tol"`
	TraceMaxIter int      `json:"trace_max_iter"`
	TraceTol     float64  `json:"trace_tol"`
	DensityIter  int      `json:"density_iter"`
	DensityRuns  int      `json:"density_runs"`
	Bins         int      `json:"bins"`
	SigmaSquared float64  `json:"sigma_squared"`
	Overhead     float64  `json:"overhead"`
	Seed         uint64   `json:"seed"`
	Chunk        int      `json:"chunk"`
}

type hessianSnap struct {
	Step            int             `json:"step"`
	Weights         string          `json:"weights"`
	Loss            float64         `json:"loss"`
	TopEigenvalues  floats          `json:"top_eigenvalues,omitempty"`
	EigenIterations []int           `json:"eigen_iterations,omitempty"`
	TopEigenvectors grid            `json:"top_eigenvectors,omitempty"`
	Trace           *float64        `json:"trace,omitempty"`
	TraceSamples    floats          `json:"trace_samples,omitempty"`
	Density         *hessianDensity `json:"density,omitempty"`
	Products        int             `json:"hessian_vector_products"`
	TimeS           float64         `json:"time_s"`
}

type hessianDensity struct {
	Grid    floats `json:"grid"`
	Values  floats `json:"values"`
	Nodes   grid   `json:"nodes"`
	Weights grid   `json:"weights"`
}

func cmdHessian(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("landscape hessian", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var st hessianSettings
	var steps, probes, split, layer, out string
	var samples int
	var seed int64
	var trainMode, vectors bool
	fs.StringVar(&steps, "step", "final", "the weights to probe: final (final.safetensors), a step N (weights/step-N), several N,M,..., or all (every snapshot, then final)")
	fs.StringVar(&probes, "probes", "eigen,trace,density", "which probes to run: eigen, trace, density")
	fs.StringVar(&layer, "layer", "", "the Hessian of one layer's parameters (fc1) or of one parameter (fc1.weight) instead of the whole model")
	fs.StringVar(&split, "split", "train", "the data the loss is over: train or test")
	fs.IntVar(&samples, "samples", 0, "use this many samples of the split, a seeded random subset (0: all)")
	fs.BoolVar(&trainMode, "train-mode", false, "BatchNorm on batch statistics (each chunk a batch) instead of its running statistics (PyHessian uses evaluation mode)")
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
	fs.Int64Var(&seed, "seed", -1, "seed of the random vectors and of --samples (default: the run's seed)")
	noHTML := fs.Bool("no-html", false, "write the JSON only, not the HTML page beside it")
	png := fs.Bool("png", false, "also write the page's figures as PNG")
	fs.StringVar(&out, "out", "", "the JSON file to write (default RUN/hessian.json, or RUN/hessian-LAYER.json with --layer)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: landscape hessian RUN [flags]\n\nProbes the Hessian of a run's loss at its final weights or weight snapshots, as PyHessian does:\nthe top eigenvalues by power iteration, the trace by Hutchinson's estimator and the eigenvalue\nspectral density by stochastic Lanczos quadrature, from exact Hessian-vector products.\nWrites hessian.json into the run directory.\n\nflags:")
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
	want := map[string]bool{}
	for _, p := range strings.Split(probes, ",") {
		switch p = strings.TrimSpace(p); p {
		case "eigen", "trace", "density":
			want[p] = true
			st.Probes = append(st.Probes, p)
		case "":
		default:
			return usagef("--probes %q: unknown probe %q, want eigen, trace or density", probes, p)
		}
	}
	switch {
	case len(want) == 0:
		return usagef("--probes %q: name at least one of eigen, trace, density", probes)
	case split != "train" && split != "test":
		return usagef("--split %q, want train or test", split)
	case samples < 0 || st.Chunk < 1:
		return usagef("--samples %d, --chunk %d: want a count >= 0 and a positive chunk", samples, st.Chunk)
	case st.TopK < 1 || st.MaxIter < 1 || st.TraceMaxIter < 1 || st.DensityIter < 1 || st.DensityRuns < 1:
		return usagef("--top-k, --max-iter, --trace-iter, --density-iter and --density-runs must be at least 1")
	case st.Bins < 2 || !(st.SigmaSquared > 0) || st.Overhead < 0 || st.Tol < 0 || st.TraceTol < 0:
		return usagef("--bins must be at least 2, --sigma-sq positive, --overhead, --tol and --trace-tol not negative")
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
	if samples > 0 && samples < d.Len() {
		d = d.Subset(data.Permutation(d.Len(), st.Seed, 0)[:samples])
	}
	list, err := hessianSteps(saved.Dir, steps)
	if err != nil {
		return err
	}
	res := hessianFile{Run: dir, Model: saved.Info.Model, Dataset: saved.Info.Config.Dataset, Split: split, Samples: d.Len(),
		Mode: "eval", Layer: layer, Settings: st}
	if trainMode {
		res.Mode = "train"
	}
	for _, step := range list {
		start := time.Now()
		m, err := saved.Load(step)
		if err != nil {
			return err
		}
		h, err := landscape.NewHessian(m, d, landscape.HessianOptions{Layer: layer, Train: trainMode, Chunk: st.Chunk})
		if err != nil {
			return err
		}
		res.Params, res.Dimension, res.FiniteDiff = h.Params(), h.Dim(), h.FiniteDifferences()
		snap := hessianSnap{Step: step, Weights: "final.safetensors"}
		if step >= 0 {
			snap.Weights = filepath.ToSlash(filepath.Join(rundir.WeightsDir, filepath.Base(saved.Dir.WeightsPath(step))))
		} else {
			snap.Step = finalStep(saved.Dir)
		}
		// The same random vectors for every snapshot, so that they compare.
		rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(st.Seed, 0x4e55_1a40+stream)) }
		zero := make([]float64, h.Dim())
		if snap.Loss, err = h.Apply(zero, make([]float64, h.Dim())); err != nil {
			return err
		}
		var line []string
		if want["eigen"] {
			k := min(st.TopK, h.Dim())
			e, err := h.TopEigen(k, st.MaxIter, st.Tol, rng(1))
			if err != nil {
				return err
			}
			snap.TopEigenvalues, snap.EigenIterations = e.Values, e.Iterations
			if vectors {
				snap.TopEigenvectors = e.Vectors
			}
			line = append(line, fmt.Sprintf("top eigenvalues %s", fmtFloats(e.Values)))
		}
		if want["trace"] {
			s, err := h.Trace(st.TraceMaxIter, st.TraceTol, rng(2))
			if err != nil {
				return err
			}
			tr := landscape.Mean(s)
			snap.Trace, snap.TraceSamples = &tr, s
			line = append(line, fmt.Sprintf("trace %.6g (%d samples)", tr, len(s)))
		}
		if want["density"] {
			q, err := h.Density(st.DensityIter, st.DensityRuns, rng(3))
			if err != nil {
				return err
			}
			g, v, err := landscape.DensityGrid(q, st.Bins, st.SigmaSquared, st.Overhead)
			if err != nil {
				return err
			}
			snap.Density = &hessianDensity{Grid: g, Values: v, Nodes: q.Nodes, Weights: q.Weights}
			line = append(line, fmt.Sprintf("density over [%.4g, %.4g]", g[0], g[len(g)-1]))
		}
		snap.Products = h.Products()
		snap.TimeS = time.Since(start).Seconds()
		res.Snapshots = append(res.Snapshots, snap)
		fmt.Fprintf(stdout, "step %d: loss %.6g; %s; %d Hessian-vector products in %.2fs\n", snap.Step, snap.Loss, strings.Join(line, ", "), snap.Products, snap.TimeS)
	}
	path := out
	if path == "" {
		name := "hessian.json"
		if layer != "" {
			name = "hessian-" + strings.ReplaceAll(layer, "/", "_") + ".json"
		}
		path = filepath.Join(dir, name)
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
		if err := hessianReport(page, &res, report.Options{PNG: *png, Command: append([]string{"landscape", "hessian"}, args...), Version: version()}); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "wrote", page)
	}
	return nil
}

// hessianSteps turns --step into snapshot steps; -1 is final.safetensors.
func hessianSteps(dir rundir.Dir, spec string) ([]int, error) {
	have, err := dir.WeightSteps()
	if err != nil {
		return nil, err
	}
	switch spec {
	case "final", "":
		return []int{-1}, nil
	case "all":
		out := append([]int(nil), have...)
		if n := len(have); n == 0 || have[n-1] != finalStep(dir) {
			out = append(out, -1) // the final weights, unless the last snapshot holds them
		}
		return out, nil
	}
	var out []int
	for _, f := range strings.Split(spec, ",") {
		f = strings.TrimSpace(f)
		if f == "final" {
			out = append(out, -1)
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 0 {
			return nil, usagef("--step %q: want final, all, or steps N separated by commas", spec)
		}
		found := false
		for _, s := range have {
			found = found || s == n
		}
		if !found {
			return nil, fmt.Errorf("%s has no weights/step-%06d.safetensors (snapshots: %v; train with --snapshot-every)", dir.Path, n, have)
		}
		out = append(out, n)
	}
	return out, nil
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
