package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestAddS compares AddS bit for bit with the plain loop, over lengths
// that exercise every step of the vector loop and its tail, from offsets
// that misalign the slices, with infinities, NaN, signed zeros and
// subnormals among the values.
func TestAddS(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	special := []float32{0, float32(math.Copysign(0, -1)), float32(math.Inf(1)), float32(math.Inf(-1)),
		float32(math.NaN()), math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, math.MaxFloat32}
	lengths := []int{0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 70, 1000, 1023}
	for _, n := range lengths {
		for _, off := range []int{0, 1, 3} {
			src := make([]float32, n+off)
			dst := make([]float32, n+off+2)
			for i := range src {
				src[i] = float32(rng.NormFloat64())
				if rng.IntN(8) == 0 {
					src[i] = special[rng.IntN(len(special))]
				}
			}
			for i := range dst {
				dst[i] = float32(rng.NormFloat64())
			}
			want := append([]float32(nil), dst...)
			addGo(want[off:], src[off:])
			got := append([]float32(nil), dst...)
			AddS(got[off:], src[off:])
			for i := range got {
				if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(got[i] != got[i] && want[i] != want[i]) {
					t.Fatalf("n=%d off=%d: element %d is %v, want %v", n, off, i, got[i], want[i])
				}
			}
		}
	}
}

func TestAddSShortDst(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("AddS with a shorter dst did not panic")
		}
	}()
	AddS(make([]float32, 3), make([]float32, 4))
}

// TestUntranspose checks C = T^T + beta*C against the element loop it
// replaced, bit for bit, for every configuration's transpose and the betas
// that take each branch (0 writes without reading, 1 adds, others scale).
func TestUntranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, cf := range all32 {
		for _, sz := range [][2]int{{1, 1}, {16, 144}, {17, 33}, {64, 9}, {3, 100}} {
			m, n := sz[0], sz[1]
			for _, beta := range []float32{0, 1, 0.5} {
				tm := make([]float32, n*m)
				for i := range tm {
					tm[i] = float32(rng.NormFloat64())
				}
				ldc := n + 3
				c := make([]float32, m*ldc)
				for i := range c {
					c[i] = float32(rng.NormFloat64())
				}
				want := append([]float32(nil), c...)
				for i := 0; i < m; i++ {
					for j := 0; j < n; j++ {
						if beta == 0 {
							want[i*ldc+j] = tm[j*m+i]
						} else {
							want[i*ldc+j] = tm[j*m+i] + beta*want[i*ldc+j]
						}
					}
				}
				untranspose(cf, m, n, tm, beta, c, ldc, &bufs[float32]{})
				for i := range c {
					if math.Float32bits(c[i]) != math.Float32bits(want[i]) {
						t.Fatalf("%s %dx%d beta %v: element %d is %v, want %v", cf.name, m, n, beta, i, c[i], want[i])
					}
				}
			}
		}
	}
}

// TestStride2S compares Stride2S with the plain loop for output lengths
// around the vector width, with src exactly as long as needed or longer.
func TestStride2S(t *testing.T) {
	for n := 0; n <= 40; n++ {
		for extra := 0; extra <= 2; extra++ {
			src := make([]float32, max(0, 2*n-1)+extra)
			for i := range src {
				src[i] = float32(i) + 0.5
			}
			want := make([]float32, n+1)
			got := make([]float32, n+1)
			want[n], got[n] = -1, -1
			stride2Go(want[:n], src)
			Stride2S(got[:n], src)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("n=%d extra=%d: element %d is %v, want %v", n, extra, i, got[i], want[i])
				}
			}
		}
	}
}
