package data

import (
	"slices"
	"testing"
)

func isPermutation(p []int) bool {
	seen := make([]bool, len(p))
	for _, v := range p {
		if v < 0 || v >= len(p) || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}

func TestPermutation(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 10, 150, 1000} {
		for _, seed := range []uint64{0, 1, 1 << 63} {
			for _, epoch := range []int{0, 1, 7, -1} {
				p := Permutation(n, seed, epoch)
				if len(p) != n || !isPermutation(p) {
					t.Fatalf("Permutation(%d, %d, %d) = %v is not a permutation", n, seed, epoch, p)
				}
				if q := Permutation(n, seed, epoch); !slices.Equal(p, q) {
					t.Fatalf("Permutation(%d, %d, %d) not reproducible", n, seed, epoch)
				}
			}
		}
	}
	// Different epochs and seeds give different orders.
	seen := map[string]bool{}
	for seed := range uint64(5) {
		for epoch := range 20 {
			k := string(fmtInts(Permutation(150, seed, epoch)))
			if seen[k] {
				t.Fatalf("seed %d epoch %d repeats an earlier order", seed, epoch)
			}
			seen[k] = true
		}
	}
	// The order is pinned: a resumed run, even one built with a later Go
	// release, must see the same batches.
	if got, want := Permutation(10, 1, 0), []int{8, 9, 2, 3, 1, 6, 0, 5, 7, 4}; !slices.Equal(got, want) {
		t.Errorf("Permutation(10, 1, 0) = %v, want %v", got, want)
	}
}

// TestPermutationUniform checks that every element lands in every position
// about equally often.
func TestPermutationUniform(t *testing.T) {
	const n, trials = 5, 20000
	var counts [n][n]int
	for e := range trials {
		for pos, v := range Permutation(n, 99, e) {
			counts[v][pos]++
		}
	}
	for v := range n {
		for pos := range n {
			if c := counts[v][pos]; c < trials/n-300 || c > trials/n+300 {
				t.Errorf("element %d at position %d %d times in %d, want about %d", v, pos, c, trials, trials/n)
			}
		}
	}
}

func fmtInts(p []int) []byte {
	b := make([]byte, 0, 2*len(p))
	for _, v := range p {
		b = append(b, byte(v), byte(v>>8))
	}
	return b
}

// indexed returns a dataset whose sample i has features (i, -i) and label i%3.
func indexed(n int) *Dataset {
	d := &Dataset{Name: "indexed", Shape: []int{2}, Classes: 3}
	for i := range n {
		d.X = append(d.X, float64(i), -float64(i))
		d.Y = append(d.Y, i%3)
	}
	return d
}

