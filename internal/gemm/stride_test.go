package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

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
