package train

import (
	"runtime"
	"testing"
)

// TestStepsAllocateNothing checks that training steps of the cnn workload
// (at batch 32) allocate nothing in a steady state, on the cores: the
// layers' parallel loops run on persistent workers with tasks kept in the
// layers, and AdaFisher's captures (every step with TCov 1, one step in three
// with TCov 3) reuse their buffers.
//
// The steady state comes after a warm-up: a goroutine that blocks on a
// channel (a worker parking between loops, a caller waiting for the last
// worker; internal/gemm's pool too) takes a runtime record (a sudog, 112
// bytes) from a per-core cache, and since it may block on one core and
// resume on the other, the caches take a hundred or so records in all before
// they balance. So the test steps in windows of five until three windows in a
// row allocate nothing.
func TestStepsAllocateNothing(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		t.Log("one core: the parallel loops run on the calling goroutine")
	}
	var cnn Workload
	for _, w := range Workloads {
		if w.Name == "cnn28_b128" {
			cnn = w
		}
	}
	cnn.Batch = 32
	fisher3 := BenchOptimizers()[1]
	fisher3.Label, fisher3.Hyper.TCov = "adafisher_tcov3", 3
	for _, o := range []BenchOptimizer{BenchOptimizers()[0], BenchOptimizers()[1], fisher3} {
		b, err := NewBencher(cnn, o)
		if err != nil {
			t.Fatal(err)
		}
		quiet, windows := 0, 0
		var last uint64
		for ; quiet < 3 && windows < 60; windows++ {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range 5 {
				if err := b.Step(); err != nil {
					t.Fatal(err)
				}
			}
			runtime.ReadMemStats(&after)
			if last = after.Mallocs - before.Mallocs; last == 0 {
				quiet++
			} else {
				quiet = 0
			}
		}
		if quiet < 3 {
			t.Errorf("%s: still %d allocations in 5 steps after %d steps", o.Label, last, 5*windows)
		} else {
			t.Logf("%s: no allocations from step %d", o.Label, 5*(windows-3))
		}
	}
}
