package result

import (
	"context"
	"encoding/json"
	"os"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/audit"
	"github.com/aegis-iam/aegis/backend/audit/unused"
	"github.com/aegis-iam/aegis/backend/cloudtrail"
	"github.com/aegis-iam/aegis/backend/iamdb"
)

// BenchmarkAuditScaleAnalyze is BenchmarkAuditScale's analysis alone: the
// trail is read once and its usage cached as JSON beside it, so that the
// analysis can be timed and profiled without the read. Run it alone:
//
//	go test -run '^$' -bench AuditScaleAnalyze -benchtime 1x -cpuprofile cpu.out ./backend/audit/result
func BenchmarkAuditScaleAnalyze(b *testing.B) {
	events := scaleEvents()
	dir := scaleTree(b, events)
	db, err := iamdb.Embedded()
	if err != nil {
		b.Fatal(err)
	}
	w := unused.Window{Start: scaleStart, End: scaleStart.AddDate(0, 0, scaleDays)}
	u := scaleUsage(b, db, dir, w)
	s := scaleSnapshot(db)
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS(b)
	c0 := cpuTime()
	for b.Loop() {
		a, err := Run(db, s, u, w)
		if err != nil {
			b.Fatal(err)
		}
		if len(a.Principals) != scalePrincipals {
			b.Fatalf("%d principals audited, want %d", len(a.Principals), scalePrincipals)
		}
	}
	b.ReportMetric((cpuTime()-c0).Seconds()/float64(b.N), "cpu-s")
	b.ReportMetric(float64(peakRSS(b))/(1<<20), "peak-RSS-MiB")
}

// scaleUsage returns the usage of the trail in dir, read once and cached
// in dir+".usage.json".
func scaleUsage(b *testing.B, db *iamdb.DB, dir string, w unused.Window) *audit.Usage {
	b.Helper()
	cache := dir + ".usage.json"
	u := &audit.Usage{}
	if data, err := os.ReadFile(cache); err == nil && json.Unmarshal(data, u) == nil {
		return u
	}
	t0 := time.Now()
	u, err := cloudtrail.ReadDir(context.Background(), dir, cloudtrail.Options{DB: db, Start: w.Start, End: w.End})
	if err != nil || len(u.Failures) > 0 {
		b.Fatal(err, u.Failures)
	}
	b.Logf("read the trail in %s", time.Since(t0).Round(time.Millisecond))
	data, err := json.Marshal(u)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(cache, data, 0o644); err != nil {
		b.Fatal(err)
	}
	return u
}
