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

// TestStride2Rows compares the row gathers of stride-2 convolutions and
// their adjoint with the plain loops, bit for bit, for row lengths around
// the vector widths, exactly as much src as the rows need (masked loads
// must not read past it; the slices end there) and values outside the
// rows that must stay untouched.
func TestStride2Rows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	negZero := float32(math.Copysign(0, -1))
	for _, rows := range []int{1, 2, 3} {
		for cols := 1; cols <= 40; cols++ {
			ld, ls := cols+2, 2*cols+1
			nd, ns := (rows-1)*ld+cols, (rows-1)*ls+2*cols-1
			dense := make([]float32, nd)
			strided := make([]float32, ns)
			for i := range dense {
				dense[i] = float32(rng.NormFloat64())
			}
			for i := range strided {
				strided[i] = float32(rng.NormFloat64())
				if i%7 == 3 {
					strided[i] = negZero
				}
			}
			want := append([]float32(nil), dense...)
			got := append([]float32(nil), dense...)
			stride2RowsGo(want, ld, strided, ls, rows, cols)
			Stride2RowsS(got, ld, strided, ls, rows, cols)
			sameBits(t, "Stride2RowsS", rows, cols, got, want)
			want = append([]float32(nil), strided...)
			got = append([]float32(nil), strided...)
			addStride2RowsGo(want, ls, dense, ld, rows, cols)
			AddStride2RowsS(got, ls, dense, ld, rows, cols)
			sameBits(t, "AddStride2RowsS", rows, cols, got, want)
		}
	}
}

func sameBits(t *testing.T, name string, rows, cols int, got, want []float32) {
	t.Helper()
	for i := range got {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s %dx%d: element %d is %v, want %v", name, rows, cols, i, got[i], want[i])
		}
	}
}
