package vec

import (
	"fmt"
	"testing"
)

// BenchmarkVec times each routine through the dispatch (the assembly where
// the CPU runs it) and the Go loops, on channel-sized slices that stay in
// the L1 cache.
func BenchmarkVec(b *testing.B) {
	for _, n := range []int{256, 1024} {
		x, y, z := make([]float32, n), make([]float32, n), make([]float32, n)
		for i := range x {
			x[i], y[i] = float32(i%13)-6, float32(i%7)-3
		}
		var sink float64
		for _, p := range impls {
			fns := []struct {
				name    string
				streams int // slices read or written, for bytes per op
				f       func()
			}{
				{"Sum", 1, func() { sink += p.sum(x) }},
				{"CentredSquares", 1, func() { sink += p.centredSquares(x, 0.5) }},
				{"SumAndCentredDot", 2, func() { s, d := p.sumAndDot(x, y, 0.5); sink += s + d }},
				{"Affine", 2, func() { p.affine(z, x, 2, 3) }},
				{"Affine2", 3, func() { p.affine2(z, x, y, 2, 3, 4) }},
				{"ReLU", 2, func() { p.relu(z, x) }},
				{"ReLUBackward", 3, func() { p.reluBackward(z, x, y) }},
				{"Add", 3, func() { p.add(z, x, y) }},
				{"AddReLU", 3, func() { p.addReLU(z, x, y) }},
			}
			for _, fn := range fns {
				b.Run(fmt.Sprintf("%s/%s/%d", fn.name, p.name, n), func(b *testing.B) {
					b.SetBytes(int64(4 * n * fn.streams))
					for b.Loop() {
						fn.f()
					}
				})
			}
		}
		_ = sink
	}
}
