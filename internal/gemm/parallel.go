package gemm

import (
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Work split of a parallel call.
const (
	splitM = iota // rows of C, in whole mr panels
	splitN        // columns of C, in whole nr panels
	splitK        // inner dimension; thread 0 writes C, the others private copies that are added in
)

const maxThreads = 255 // the thread count fits in the low byte of pool.call

// parallelMin is the least m*n*k worth waking the workers for: below it the
// hand-off costs more than the second core gains.
var parallelMin = 1 << 19

// task is a parallel call seen by the workers.
type task interface{ work(id int, cx *ctx) }

// pool holds the persistent workers; one caller at a time uses them.
//
// Waking a parked goroutine can take a hundred microseconds on a virtual
// machine, as long as a whole product of the MLP workload, so a worker that
// finishes its share spins for spinWait watching for the next call before it
// parks, and the caller spins for up to spinWait for the workers to finish
// before it sleeps (a worker that the OS has descheduled may need its core).
// A worker parks by setting its flag, looking for a call once more and
// sleeping only if there is none; a caller that clears a set flag sends the
// wake-up.
type pool struct {
	mu      sync.Mutex // held by the caller using the workers
	workers []*worker  // thread ids 1, 2, ...
	cx      []*ctx     // per thread id; 0 is the caller
	// call is the call number << 8 | its number of threads; a worker whose
	// id is below that number runs job and then decrements pending.
	call atomic.Uint64
	// pending counts the workers yet to finish the call, plus sleeping
	// once the caller sleeps on done for the last of them.
	pending atomic.Int32
	done    chan struct{} // buffered 1
	job     task
	s       job[float32]
	d       job[float64]
}

type worker struct {
	id     int
	parked atomic.Bool
	wake   chan struct{}
}

var (
	workers  pool
	spinWait = 100 * time.Microsecond
)

const sleeping = 1 << 30 // in pool.pending

func (w *pool) run(me *worker, last uint64) {
	for {
		last = w.next(me, last)
		if me.id < int(last&0xff) {
			w.job.work(me.id, w.cx[me.id])
			if w.pending.Add(-1) == sleeping {
				w.done <- struct{}{}
			}
		}
	}
}

// next waits for a call after last and returns it.
func (w *pool) next(me *worker, last uint64) uint64 {
	start := time.Now()
	for i := 1; ; i++ {
		if c := w.call.Load(); c != last {
			return c
		}
		if i%1024 == 0 {
			if time.Since(start) > spinWait {
				break
			}
			runtime.Gosched()
		}
	}
	for {
		me.parked.Store(true)
		if c := w.call.Load(); c != last && me.parked.CompareAndSwap(true, false) {
			return c
		}
		<-me.wake // the caller that unparked us sends
		if c := w.call.Load(); c != last {
			return c
		}
		// A caller late in waking us for a call that we have run already.
	}
}

// job is a parallel call: the problem, its split and thread id's share
// bounds[id] to bounds[id+1] of the split dimension.
type job[T float] struct {
	p      problem[T]
	split  int
	bounds [maxThreads + 1]int
}

func (j *job[T]) work(id int, cx *ctx) {
	p, bf := &j.p, bufsOf[T](cx)
	lo, hi := j.bounds[id], j.bounds[id+1]
	switch {
	case j.split == splitM:
		p.block(bf, lo, hi, 0, p.n, 0, p.k, p.c[lo*p.ldc:], p.ldc, p.beta)
	case j.split == splitN:
		p.block(bf, 0, p.m, lo, hi, 0, p.k, p.c[lo:], p.ldc, p.beta)
	case id == 0:
		p.block(bf, 0, p.m, 0, p.n, lo, hi, p.c, p.ldc, p.beta)
	default:
		p.block(bf, 0, p.m, 0, p.n, lo, hi, bf.c.get(p.m*p.n), p.n, 0)
	}
}

// plan picks how to split m x n x k over at most nt threads: the split and
// the number of parts, 1 when the call should stay on one thread.
func plan(m, n, k, mr, nr, kc, nt int) (split, parts int) {
	if nt < 2 || float64(m)*float64(n)*float64(k) < float64(parallelMin) {
		return 0, 1
	}
	mt, nt2 := (m+mr-1)/mr, (n+nr-1)/nr
	// Too few tiles of C to share evenly, or a much longer inner dimension:
	// split that and add up the private copies (they are small since C is).
	if (max(mt, nt2) < 4*nt || k >= 4*max(m, n)) && k >= 2*kc && m*n <= 1<<20 {
		return splitK, min(nt, k/kc)
	}
	// Otherwise the split with the least work for the busiest thread: its
	// tiles of C, and the elements it packs, at 8 multiply-adds each (each
	// thread packs all of B for a split of m, all of A for a split of n, but
	// A not at all when it is read in place).
	cost := func(split, parts int) float64 {
		if parts < 2 {
			return math.Inf(1)
		}
		tm, tn, cols := mt, nt2, n
		if split == splitM {
			tm = (mt + parts - 1) / parts
		} else {
			tn = (nt2 + parts - 1) / parts
			cols = tn * nr
		}
		packed := float64(k) * float64(min(tn*nr, n)) // B
		if cols > directN*nr {
			packed += float64(k) * float64(min(tm*mr, m)) // A
		}
		return float64(tm*tn*mr*nr)*float64(k) + 8*packed
	}
	pm, pn := min(nt, mt), min(nt, nt2)
	if cost(splitN, pn) < cost(splitM, pm) {
		return splitN, pn
	}
	if pm < 2 {
		return 0, 1
	}
	return splitM, pm
}

// parallel runs p on the workers when it is large enough and they are free,
// and reports whether it did.
func parallel[T float](p *problem[T]) bool {
	nt := min(runtime.GOMAXPROCS(0), maxThreads)
	split, parts := plan(p.m, p.n, p.k, p.cf.mr, p.cf.nr, p.cf.kc, nt)
	if parts < 2 || !workers.mu.TryLock() {
		return false
	}
	w := &workers
	defer w.mu.Unlock()
	for len(w.cx) < parts {
		w.cx = append(w.cx, new(ctx))
		if id := len(w.cx) - 1; id > 0 {
			if w.done == nil {
				w.done = make(chan struct{}, 1)
			}
			me := &worker{id: id, wake: make(chan struct{}, 1)}
			w.workers = append(w.workers, me)
			go w.run(me, w.call.Load())
		}
	}
	j := jobOf[T](w)
	j.p, j.split = *p, split
	// Even shares, in whole tiles for the m and n splits.
	size, unit := p.k, 1
	switch split {
	case splitM:
		size, unit = p.m, p.cf.mr
	case splitN:
		size, unit = p.n, p.cf.nr
	}
	units := (size + unit - 1) / unit
	for id := 0; id <= parts; id++ {
		j.bounds[id] = min(size, units*id/parts*unit)
	}
	w.job = j
	w.pending.Store(int32(parts - 1))
	w.call.Store((w.call.Load()>>8+1)<<8 | uint64(parts))
	for _, me := range w.workers[:parts-1] {
		if me.parked.CompareAndSwap(true, false) {
			me.wake <- struct{}{}
		}
	}
	j.work(0, w.cx[0])
	w.wait()
	if split == splitK {
		// C += the private products of threads 1..parts-1.
		for id := 1; id < parts; id++ {
			pc := bufsOf[T](w.cx[id]).c.s
			for i := 0; i < p.m; i++ {
				row := p.c[i*p.ldc : i*p.ldc+p.n]
				for jj, v := range pc[i*p.n : i*p.n+p.n] {
					row[jj] += v
				}
			}
		}
	}
	w.job = nil
	j.p = problem[T]{} // drop the references to the caller's slices
	return true
}

// wait returns when the workers have finished the call.
func (w *pool) wait() {
	start := time.Now()
	for i := 1; w.pending.Load() != 0; i++ {
		if i%1024 == 0 {
			if time.Since(start) > spinWait {
				if w.pending.Or(sleeping) != 0 {
					<-w.done // sent by the worker whose decrement leaves just sleeping
				}
				return
			}
			runtime.Gosched()
		}
	}
}

func jobOf[T float](w *pool) *job[T] {
	var z T
	if _, ok := any(z).(float32); ok {
		return any(&w.s).(*job[T])
	}
	return any(&w.d).(*job[T])
}

// The contexts of calls that run on the calling goroutine.
var (
	freeMu sync.Mutex
	free   []*ctx
)

func getCtx() *ctx {
	freeMu.Lock()
	defer freeMu.Unlock()
	if n := len(free); n > 0 {
		cx := free[n-1]
		free = free[:n-1]
		return cx
	}
	return new(ctx)
}

func putCtx(cx *ctx) {
	freeMu.Lock()
	free = append(free, cx)
	freeMu.Unlock()
}
