package landscape

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/adafisher-go/landscape/data"
)

// ProbeSettings are the probes to run and their parameters (PyHessian's
// names and defaults: maxIter 100 and tol 1e-3 for the eigenvalues and the
// trace, 100 Lanczos steps and one run, 10000 bins, sigma^2 1e-5 and
// overhead 0.01 for the density).
type ProbeSettings struct {
	Probes       []string `json:"probes"` // eigen, trace, density
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
	Seed         uint64   `json:"seed"` // of the random vectors and the sample subset
	Chunk        int      `json:"chunk"`
}

// ProbeResult is the probes of a run's curvature at each checkpoint asked
// for (the file hessian.json).
type ProbeResult struct {
	Run     string `json:"run"`
	Model   string `json:"model"`
	Dataset string `json:"dataset"`
	Split   string `json:"split"`
	Samples int    `json:"samples"`
	Mode    string `json:"mode"` // "eval" (running statistics) or "train"
	// Operator is the curvature matrix; absent means the Hessian (the only
	// one before operators could be chosen).
	Operator   Kind            `json:"operator,omitempty"`
	Layer      string          `json:"layer,omitempty"`
	Params     []string        `json:"params"`
	Dimension  int             `json:"dimension"`
	Settings   ProbeSettings   `json:"settings"`
	FiniteDiff []string        `json:"finite_difference_layers,omitempty"`
	Snapshots  []ProbeSnapshot `json:"snapshots"`
}

// ProbeSnapshot is the probes at one checkpoint: the top eigenvalues (and,
// when asked, eigenvectors), the Hutchinson trace estimate with its
// samples, and the spectral density on its grid with the Lanczos nodes and
// weights it came from.
type ProbeSnapshot struct {
	Step            int           `json:"step"`
	Weights         string        `json:"weights"`
	Loss            float64       `json:"loss"`
	TopEigenvalues  Floats        `json:"top_eigenvalues,omitempty"`
	EigenIterations []int         `json:"eigen_iterations,omitempty"`
	TopEigenvectors FloatGrid     `json:"top_eigenvectors,omitempty"`
	Trace           *float64      `json:"trace,omitempty"`
	TraceSamples    Floats        `json:"trace_samples,omitempty"`
	Density         *ProbeDensity `json:"density,omitempty"`
	// Products counts the operator's products (with any operator, under
	// the name the Hessian gave it).
	Products int     `json:"hessian_vector_products"`
	TimeS    float64 `json:"time_s"`
}

// ProbeDensity is a spectral density on its grid.
type ProbeDensity struct {
	Grid    Floats    `json:"grid"`
	Values  Floats    `json:"values"`
	Nodes   FloatGrid `json:"nodes"`
	Weights FloatGrid `json:"weights"`
}

// ProbeConfig is a probe run: which curvature of which weights on which
// data.
type ProbeConfig struct {
	Settings    ProbeSettings
	Checkpoints []Checkpoint // the weights to probe, in order
	Data        *data.Dataset
	// Samples takes a random subset of this many samples of Data, drawn
	// with Settings.Seed (0: all).
	Samples int
	Kind    Kind   // the curvature matrix (default Hessian)
	Layer   string // one layer's or parameter's block (empty: the whole model)
	Train   bool   // BatchNorm on batch statistics
	Vectors bool   // keep the eigenvectors
	// Progress receives each checkpoint's probes as they finish (nil:
	// none).
	Progress func(ProbeSnapshot)
}

// Probe runs the probes at every checkpoint. The random vectors are the
// same for every checkpoint (streams of Settings.Seed), so that they
// compare.
func Probe(c ProbeConfig) (*ProbeResult, error) {
	st := c.Settings
	want := map[string]bool{}
	for _, p := range st.Probes {
		switch p {
		case "eigen", "trace", "density":
			want[p] = true
		default:
			return nil, fmt.Errorf("landscape: unknown probe %q, want eigen, trace or density", p)
		}
	}
	if len(want) == 0 || c.Data == nil || c.Samples < 0 {
		return nil, errors.New("landscape: probes need at least one of eigen, trace, density, a dataset and a sample count >= 0")
	}
	d := c.Data
	if c.Samples > 0 && c.Samples < d.Len() {
		d = d.Subset(data.Permutation(d.Len(), st.Seed, 0)[:c.Samples])
	}
	res := &ProbeResult{Samples: d.Len(), Mode: "eval", Layer: c.Layer, Settings: st}
	if c.Train {
		res.Mode = "train"
	}
	if c.Kind != "" && c.Kind != Hessian {
		res.Operator = c.Kind
	}
	for _, cp := range c.Checkpoints {
		start := time.Now()
		m, err := cp.Load()
		if err != nil {
			return nil, err
		}
		h, err := NewCurvature(m, d, CurvatureOptions{Kind: c.Kind, Layer: c.Layer, Train: c.Train, Chunk: st.Chunk, Seed: st.Seed})
		if err != nil {
			return nil, err
		}
		res.Params, res.Dimension, res.FiniteDiff = h.Params(), h.Dim(), h.FiniteDifferences()
		snap := ProbeSnapshot{Step: cp.Step, Weights: cp.File}
		rng := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(st.Seed, 0x4e55_1a40+stream)) }
		if snap.Loss, err = h.Loss(); err != nil {
			return nil, err
		}
		if want["eigen"] {
			e, err := TopEigen(h, min(st.TopK, h.Dim()), st.MaxIter, st.Tol, rng(1))
			if err != nil {
				return nil, err
			}
			snap.TopEigenvalues, snap.EigenIterations = e.Values, e.Iterations
			if c.Vectors {
				snap.TopEigenvectors = e.Vectors
			}
		}
		if want["trace"] {
			s, err := Trace(h, st.TraceMaxIter, st.TraceTol, rng(2))
			if err != nil {
				return nil, err
			}
			tr := Mean(s)
			snap.Trace, snap.TraceSamples = &tr, s
		}
		if want["density"] {
			q, err := Density(h, st.DensityIter, st.DensityRuns, rng(3))
			if err != nil {
				return nil, err
			}
			g, v, err := DensityGrid(q, st.Bins, st.SigmaSquared, st.Overhead)
			if err != nil {
				return nil, err
			}
			snap.Density = &ProbeDensity{Grid: g, Values: v, Nodes: q.Nodes, Weights: q.Weights}
		}
		snap.Products = h.Products()
		snap.TimeS = time.Since(start).Seconds()
		res.Snapshots = append(res.Snapshots, snap)
		if c.Progress != nil {
			c.Progress(snap)
		}
	}
	return res, nil
}
