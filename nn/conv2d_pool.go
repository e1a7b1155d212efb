package nn

import "sync"

// The engine's per-core scratch (patch rows, padded inputs, products) is
// needed only while one convolution runs its pass, so the convolutions of a
// process share it: a pass takes a workspace per core from a pool and gives
// them back at its end. A deep network then holds the scratch of its
// largest layer (times the cores), not the sum over its layers; a pass
// allocates nothing once the pool has grown to the demand.

type workPool[T Float] struct {
	mu   sync.Mutex
	free []*convWork[T]
}

var (
	workPool32 workPool[float32]
	workPool64 workPool[float64]
)

func poolOf[T Float]() *workPool[T] {
	if is32[T]() {
		return any(&workPool32).(*workPool[T])
	}
	return any(&workPool64).(*workPool[T])
}

// takeWork sets c.work to n workspaces from the pool.
func (c *Conv2d[T]) takeWork(n int) {
	p := poolOf[T]()
	p.mu.Lock()
	c.work = c.work[:0]
	for range n {
		if k := len(p.free); k > 0 {
			c.work = append(c.work, p.free[k-1])
			p.free[k-1] = nil
			p.free = p.free[:k-1]
		} else {
			c.work = append(c.work, &convWork[T]{})
		}
	}
	p.mu.Unlock()
}

// releaseWork gives c.work back to the pool.
func (c *Conv2d[T]) releaseWork() {
	p := poolOf[T]()
	p.mu.Lock()
	p.free = append(p.free, c.work...)
	p.mu.Unlock()
	clear(c.work)
	c.work = c.work[:0]
}
