package app

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestProgress: a step's ETA comes from its pace since the previous
// report (its start), one event per percent, 0 when done, -1 before any
// unit is done.
func TestProgress(t *testing.T) {
	rec := &recorder{}
	clock := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	p := newProgress(rec, func() time.Time { return clock })
	tick := func(d time.Duration) { clock = clock.Add(d) }
	p.report(PhaseDiscover, "connecting", 0, 1)
	tick(time.Second)
	p.report(PhaseDiscover, "connecting", 1, 1)
	tick(4 * time.Second) // the first of 4 jobs took 4 s
	p.report(PhaseDiscover, "access-advisor", 1, 4)
	p.report(PhaseDiscover, "access-advisor", 1, 4) // same percent: not sent again
	tick(2 * time.Second)
	p.report(PhaseDiscover, "access-advisor", 2, 4)
	p.report(PhaseUsage, "CloudTrail log files", 0, 200)
	p.report(PhaseUsage, "no CloudTrail logs given", 0, 0)
	want := []AuditProgress{
		{Phase: PhaseDiscover, Step: "connecting", Done: 0, Total: 1, ETASeconds: -1},
		{Phase: PhaseDiscover, Step: "connecting", Done: 1, Total: 1, ETASeconds: 0},
		{Phase: PhaseDiscover, Step: "access-advisor", Done: 1, Total: 4, ETASeconds: 12},
		{Phase: PhaseDiscover, Step: "access-advisor", Done: 2, Total: 4, ETASeconds: 6},
		{Phase: PhaseUsage, Step: "CloudTrail log files", Done: 0, Total: 200, ETASeconds: -1},
		{Phase: PhaseUsage, Step: "no CloudTrail logs given", Done: 0, Total: 0, ETASeconds: 0},
	}
	if diff := cmp.Diff(want, rec.events); diff != "" {
		t.Errorf("progress events (-want +got):\n%s", diff)
	}
}
