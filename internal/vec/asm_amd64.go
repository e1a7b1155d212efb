//go:build amd64 && !purego

package vec

import "github.com/adafisher-go/landscape/internal/gemm"

// haveAsm reports whether the AVX2 and FMA assembly runs on this CPU; the
// routines here use no AVX-512, so gemm's AVX2 test is the one they need.
var haveAsm = gemm.HasAVX2FMA()

// The routines of the *_amd64.s files. The exported functions check the
// lengths before they call these: every slice has at least the length of
// the first (sums) or of the destination (maps).

//go:noescape
func sumAsm(v []float32) float64

//go:noescape
func centredSquaresAsm(v []float32, mean float64) float64

//go:noescape
func sumAndCentredDotAsm(g, x []float32, mean float64) (sum, dot float64)

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
