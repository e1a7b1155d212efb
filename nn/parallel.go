package nn

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// minParallelWork is the number of element operations below which a loop
// runs on the calling goroutine: handing chunks to the workers costs a few
// microseconds.
const minParallelWork = 1 << 16

// worthParallel reports whether a loop of n items of perItem element
// operations each is worth splitting over the cores.
func worthParallel(n, perItem int) bool {
	return runtime.GOMAXPROCS(0) > 1 && n > 1 && n*perItem >= minParallelWork
}

// task is the body of a parallel loop: run does items [lo, hi). Callers pass
// a pointer to a task kept in their layer, which goes into the interface
// without allocating; a closure handed to other goroutines would be
// allocated on every call.
type task interface{ run(lo, hi int) }

// parallelFor runs t over [0, n) in contiguous chunks, one per available
// core: the calling goroutine takes the first, persistent workers the
// others. The chunks must write disjoint memory: the result is then the same
// as that of one call t.run(0, n), bit for bit, which is also what happens
// when another goroutine's loop holds the workers (or a chunk itself calls
// parallelFor). It allocates nothing once the workers are started.
func parallelFor(n int, t task) {
	parts := min(runtime.GOMAXPROCS(0), n, maxLoopThreads)
	if parts < 2 || !loops.mu.TryLock() {
		t.run(0, n)
		return
	}
	p := &loops
	defer p.mu.Unlock()
	for len(p.workers) < parts-1 {
		if p.done == nil {
			p.done = make(chan struct{}, 1)
		}
		me := &loopWorker{id: len(p.workers) + 1, wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, me)
		go p.serve(me, p.call.Load())
	}
	p.t, p.n = t, n
	p.pending.Store(int32(parts - 1))
	p.call.Store((p.call.Load()>>8+1)<<8 | uint64(parts))
	for _, me := range p.workers[:parts-1] {
		if me.parked.CompareAndSwap(true, false) {
			me.wake <- struct{}{}
		}
	}
	t.run(0, n/parts)
	p.wait()
	p.t = nil // drop the reference to the caller's buffers
}

// The persistent workers are those of internal/gemm's pool, in small: after
// a loop a worker spins for loopSpin watching for the next one before it
// parks (waking a parked goroutine can take a hundred microseconds on a
// virtual machine, longer than many of these loops), and the caller spins
// for up to loopSpin for the workers to finish before it sleeps.
type loopPool struct {
	mu      sync.Mutex // held by the caller using the workers
	workers []*loopWorker
	// call is the loop number << 8 | its number of chunks; a worker whose
	// id is below that number runs its chunk and decrements pending.
	call    atomic.Uint64
	pending atomic.Int32  // workers yet to finish, plus loopSleeping once the caller sleeps
	done    chan struct{} // buffered 1
	t       task
	n       int
}

type loopWorker struct {
	id     int
	parked atomic.Bool
	wake   chan struct{}
}

const (
	maxLoopThreads = 255 // the chunk count fits in the low byte of call
	loopSleeping   = 1 << 30
	loopSpin       = 100 * time.Microsecond
)

var loops loopPool

func (p *loopPool) serve(me *loopWorker, last uint64) {
	for {
		last = p.next(me, last)
		if parts := int(last & 0xff); me.id < parts {
			n := p.n
			p.t.run(me.id*n/parts, (me.id+1)*n/parts)
			if p.pending.Add(-1) == loopSleeping {
				p.done <- struct{}{}
			}
		}
	}
}

// next waits for a loop after last and returns it.
func (p *loopPool) next(me *loopWorker, last uint64) uint64 {
	start := time.Now()
	for i := 1; ; i++ {
		if c := p.call.Load(); c != last {
			return c
		}
		if i%1024 == 0 {
			if time.Since(start) > loopSpin {
				break
			}
			runtime.Gosched()
		}
	}
	for {
		me.parked.Store(true)
		if c := p.call.Load(); c != last && me.parked.CompareAndSwap(true, false) {
			return c
		}
		<-me.wake // the caller that unparked us sends
		if c := p.call.Load(); c != last {
			return c
		}
		// A caller late in waking us for a loop that we have run already.
	}
}

// wait returns when the workers have finished the loop.
func (p *loopPool) wait() {
	start := time.Now()
	for i := 1; p.pending.Load() != 0; i++ {
		if i%1024 == 0 {
			if time.Since(start) > loopSpin {
				if p.pending.Or(loopSleeping) != 0 {
					<-p.done // sent by the worker whose decrement leaves just loopSleeping
				}
				return
			}
			runtime.Gosched()
		}
	}
}
