package nn

import (
	"testing"
)

// The cnn28 workload: batch 128 of 1x28x28 images through the zoo's cnn.

func randTensor32(seed uint64, shape ...int) *Tensor[float32] {
	return to32(randTensor(newRNG(seed), shape...))
}

func benchConv(b *testing.B, in, out, hw int, needInput bool) {
	conv := NewConv2d[float32]("conv", in, out, 3, 1, 1, true)
	conv.Reset(newRNG(1))
	x := randTensor32(2, 128, in, hw, hw)
	dy := randTensor32(3, 128, out, hw, hw)
	mode := Mode{Train: true}
	conv.Forward(x, mode)
	conv.Backward(dy, needInput)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		conv.Forward(x, mode)
		conv.Backward(dy, needInput)
	}
}

// BenchmarkConv2dCNN28Conv1 is conv1: 128x1x28x28 -> 128x16x28x28, forward and
// backward without the input gradient (it is the first layer).
func BenchmarkConv2dCNN28Conv1(b *testing.B) { benchConv(b, 1, 16, 28, false) }

// BenchmarkConv2dCNN28Conv2 is conv2: 128x16x14x14 -> 128x32x14x14, forward
// and backward with the input gradient.
func BenchmarkConv2dCNN28Conv2(b *testing.B) { benchConv(b, 16, 32, 14, true) }

func benchIm2col(b *testing.B, in, hw int) {
	conv := NewConv2d[float32]("conv", in, 8, 3, 1, 1, true)
	x := randTensor32(2, 128, in, hw, hw)
	conv.Forward(x, Mode{Capture: true}) // capture steps build the whole batch's patches
	b.ReportAllocs()
	b.SetBytes(int64(4 * len(conv.cols.Data)))
	b.ResetTimer()
	for b.Loop() {
		conv.im2col(x.Data, conv.cols.Data)
	}
}

// BenchmarkConv2dIm2colCNN28Conv1 and ...Conv2 time the patch matrices alone.
func BenchmarkConv2dIm2colCNN28Conv1(b *testing.B) { benchIm2col(b, 1, 28) }
func BenchmarkConv2dIm2colCNN28Conv2(b *testing.B) { benchIm2col(b, 16, 14) }

// BenchmarkConv2dCNN28Step is a whole training step of the cnn model
// (forward, cross-entropy, backward) on a batch of 128, float32.
func BenchmarkConv2dCNN28Step(b *testing.B) {
	for _, capture := range []bool{false, true} {
		name := "plain"
		if capture {
			name = "capture"
		}
		b.Run(name, func(b *testing.B) {
			m, err := buildNet[float32](netConfig{Arch: "cnn", InputShape: []int{1, 28, 28}, Classes: 10, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			x := randTensor32(2, 128, 1, 28, 28)
			labels := make([]int, 128)
			for i := range labels {
				labels[i] = i % 10
			}
			var grad Tensor[float32]
			step := func() {
				m.ZeroGrad()
				y, _ := m.Forward(x, Mode{Train: true, Capture: capture})
				CrossEntropy(y, labels, &grad)
				m.Backward(&grad)
			}
			step()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				step()
			}
		})
	}
}

// TestConvBatchNormPoolAllocFree checks that steady-state steps of the new
// layers allocate nothing, on shapes small enough that BLAS runs serially
// (gonum's parallel Gemm starts goroutines, which allocate).
func TestConvBatchNormPoolAllocFree(t *testing.T) {
	conv := NewConv2d[float32]("conv", 2, 4, 3, 2, 1, true)
	conv.Reset(newRNG(1))
	bn := NewBatchNorm2d[float32]("bn", 4)
	pool := NewMaxPool2d[float32](2, 2)
	x := randTensor32(2, 2, 2, 9, 9)
	for _, mode := range []Mode{{Train: true}, {Train: true, Capture: true}, {}} {
		var dy *Tensor[float32]
		step := func() {
			y := pool.Forward(bn.Forward(conv.Forward(x, mode), mode), mode)
			if dy == nil {
				dy = randTensor32(3, y.Shape...)
			}
			conv.Backward(bn.Backward(pool.Backward(dy, true), true), true)
			conv.Captured()
			bn.Captured()
		}
		step()
		if n := testing.AllocsPerRun(20, step); n != 0 {
			t.Errorf("mode %+v: %v allocations per step, want 0", mode, n)
		}
	}
}

// BenchmarkConv2dResNet8Layer1 is a convolution of the first ResNet-8
// stage: 128x16x32x32 -> 128x16x32x32, forward and backward with the input
// gradient, no bias.
func BenchmarkConv2dResNet8Layer1(b *testing.B) { benchConv(b, 16, 16, 32, true) }
