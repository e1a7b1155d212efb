package nn

import (
	"math"
	"testing"
)

// TestBatchNormRunningStats follows PyTorch's update by hand over several
// training steps: running_mean = 0.9*rm + 0.1*mean, running_var = 0.9*rv +
// 0.1*unbiased variance, num_batches_tracked += 1; evaluation changes none.
func TestBatchNormRunningStats(t *testing.T) {
	rng := newRNG(9)
	bn := NewBatchNorm2d[float64]("bn", 2)
	if bn.NumBatchesTracked != 0 || bn.RunningMean.Data[0] != 0 || bn.RunningVar.Data[1] != 1 ||
		bn.Weight.Value.Data[0] != 1 || bn.Bias.Value.Data[1] != 0 {
		t.Fatal("a new BatchNorm2d does not hold PyTorch's initial state")
	}
	rm, rv := []float64{0, 0}, []float64{1, 1}
	for step := 1; step <= 3; step++ {
		x := randTensor(rng, 3, 2, 2, 3)
		for i := range x.Data {
			x.Data[i] = 2*x.Data[i] + float64(step)
		}
		bn.Forward(x, Mode{Train: true})
		for c := 0; c < 2; c++ {
			var vals []float64
			for b := 0; b < 3; b++ {
				vals = append(vals, x.Data[(b*2+c)*6:(b*2+c+1)*6]...)
			}
			var mean, sq float64
			for _, v := range vals {
				mean += v
			}
			mean /= float64(len(vals))
			for _, v := range vals {
				sq += (v - mean) * (v - mean)
			}
			rm[c] = 0.9*rm[c] + 0.1*mean
			rv[c] = 0.9*rv[c] + 0.1*sq/float64(len(vals)-1)
			if math.Abs(bn.RunningMean.Data[c]-rm[c]) > 1e-12 || math.Abs(bn.RunningVar.Data[c]-rv[c]) > 1e-12 {
				t.Errorf("step %d channel %d: running mean %g var %g, want %g %g",
					step, c, bn.RunningMean.Data[c], bn.RunningVar.Data[c], rm[c], rv[c])
			}
		}
		if bn.NumBatchesTracked != int64(step) {
			t.Errorf("step %d: num_batches_tracked %d", step, bn.NumBatchesTracked)
		}
	}
	rm0, rv1 := bn.RunningMean.Data[0], bn.RunningVar.Data[1]
	bn.Forward(randTensor(rng, 2, 2, 2, 2), Mode{Capture: true})
	if bn.NumBatchesTracked != 3 || bn.RunningMean.Data[0] != rm0 || bn.RunningVar.Data[1] != rv1 {
		t.Error("an evaluation pass changed the running statistics")
	}
	// The buffers are the layer's state, by PyTorch's names.
	bufs := bn.Buffers()
	names := []string{"bn.running_mean", "bn.running_var", "bn.num_batches_tracked"}
	if len(bufs) != 3 {
		t.Fatalf("%d buffers, want 3", len(bufs))
	}
	for i, b := range bufs {
		if b.Name != names[i] {
			t.Errorf("buffer %d is %q, want %q", i, b.Name, names[i])
		}
	}
	if bufs[0].Value != bn.RunningMean || bufs[1].Value != bn.RunningVar || bufs[2].Value != nil ||
		bufs[2].Count == nil || *bufs[2].Count != 3 {
		t.Error("buffers do not expose the layer's running statistics")
	}
	bn.Reset(nil)
	if bn.NumBatchesTracked != 0 || bn.RunningMean.Data[0] != 0 || bn.RunningVar.Data[0] != 1 {
		t.Error("Reset does not restore the initial state")
	}
}

// TestBatchNormEvalUsesRunningStats checks the evaluation forward pass against
// its formula.
func TestBatchNormEvalUsesRunningStats(t *testing.T) {
	rng := newRNG(10)
	bn := NewBatchNorm2d[float64]("bn", 3)
	resetLayer(bn, 11)
	x := randTensor(rng, 2, 3, 2, 2)
	y := bn.Forward(x, Mode{})
	for i, v := range x.Data {
		c := (i / 4) % 3
		want := float64(bn.Weight.Value.Data[c])*(v-bn.RunningMean.Data[c])/math.Sqrt(bn.RunningVar.Data[c]+1e-5) + bn.Bias.Value.Data[c]
		if math.Abs(y.Data[i]-want) > 1e-12 {
			t.Fatalf("y[%d] = %g, want %g", i, y.Data[i], want)
		}
	}
}

func TestBatchNormShapeErrors(t *testing.T) {
	bn := NewBatchNorm2d[float64]("bn1", 3)
	for _, c := range []struct {
		shape []int
		mode  Mode
	}{
		{[]int{2, 4, 2, 2}, Mode{Train: true}},
		{[]int{2, 3, 4}, Mode{}},
		{[]int{1, 3, 1, 1}, Mode{Train: true}}, // one value per channel
	} {
		err := catchShapeError(func() { bn.Forward(NewTensor[float64](c.shape...), c.mode) })
		if err == nil || err.Layer != "bn1" {
			t.Errorf("shape %v: error %v, want a ShapeError from bn1", c.shape, err)
		}
	}
	// One value per channel is fine in evaluation mode.
	if err := catchShapeError(func() { bn.Forward(NewTensor[float64](1, 3, 1, 1), Mode{}) }); err != nil {
		t.Error(err)
	}
}

func catchShapeError(f func()) (err *ShapeError) {
	defer func() {
		if r := recover(); r != nil {
			se, ok := r.(*ShapeError)
			if !ok {
				panic(r)
			}
			err = se
		}
	}()
	f()
	return nil
}
