package spectral

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// pool runs tasks with at most cap(slots) at once, across all the matrices
// of a batch, so that one large matrix uses every core and many small ones
// do not oversubscribe them.
type pool struct{ slots chan struct{} }

func newPool(workers int) *pool { return &pool{slots: make(chan struct{}, workers)} }

// run runs every task, each in its own goroutine once a slot is free, and
// waits for all of them. It returns the first task error in task order,
// else ctx's error if ctx ended before some task started. A task that has
// started runs to completion: the solvers cannot be interrupted.
func (p *pool) run(ctx context.Context, tasks ...func() error) error {
	errs := make([]error, len(tasks))
	var wg sync.WaitGroup
	for i, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case p.slots <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				return
			}
			defer func() { <-p.slots }()
			if err := ctx.Err(); err != nil {
				errs[i] = err
				return
			}
			errs[i] = protect(task)
		}()
	}
	wg.Wait()
	var ctxErr error
	for _, err := range errs {
		switch {
		case err == nil:
		case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			ctxErr = cmpOr(ctxErr, err)
		default:
			return err
		}
	}
	return ctxErr
}

// protect runs task, turning a panic into an error.
func protect(task func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return task()
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
