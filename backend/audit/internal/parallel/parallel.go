// Package parallel runs the audit's independent per-principal work on every
// core.
package parallel

import (
	"runtime"
	"sync"
)

// Each calls a worker's function for every i in [0, n), with one worker per
// core. newWorker makes each worker's function, so a worker can keep state
// that is not safe to share (an evaluator's buffers). Each returns when
// every call has.
func Each(n int, newWorker func() func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(n, 1)) {
		wg.Go(func() {
			work := newWorker()
			for i := range next {
				work(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
