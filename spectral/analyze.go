package spectral

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/adafisher-go/landscape/gersgorin"
	"gonum.org/v1/gonum/mat"
)

// Analyze computes every measure of one matrix (see Result), running its
// eigen-solves and transforms in parallel on opts.Workers cores. The matrix
// must be square, non-empty and finite.
func Analyze(ctx context.Context, in Input, opts Options) (Result, error) {
	opts, err := opts.normalized()
	if err != nil {
		return Result{}, err
	}
	return newPool(opts.Workers).analyze(ctx, in, opts)
}

// AnalyzeBatch analyses every input (see Analyze) and returns the results
// in input order. It works on several matrices at once and on several parts
// of each, never more than opts.Workers computations together. progress,
// if not nil, is called with (0, total) first and then after each matrix
// with the number done; calls never overlap.
//
// The first failure stops the batch and is returned, naming the matrix. When
// ctx ends, no new computation starts, the ones running finish (an
// eigen-solve of a large matrix cannot be interrupted) and ctx's error is
// returned. On error the results are nil.
func AnalyzeBatch(ctx context.Context, inputs []Input, opts Options, progress func(done, total int)) ([]Result, error) {
	results := make([]Result, len(inputs))
	err := AnalyzeEach(ctx, inputs, opts, func(i int, r Result) error {
		results[i] = r
		return nil
	}, progress)
	if err != nil {
		return nil, err
	}
	return results, nil
}

