//go:build amd64 && !purego

package vec

import "github.com/adafisher-go/landscape/internal/gemm"

// haveAsm reports whether the AVX2 and FMA assembly runs on this CPU, and
// haveAVX512 whether the sums' AVX-512F versions do: their float64
// conversions take half the instructions in zmm registers. The maps stay
// on ymm registers, where they already run at the cache's speed.
var (
	haveAsm    = gemm.HasAVX2FMA()
	haveAVX512 = gemm.HasAVX512()
)

func sumAsm(v []float32) float64 {
	if haveAVX512 {
		return sumAVX512(v)
	}
	return sumAVX2(v)
}

func centredSquaresAsm(v []float32, mean float64) float64 {
	if haveAVX512 {
		return centredSquaresAVX512(v, mean)
	}
	return centredSquaresAVX2(v, mean)
}

func sumAndCentredDotAsm(g, x []float32, mean float64) (sum, dot float64) {
	if haveAVX512 {
		return sumAndCentredDotAVX512(g, x, mean)
	}
	return sumAndCentredDotAVX2(g, x, mean)
}

// The routines of the *_amd64.s files. The exported functions check the
// lengths before they call these: every slice has at least the length of
// the first (sums) or of the destination (maps).

//go:noescape
func sumAVX2(v []float32) float64

//go:noescape
func centredSquaresAVX2(v []float32, mean float64) float64

//go:noescape
func sumAndCentredDotAVX2(g, x []float32, mean float64) (sum, dot float64)

//go:noescape
func sumAVX512(v []float32) float64

//go:noescape
func centredSquaresAVX512(v []float32, mean float64) float64

//go:noescape
func sumAndCentredDotAVX512(g, x []float32, mean float64) (sum, dot float64)

//go:noescape
func affineAsm(y, x []float32, a, b float32)

//go:noescape
func affine2Asm(y, u, v []float32, a, b, c float32)

//go:noescape
func reluAsm(y, x []float32)

//go:noescape
func reluBackwardAsm(dx, dy, y []float32)

//go:noescape
func addAsm(z, x, y []float32)

//go:noescape
func addReLUAsm(z, x, y []float32)
