package parallel

import (
	"sync/atomic"
	"testing"
)

func TestEach(t *testing.T) {
	for _, n := range []int{0, 1, 1000} {
		seen := make([]int32, n)
		var workers atomic.Int32
		Each(n, func() func(int) {
			workers.Add(1)
			return func(i int) { atomic.AddInt32(&seen[i], 1) }
		})
		for i, c := range seen {
			if c != 1 {
				t.Fatalf("n=%d: index %d done %d times, want once", n, i, c)
			}
		}
		if workers.Load() < 1 {
			t.Errorf("n=%d: no worker", n)
		}
	}
}
