// Package benchutil is test support for benchmarks that measure latency:
// it collects one duration per operation and reports the percentiles
// (p50, p99, max) as custom benchmark metrics, so every latency benchmark
// reports them the same way. It is imported only by _test files.
package benchutil

import (
	"slices"
	"testing"
	"time"
)

// Latencies collects the duration of each operation of a benchmark.
type Latencies struct {
	times []time.Duration
}

// Time runs op and records how long it took.
func (l *Latencies) Time(op func()) {
	start := time.Now()
	op()
	l.times = append(l.times, time.Since(start))
}

// Percentile returns the duration below which a fraction p (0 to 1) of the
// recorded operations fall, by the nearest-rank-below rule; zero when
// nothing was recorded.
func (l *Latencies) Percentile(p float64) time.Duration {
	if len(l.times) == 0 {
		return 0
	}
	sorted := slices.Clone(l.times)
	slices.Sort(sorted)
	return sorted[int(p*float64(len(sorted)-1))]
}

// Report replaces b's ns/op (a mean over loop iterations that each time
// many operations) with the p50, p99 and max latencies in milliseconds,
// and the number of operations timed per iteration as unit.
func (l *Latencies) Report(b *testing.B, perIteration int, unit string) {
	b.Helper()
	ms := func(p float64) float64 { return float64(l.Percentile(p).Microseconds()) / 1000 }
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ms(0.50), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
	b.ReportMetric(ms(1), "max-ms")
	b.ReportMetric(float64(perIteration), unit)
}
