package spectral

import (
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
func FFT2(a mat.Matrix) Spectrum {
	rows, cols := a.Dims()
	f := make([]complex128, rows*cols)
	if d, ok := a.(*mat.Dense); ok {
		raw := d.RawMatrix()
		for i := range rows {
			for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+cols] {
				f[i*cols+j] = complex(v, 0)
			}
		}
	} else {
		for i := range rows {
			for j := range cols {
				f[i*cols+j] = complex(a.At(i, j), 0)
			}
		}
	}

	rowFFT := fourier.NewCmplxFFT(cols)
	for i := range rows {
		r := f[i*cols : (i+1)*cols]
		rowFFT.Coefficients(r, r)
	}
	colFFT := fourier.NewCmplxFFT(rows)
	col := make([]complex128, rows)
	for j := range cols {
		for i := range rows {
			col[i] = f[i*cols+j]
		}
		colFFT.Coefficients(col, col)
		for i := range rows {
			f[i*cols+j] = col[i]
		}
	}
	return Spectrum{Rows: rows, Cols: cols, Data: fftShift(f, rows, cols)}
}

// fftShift moves the zero frequency to (rows/2, cols/2) as numpy's fftshift:
// out[i] = in[(i + ceil(n/2)) mod n] along each axis.
func fftShift(f []complex128, rows, cols int) []complex128 {
	out := make([]complex128, len(f))
	rowOffset, colOffset := (rows+1)/2, (cols+1)/2
	for i := range rows {
		src := f[((i+rowOffset)%rows)*cols:]
		dst := out[i*cols : (i+1)*cols]
		n := copy(dst, src[colOffset:cols])
		copy(dst[n:], src[:colOffset])
	}
	return out
}
