package nn

import (
	"runtime"
	"sync"
)

// minParallelWork is the number of element operations below which a loop
// runs on the calling goroutine: starting goroutines costs a few
// microseconds.
const minParallelWork = 1 << 16

// worthParallel reports whether a loop of n items of perItem element
// operations each is worth splitting over the cores. Callers test it before
// building the closure for parallelFor, so that small loops allocate
// nothing.
func worthParallel(n, perItem int) bool {
	return runtime.GOMAXPROCS(0) > 1 && n > 1 && n*perItem >= minParallelWork
}

// parallelFor runs body over [0, n) in contiguous chunks, one per available
// core. The chunks must write disjoint memory: the result is then the same
// as that of one call body(0, n), bit for bit.
func parallelFor(n int, body func(lo, hi int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers < 2 {
		body(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*n/workers, (w+1)*n/workers
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(lo, hi)
		}()
	}
	wg.Wait()
}
