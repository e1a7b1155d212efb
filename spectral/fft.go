package spectral

import (
	"math"
	"math/cmplx"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/dsp/fourier"
	"gonum.org/v1/gonum/mat"
)

// Spectrum is the centred 2-D discrete Fourier transform of a real matrix:
// Data[i*Cols+j] is numpy.fft.fftshift(numpy.fft.fft2(M))[i, j], that is
// F(k, l) = sum_{p,q} M[p, q] exp(-2 pi i (k p / Rows + l q / Cols)) with the
// zero frequency at row Rows/2 and column Cols/2 (integer division), which
// for an odd size is the middle and for an even size is just past it.
type Spectrum struct {
	Rows, Cols int
	Data       []complex128
}

// At returns the coefficient at row i, column j of the centred spectrum.
func (s Spectrum) At(i, j int) complex128 { return s.Data[i*s.Cols+j] }

// FFT2 returns the centred 2-D DFT of a. Any sizes work, primes included,
// though a transform of length n costs O(n p) for its largest prime factor p.
//
// The rows are real, so each row transform is a real FFT of cols/2+1
// coefficients, and only those columns are transformed: the others follow
// from the symmetry F(k, l) = conj(F(-k, -l)) of a real matrix's transform.
// Rows and columns are shared among GOMAXPROCS goroutines.
func FFT2(a mat.Matrix) Spectrum {
	return halfFFT(a).full()
}

// halfSpectrum is the transform of a real matrix as FFT2 computes it:
// columns 0 to cols/2 of the uncentred F, h[k*half+l] = F(k, l).
type halfSpectrum struct {
	rows, cols, half int
	h                []complex128
}

// halfFFT computes the stored half of a's transform (see FFT2).
func halfFFT(a mat.Matrix) halfSpectrum {
	rows, cols := a.Dims()
	var raw blas64.General
	if d, ok := a.(*mat.Dense); ok {
		raw = d.RawMatrix()
	} else {
		raw = mat.DenseCopyOf(a).RawMatrix()
	}
	half := cols/2 + 1
	h := make([]complex128, rows*half)
	parallelFor(rows, func(lo, hi int) {
		f := fourier.NewFFT(cols)
		for i := lo; i < hi; i++ {
			f.Coefficients(h[i*half:(i+1)*half], raw.Data[i*raw.Stride:i*raw.Stride+cols])
		}
	})
	// Columns in groups of colGroup: gathered into contiguous buffers, so
	// that the strided reads of h share cache lines.
	const colGroup = 8
	parallelFor((half+colGroup-1)/colGroup, func(lo, hi int) {
		f := fourier.NewCmplxFFT(rows)
		buf := make([]complex128, colGroup*rows)
		for g := lo; g < hi; g++ {
			j0, j1 := g*colGroup, min(half, (g+1)*colGroup)
			w := j1 - j0
			for i := range rows {
				for c, v := range h[i*half+j0 : i*half+j1] {
					buf[c*rows+i] = v
				}
			}
			for c := range w {
				col := buf[c*rows : (c+1)*rows]
				f.Coefficients(col, col)
			}
			for i := range rows {
				dst := h[i*half+j0 : i*half+j1]
				for c := range dst {
					dst[c] = buf[c*rows+i]
				}
			}
		}
	})
	return halfSpectrum{rows: rows, cols: cols, half: half, h: h}
}

// full returns the centred transform, filling in the conjugate half:
// out[i][j] is F((i + ceil(rows/2)) mod rows, (j + ceil(cols/2)) mod cols),
// as numpy's fftshift.
func (hs halfSpectrum) full() Spectrum {
	rows, cols, half, h := hs.rows, hs.cols, hs.half, hs.h
	out := make([]complex128, rows*cols)
	rowOffset, colOffset := (rows+1)/2, (cols+1)/2
	parallelFor(rows, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			k := (i + rowOffset) % rows
			neg := (rows - k) % rows
			dst := out[i*cols : (i+1)*cols]
			src, mirror := h[k*half:(k+1)*half], h[neg*half:(neg+1)*half]
			// Column j holds frequency l = (j + colOffset) mod cols: the
			// stored half for l < half, the conjugate of frequency cols-l
			// of row -k otherwise.
			for j := range dst {
				l := j + colOffset
				if l >= cols {
					l -= cols
				}
				if l < half {
					dst[j] = src[l]
				} else {
					dst[j] = cmplx.Conj(mirror[cols-l])
				}
			}
		}
	})
	return Spectrum{Rows: rows, Cols: cols, Data: out}
}

// parallelFor calls body on consecutive ranges that cover [0, n), from
// GOMAXPROCS goroutines, and waits for them.
func parallelFor(n int, body func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		if n > 0 {
			body(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(w*n/workers, (w+1)*n/workers)
		}()
	}
	wg.Wait()
}

// maxAbs returns the largest |F| over the square blocks of side b of the
// centred transform (the blocks of Image.Downsample), without forming the
// transform: |F| at a conjugate position is |F| at the stored one.
func (hs halfSpectrum) maxAbs(b int) Image {
	rows, cols, half, h := hs.rows, hs.cols, hs.half, hs.h
	out := Image{Rows: (rows + b - 1) / b, Cols: (cols + b - 1) / b}
	out.Data = make([]float64, out.Rows*out.Cols)
	rowOffset, colOffset := (rows+1)/2, (cols+1)/2
	parallelFor(out.Rows, func(lo, hi int) {
		for bi := lo; bi < hi; bi++ {
			acc := out.Data[bi*out.Cols : (bi+1)*out.Cols]
			for k := range acc {
				acc[k] = math.Inf(-1)
			}
			for i := bi * b; i < min((bi+1)*b, rows); i++ {
				k := (i + rowOffset) % rows
				neg := (rows - k) % rows
				src, mirror := h[k*half:(k+1)*half], h[neg*half:(neg+1)*half]
				for j := range cols {
					l := j + colOffset
					if l >= cols {
						l -= cols
					}
					var z complex128
					if l < half {
						z = src[l]
					} else {
						z = mirror[cols-l]
					}
					if v := math.Hypot(real(z), imag(z)); v > acc[j/b] {
						acc[j/b] = v
					}
				}
			}
		}
	})
	return out
}

// magnitudeImages returns the magnitude image of a's centred transform in
// each mode, max-pooled to at most maxSide pixels a side: what
// FFT2(a).Magnitude(mode).Downsample(maxSide, MaxPool) gives, bit for bit,
// since the images are increasing functions of |F|, but computing the
// logarithm once per pixel of the result and never holding the whole
// transform.
func magnitudeImages(a *mat.Dense, maxSide int, modes []Mode) []Image {
	rows, cols := a.Dims()
	out := make([]Image, len(modes))
	if maxSide <= 0 || (rows <= maxSide && cols <= maxSide) {
		s := FFT2(a)
		for k, m := range modes {
			out[k] = s.Magnitude(m)
		}
		return out
	}
	m := halfFFT(a).maxAbs((max(rows, cols) + maxSide - 1) / maxSide)
	for k, mode := range modes {
		scale := magnitudeScale(mode)
		im := Image{Rows: m.Rows, Cols: m.Cols, Data: make([]float64, len(m.Data))}
		for p, v := range m.Data {
			im.Data[p] = scale * math.Log(v)
		}
		out[k] = im
	}
	return out
}
