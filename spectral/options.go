package spectral

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"runtime"
)

// DefaultSigma is the paper's noise level for the perturbation test
// (std=10**-3 in the notebook).
const DefaultSigma = 1e-3

// Options control Analyze and AnalyzeBatch.
type Options struct {
	// Modes to compute, in order; nil means both (Reference, Corrected).
	Modes []Mode
	// Sigma is the standard deviation of the off-diagonal noise.
	Sigma float64
	// Seed fixes the noise. The notebooks set none; here the noise for the
	// matrix named Name in mode m comes from rand.NewPCG(Seed,
	// FNV-1a-64(Name + "/" + m)), so a result depends on neither the order
	// nor the make-up of a batch, nor on the number of workers.
	Seed uint64
	// Images keeps the pictures in each Result: the matrix, and the
	// magnitude spectra of the clean and the perturbed matrix per mode.
	// Without it no FFT is computed at all.
	Images bool
	// MaxImageSide shrinks every kept image to at most this many pixels a
	// side (see Image.Downsample); 0 keeps full resolution.
	MaxImageSide int
	// Workers is the number of computations run at once; 0 means
	// runtime.GOMAXPROCS(0).
	Workers int
}

// DefaultOptions are the paper's settings with both modes, images shrunk to
// 512 pixels a side, and all cores.
func DefaultOptions() Options {
	return Options{Modes: []Mode{Reference, Corrected}, Sigma: DefaultSigma, Images: true, MaxImageSide: 512}
}

// normalized fills in the defaults and checks o.
func (o Options) normalized() (Options, error) {
	if o.Modes == nil {
		o.Modes = []Mode{Reference, Corrected}
	}
	if len(o.Modes) == 0 {
		return o, fmt.Errorf("spectral: no modes")
	}
	seen := map[Mode]bool{}
	for _, m := range o.Modes {
		if !m.Valid() || seen[m] {
			return o, fmt.Errorf("spectral: mode %q unknown or repeated in %v", m, o.Modes)
		}
		seen[m] = true
	}
	if !(o.Sigma >= 0) || math.IsInf(o.Sigma, 0) {
		return o, fmt.Errorf("spectral: noise sigma %v is not a finite number >= 0", o.Sigma)
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	return o, nil
}

// noiseSource returns the generator of the noise for the matrix name in mode.
func (o Options) noiseSource(name string, mode Mode) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(name + "/" + string(mode)))
	return rand.New(rand.NewPCG(o.Seed, h.Sum64()))
}
