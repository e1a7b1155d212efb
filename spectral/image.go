package spectral

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// Image is a real-valued picture, row-major: a magnitude spectrum or a
// matrix drawn in grey.
type Image struct {
	Rows, Cols int
	Data       []float64
}

// At returns the pixel at row i, column j.
func (im Image) At(i, j int) float64 { return im.Data[i*im.Cols+j] }

// Magnitude returns the image of the spectrum: 20*ln|F| in Reference mode
// (the notebook's natural log) and 20*log10|F| in Corrected mode (decibels).
// A coefficient of exactly 0 gives -Inf, as numpy does.
func (s Spectrum) Magnitude(mode Mode) Image {
	im := Image{Rows: s.Rows, Cols: s.Cols, Data: make([]float64, len(s.Data))}
	scale := magnitudeScale(mode)
	parallelFor(len(s.Data), func(lo, hi int) {
		for k, z := range s.Data[lo:hi] {
			im.Data[lo+k] = scale * math.Log(math.Hypot(real(z), imag(z)))
		}
	})
	return im
}

// magnitudeScale is the factor of ln|F| in mode's magnitude image: 20 (20
// ln|F|, the notebook's natural log) or 20/ln 10 (20 log10|F|, decibels).
func magnitudeScale(mode Mode) float64 {
	if mode == Corrected {
		return 20 / math.Ln10
	}
	return 20
}

// MatrixImage returns a copy of a as an Image, for drawing it in grey.
func MatrixImage(a mat.Matrix) Image {
	rows, cols := a.Dims()
	im := Image{Rows: rows, Cols: cols, Data: make([]float64, rows*cols)}
	if d, ok := a.(*mat.Dense); ok {
		raw := d.RawMatrix()
		for i := range rows {
			copy(im.Data[i*cols:(i+1)*cols], raw.Data[i*raw.Stride:i*raw.Stride+cols])
		}
		return im
	}
	for i := range rows {
		for j := range cols {
			im.Data[i*cols+j] = a.At(i, j)
		}
	}
	return im
}

// FiniteRange returns the smallest and largest finite pixels; ok is false
// if there are none.
func (im Image) FiniteRange() (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range im.Data {
		if !math.IsInf(v, 0) && !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
			ok = true
		}
	}
	if !ok {
		return 0, 0, false
	}
	return lo, hi, true
}

// Pooling says how Downsample merges a block of pixels.
type Pooling int

const (
	// MaxPool keeps the largest pixel of each block: right for spectra,
	// whose peaks must survive, and it commutes with the log of Magnitude.
	MaxPool Pooling = iota
	// MeanPool averages each block: right for drawing a matrix.
	MeanPool
)

// Downsample returns im shrunk to at most maxSide pixels a side by merging
// square blocks of b x b pixels, b = ceil(max(Rows, Cols) / maxSide); the
// blocks of the last row and column may be smaller. An image already small
// enough, or maxSide <= 0, is returned as it is.
func (im Image) Downsample(maxSide int, pool Pooling) Image {
	if maxSide <= 0 || (im.Rows <= maxSide && im.Cols <= maxSide) {
		return im
	}
	b := (max(im.Rows, im.Cols) + maxSide - 1) / maxSide
	out := Image{Rows: (im.Rows + b - 1) / b, Cols: (im.Cols + b - 1) / b}
	out.Data = make([]float64, out.Rows*out.Cols)
	for bi := range out.Rows {
		for bj := range out.Cols {
			acc, count := math.Inf(-1), 0
			if pool == MeanPool {
				acc = 0
			}
			for i := bi * b; i < min((bi+1)*b, im.Rows); i++ {
				for _, v := range im.Data[i*im.Cols+bj*b : i*im.Cols+min((bj+1)*b, im.Cols)] {
					if pool == MeanPool {
						acc += v
					} else {
						acc = max(acc, v)
					}
					count++
				}
			}
			if pool == MeanPool {
				acc /= float64(count)
			}
			out.Data[bi*out.Cols+bj] = acc
		}
	}
	return out
}