// AnalyzeEach is AnalyzeBatch handing each result to each, with its input's
// index, as soon as it is ready, instead of keeping them all: a caller that
// writes out a result's images and keeps the rest holds no more than
// opts.Workers matrices and their images at once (with Input.Load). Calls of
// each and progress never overlap; each comes before the progress call that
// counts its matrix. An error from each stops the batch and is returned.
func AnalyzeEach(ctx context.Context, inputs []Input, opts Options, each func(i int, r Result) error, progress func(done, total int)) error {
	opts, err := opts.normalized()
	if err != nil {
		return err
	}
	seen := make(map[string]bool, len(inputs))
	for _, in := range inputs {
		if seen[in.Name] {
			return fmt.Errorf("spectral: two matrices named %q (names seed the noise and must differ)", in.Name)
		}
		seen[in.Name] = true
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p := newPool(opts.Workers)
	indices := make(chan int, len(inputs))
	for i := range inputs {
		indices <- i
	}
	close(indices)

	var mu sync.Mutex
	var firstErr error
	done := 0
	if progress != nil {
		progress(0, len(inputs))
	}
	var wg sync.WaitGroup
	for range min(opts.Workers, len(inputs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range indices {
				if ctx.Err() != nil {
					return
				}
				r, err := p.analyze(ctx, inputs[i], opts)
				mu.Lock()
				if err == nil && ctx.Err() == nil {
					if err = each(i, r); err != nil {
						err = fmt.Errorf("spectral: %s: %w", inputs[i].Name, err)
					}
				}
				if err != nil {
					if firstErr == nil && ctx.Err() == nil {
						firstErr = err
					}
					cancel()
				} else if ctx.Err() == nil {
					done++
					if progress != nil {
						progress(done, len(inputs))
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	switch {
	case firstErr != nil:
		return firstErr
	case done < len(inputs):
		return fmt.Errorf("spectral: stopped after %d of %d matrices: %w", done, len(inputs), context.Cause(ctx))
	}
	return nil
}

// analyze runs the computations of one matrix on the pool.
func (p *pool) analyze(ctx context.Context, in Input, opts Options) (Result, error) {
	fail := func(err error) (Result, error) {
		return Result{}, fmt.Errorf("spectral: %s: %w", in.Name, err)
	}
	a := in.Matrix
	if a == nil && in.Load != nil {
		var err error
		if a, err = in.Load(); err != nil {
			return fail(err)
		}
	}
	if err := checkMatrix(a); err != nil {
		return fail(err)
	}
	start := time.Now()
	n, _ := a.Dims()
	symmetric := isSymmetric(a)
	res := Result{Name: in.Name, Layer: in.Layer, Step: in.Step, Side: in.Side}
	res.Modes = make([]ModeResult, len(opts.Modes))
	clean := make([][]float64, len(opts.Modes))
	perturbed := make([][]float64, len(opts.Modes))
	var discs gersgorin.Discs
	var general gersgorin.Eigenvalues
	var cleanImages []Image

	// A symmetric matrix's general eigenvalues are its clean symmetric ones
	// (gersgorin.GeneralEigenvalues takes the same solver for it): one
	// solve serves both.
	var tasks []func() error
	if !symmetric {
		tasks = append(tasks, func() (err error) {
			general, err = gersgorin.GeneralEigenvalues(a)
			return err
		})
	}
	tasks = append(tasks,
		func() error {
			var err error
			if discs, err = gersgorin.NewDiscs(a); err != nil {
				return err
			}
			share, err := DiagonalShare(a)
			res.DiagonalShare = Float(share)
			if opts.Images {
				res.MatrixImage = MatrixImage(a).Downsample(opts.MaxImageSide, MeanPool)
				cleanImages = magnitudeImages(a, opts.MaxImageSide, opts.Modes)
			}
			return err
		})
	for k, mode := range opts.Modes {
		// A symmetric matrix is the same to both solvers: solve it once.
		if !symmetric || k == 0 {
			tasks = append(tasks, func() (err error) {
				clean[k], err = gersgorin.SymmetricEigenvalues(a, mode)
				return err
			})
		}
		tasks = append(tasks, func() (err error) {
			perturbed[k], err = perturbation(a, symmetric, mode, opts, in.Name, &res.Modes[k])
			return err
		})
	}
	if err := p.run(ctx, tasks...); err != nil {
		return fail(err)
	}

	if symmetric {
		general = make(gersgorin.Eigenvalues, len(clean[0]))
		for i, v := range clean[0] {
			general[i] = complex(v, 0)
		}
	}
	res.Analysis = gersgorin.NewAnalysis(discs, general)
	for k, mode := range opts.Modes {
		if clean[k] == nil {
			clean[k] = slices.Clone(clean[0])
		}
		pert, err := gersgorin.NewPerturbation(mode, opts.Sigma, clean[k], perturbed[k])
		if err != nil {
			return fail(err)
		}
		res.Modes[k].Perturbation = pert
		if opts.Images {
			res.Modes[k].Spectrum = cleanImages[k]
		}
	}
	if res.N != n {
		return fail(fmt.Errorf("internal error: %d eigenvalues for a %dx%d matrix", res.N, n, n))
	}
	res.Seconds = time.Since(start).Seconds()
	return res, nil
}

// perturbation perturbs a in mode, records the SNRs and the perturbed
// spectrum in out, and returns the perturbed eigenvalues.
func perturbation(a *mat.Dense, symmetric bool, mode Mode, opts Options, name string, out *ModeResult) ([]float64, error) {
	noisy, noise, err := gersgorin.Perturb(a, opts.Sigma, opts.noiseSource(name, mode), mode)
	if err != nil {
		return nil, err
	}
	if mode == Reference {
		snr, err := ReferenceSNR(a, noisy)
		if err != nil {
			return nil, err
		}
		out.SNR = Float(snr)
	} else {
		// Corrected mode measures the symmetric part it analyses.
		sym := a
		if !symmetric {
			s, err := gersgorin.Symmetrize(a, Corrected)
			if err != nil {
				return nil, err
			}
			sym = mat.DenseCopyOf(s)
		}
		clean, err := CorrectedSNR(sym, sym)
		if err != nil {
			return nil, err
		}
		ofNoise, err := CorrectedSNR(sym, noise)
		if err != nil {
			return nil, err
		}
		out.SNR = Float(clean)
		f := Float(ofNoise)
		out.NoiseSNR = &f
	}
	if opts.Images {
		out.PerturbedSpectrum = magnitudeImages(noisy, opts.MaxImageSide, []Mode{mode})[0]
	}
	return gersgorin.SymmetricEigenvalues(noisy, mode)
}

// checkMatrix accepts a square, non-empty matrix of finite entries.
func checkMatrix(a *mat.Dense) error {
	if a == nil || a.IsEmpty() {
		return fmt.Errorf("empty matrix")
	}
	r, c := a.Dims()
	if r != c {
		return fmt.Errorf("matrix is %dx%d, not square", r, c)
	}
	raw := a.RawMatrix()
	for i := range r {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("entry (%d, %d) is %v", i, j, v)
			}
		}
	}
	return nil
}

// isSymmetric reports whether a equals its transpose exactly.
func isSymmetric(a *mat.Dense) bool {
	raw := a.RawMatrix()
	for i := range raw.Rows {
		for j := i + 1; j < raw.Cols; j++ {
			if raw.Data[i*raw.Stride+j] != raw.Data[j*raw.Stride+i] {
				return false
			}
		}
	}
	return true
}