func TestBatcher(t *testing.T) {
	for _, tc := range []struct {
		n, size   int
		shuffle   bool
		steps     int
		lastBatch int
	}{
		{10, 3, true, 4, 1},
		{10, 3, false, 4, 1},
		{10, 5, true, 2, 5},
		{10, 1, true, 10, 1},
		{10, 0, true, 1, 10},
		{10, 0, false, 1, 10},
		{10, 10, true, 1, 10},
		{10, 64, false, 1, 10},
		{150, 32, true, 5, 22},
		{1, 4, true, 1, 1},
	} {
		d := indexed(tc.n)
		b, err := NewBatcher(d, tc.size, tc.shuffle, 5)
		if err != nil {
			t.Fatal(err)
		}
		if b.StepsPerEpoch() != tc.steps {
			t.Errorf("n=%d size=%d: %d steps, want %d", tc.n, tc.size, b.StepsPerEpoch(), tc.steps)
			continue
		}
		var x []float64
		var y []int
		var prevOrder []int
		for epoch := range 3 {
			var order []int
			for i := range b.StepsPerEpoch() {
				x, y = b.Batch(epoch, i, x, y)
				wantLen := min(tc.size, tc.n)
				if tc.size == 0 {
					wantLen = tc.n
				}
				if i == tc.steps-1 {
					wantLen = tc.lastBatch
				}
				if len(y) != wantLen || len(x) != 2*wantLen {
					t.Fatalf("n=%d size=%d batch %d: %d labels, %d values, want %d samples", tc.n, tc.size, i, len(y), len(x), wantLen)
				}
				for k, lab := range y {
					id := int(x[2*k])
					if x[2*k+1] != -float64(id) || lab != id%3 {
						t.Fatalf("batch %d sample %d: x %v y %d do not belong together", i, k, x[2*k:2*k+2], lab)
					}
					order = append(order, id)
				}
			}
			if !isPermutation(order) {
				t.Fatalf("n=%d size=%d epoch %d: order %v does not visit every sample once", tc.n, tc.size, epoch, order)
			}
			switch {
			case !tc.shuffle && !slices.Equal(order, seq(tc.n)):
				t.Errorf("n=%d size=%d unshuffled epoch %d: order %v", tc.n, tc.size, epoch, order)
			case tc.shuffle && !slices.Equal(order, Permutation(tc.n, 5, epoch)):
				t.Errorf("n=%d size=%d epoch %d: order %v, want Permutation(n, seed, epoch)", tc.n, tc.size, epoch, order)
			case tc.shuffle && tc.n >= 10 && slices.Equal(order, prevOrder):
				t.Errorf("n=%d size=%d: epochs %d and %d share an order", tc.n, tc.size, epoch-1, epoch)
			}
			prevOrder = order
		}
	}
}

// TestBatcherResume checks that batches depend only on (epoch, index): a
// fresh Batcher, or one asked out of order, gives the same batches.
func TestBatcherResume(t *testing.T) {
	d := indexed(23)
	a, _ := NewBatcher(d, 4, true, 11)
	for _, at := range [][2]int{{3, 2}, {0, 5}, {3, 0}, {1, 1}, {3, 2}} {
		xa, ya := a.Batch(at[0], at[1], nil, nil)
		fresh, _ := NewBatcher(d, 4, true, 11)
		xf, yf := fresh.Batch(at[0], at[1], nil, nil)
		if !slices.Equal(xa, xf) || !slices.Equal(ya, yf) {
			t.Errorf("epoch %d batch %d differs between a used and a fresh Batcher", at[0], at[1])
		}
	}
	c, _ := NewBatcher(d, 4, true, 12)
	x1, _ := a.Batch(0, 0, nil, nil)
	x2, _ := c.Batch(0, 0, nil, nil)
	if slices.Equal(x1, x2) {
		t.Error("seeds 11 and 12 gave the same first batch")
	}
}

func TestBatcherNoAllocs(t *testing.T) {
	d, err := Digits()
	if err != nil {
		t.Fatal(err)
	}
	for _, shuffle := range []bool{false, true} {
		b, err := NewBatcher(d, 128, shuffle, 1)
		if err != nil {
			t.Fatal(err)
		}
		var x []float64
		var y []int
		epoch := 0
		run := func() {
			for i := range b.StepsPerEpoch() {
				x, y = b.Batch(epoch, i, x, y)
			}
			epoch++
		}
		run() // grow the buffers
		if allocs := testing.AllocsPerRun(5, run); allocs != 0 {
			t.Errorf("shuffle=%v: %g allocations per epoch, want 0", shuffle, allocs)
		}
	}
}

func TestBatcherErrors(t *testing.T) {
	if _, err := NewBatcher(indexed(4), -1, false, 0); err == nil {
		t.Error("negative batch size accepted")
	}
	if _, err := NewBatcher(indexed(0), 1, false, 0); err == nil {
		t.Error("empty dataset accepted")
	}
	bad := indexed(4)
	bad.X = bad.X[:7]
	if _, err := NewBatcher(bad, 1, false, 0); err == nil {
		t.Error("dataset with too few values accepted")
	}
	b, _ := NewBatcher(indexed(4), 3, false, 0)
	for _, i := range []int{-1, 2} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Batch(0, %d) of 2 batches did not panic", i)
				}
			}()
			b.Batch(0, i, nil, nil)
		}()
	}
}
