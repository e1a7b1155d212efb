package vec

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The exact routines against scalar references that spell out the rules.

// reluRef is max(v, 0) as Go computes it: v where v > 0, +0 where v <= 0,
// and a NaN with its sign bit cleared.
func reluRef(v float32) float32 {
	switch {
	case v != v:
		return math.Float32frombits(math.Float32bits(v) &^ (1 << 31))
	case v > 0:
		return v
	}
	return 0
}

func reluBackwardRef(dy, y float32) float32 {
	if math.Float32bits(y) == 0 {
		return 0
	}
	return dy
}

func TestExactMaps(t *testing.T) {
	type op struct {
		name string
		run  func(p impl, z, x, y []float32)
		ref  func(x, y float32) float32
	}
	ops := []op{
		{"ReLU", func(p impl, z, x, _ []float32) { p.relu(z, x) }, func(x, _ float32) float32 { return reluRef(x) }},
		// y plays the ReLU's output: specials include +0, -0 and NaNs.
		{"ReLUBackward", func(p impl, z, x, y []float32) { p.reluBackward(z, x, y) }, reluBackwardRef},
		{"Add", func(p impl, z, x, y []float32) { p.add(z, x, y) }, func(x, y float32) float32 { return x + y }},
		{"AddReLU", func(p impl, z, x, y []float32) { p.addReLU(z, x, y) }, func(x, y float32) float32 { return reluRef(x + y) }},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, o := range ops {
		for _, p := range impls {
			t.Run(o.name+"/"+p.name, func(t *testing.T) {
				for _, n := range testLens {
					for _, off := range testOffsets {
						x, y := randData(r, off, n, true), randData(r, 2-off%2, n, true)
						z, tail := guarded(off, n)
						o.run(p, z, x, y)
						for i := range z {
							if want := o.ref(x[i], y[i]); math.Float32bits(z[i]) != math.Float32bits(want) {
								t.Fatalf("n=%d off=%d i=%d: f(%#08x, %#08x) = %#08x, want %#08x", n, off, i,
									math.Float32bits(x[i]), math.Float32bits(y[i]), math.Float32bits(z[i]), math.Float32bits(want))
							}
						}
						if !guardIntact(tail) {
							t.Fatalf("n=%d off=%d: wrote past the destination", n, off)
						}
					}
				}
			})
		}
	}
}

// TestExactInPlace runs the maps with the destination aliasing an input,
// as the layers call them.
func TestExactInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 7, 45, 1023} {
		x, y := randData(r, 1, n, true), randData(r, 0, n, true)
		want := make([]float32, n)
		for i := range want {
			want[i] = reluRef(x[i] + y[i])
		}
		AddReLU(x, x, y)
		for i := range x {
			if math.Float32bits(x[i]) != math.Float32bits(want[i]) {
				t.Fatalf("n=%d i=%d: in place %#08x, want %#08x", n, i, math.Float32bits(x[i]), math.Float32bits(want[i]))
			}
		}
	}
}

func TestNoAllocs(t *testing.T) {
	x, y, z := make([]float32, 1023), make([]float32, 1023), make([]float32, 1023)
	fns := map[string]func(){
		"Sum":              func() { _ = Sum(x) },
		"CentredSquares":   func() { _ = CentredSquares(x, 1) },
		"SumAndCentredDot": func() { _, _ = SumAndCentredDot(x, y, 1) },
		"Affine":           func() { Affine(z, x, 2, 3) },
		"Affine2":          func() { Affine2(z, x, y, 2, 3, 4) },
		"ReLU":             func() { ReLU(z, x) },
		"ReLUBackward":     func() { ReLUBackward(z, x, y) },
		"Add":              func() { Add(z, x, y) },
		"AddReLU":          func() { AddReLU(z, x, y) },
	}
	for name, f := range fns {
		if a := testing.AllocsPerRun(10, f); a != 0 {
			t.Errorf("%s: %v allocations per call, want 0", name, a)
		}
	}
}

func ExampleReLU() {
	y := make([]float32, 4)
	ReLU(y, []float32{-1, 2, float32(math.Copysign(0, -1)), 0.5})
	fmt.Println(y)
	// Output: [0 2 0 0.5]
}
