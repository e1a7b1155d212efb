//go:build !amd64 || purego

package vec

// haveAsm is false without the amd64 assembly; the *Asm names then run the
// Go loops, so that the dispatch in the exported functions compiles
// everywhere and folds away here.
const haveAsm = false

func sumAsm(v []float32) float64 { return sumGo(v) }

func centredSquaresAsm(v []float32, mean float64) float64 { return centredSquaresGo(v, mean) }

func sumAndCentredDotAsm(g, x []float32, mean float64) (sum, dot float64) {
	return sumAndCentredDotGo(g, x, mean)
}

func affineAsm(y, x []float32, a, b float32) { affineGo(y, x, a, b) }

func affine2Asm(y, u, v []float32, a, b, c float32) { affine2Go(y, u, v, a, b, c) }

func reluAsm(y, x []float32) { reluGo(y, x) }

func reluBackwardAsm(dx, dy, y []float32) { reluBackwardGo(dx, dy, y) }

func addAsm(z, x, y []float32) { addGo(z, x, y) }

func addReLUAsm(z, x, y []float32) { addReLUGo(z, x, y) }
