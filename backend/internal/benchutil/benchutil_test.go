package benchutil

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	var l Latencies
	if got := l.Percentile(0.99); got != 0 {
		t.Errorf("empty Percentile(0.99) = %v, want 0", got)
	}
	// 100 operations of 1..100 ms, recorded out of order.
	for i := 100; i >= 1; i-- {
		l.times = append(l.times, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{
		{0, time.Millisecond},
		{0.5, 50 * time.Millisecond},
		{0.99, 99 * time.Millisecond},
		{1, 100 * time.Millisecond},
	} {
		if got := l.Percentile(tc.p); got != tc.want {
			t.Errorf("Percentile(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if l.times[0] != 100*time.Millisecond {
		t.Error("Percentile reordered the recorded times")
	}
}

func TestTime(t *testing.T) {
	var l Latencies
	ran := false
	l.Time(func() { ran = true })
	if !ran || len(l.times) != 1 || l.times[0] < 0 {
		t.Errorf("Time: ran %v, recorded %v", ran, l.times)
	}
}
