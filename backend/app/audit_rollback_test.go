package app

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/remediate"
	"github.com/aegis-iam/aegis/backend/store"
)

// TestAuditRunKeepsDenialsForRollbackSuggestions checks that an audit with
// CloudTrail usage saves its denied calls with their times, and that
// RemediationService.Suggestions turns those after a remediation's apply,
// and only those, into rollback suggestions.
func TestAuditRunKeepsDenialsForRollbackSuggestions(t *testing.T) {
	st := tempStore(t)
	s := NewAuditService(t.Context(), st, iamdb.Embedded, &recorder{})
	s.now = func() time.Time { return time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC) }
	run, err := s.Run(AuditRequest{Authz: filepath.Join(auditFixtures, "gaad.json"), CloudTrailDir: trailDir(t), WindowDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Denials) == 0 {
		t.Fatal("no denials saved: the trail fixture holds AccessDenied and Client.UnauthorizedOperation")
	}
	d := run.Denials[0]
	if d.Last.IsZero() || d.Approximate || d.Principal == "" {
		t.Fatalf("denial %+v: want a principal and the time it was last seen", d)
	}

	svc := NewRemediationService(context.Background(), st, nil)
	records := store.NewRemediations[remediate.Record](st)
	inForce := func(id string, applied time.Time) {
		rec := remediate.Record{ID: id, Status: remediate.Applied, Principal: remediate.Principal{ARN: d.Principal, Name: "p"},
			Removed: []string{d.Action}, Apply: &remediate.Run{Started: applied, Done: []remediate.StepResult{{OK: true}}}}
		if err := records.Put(id, rec); err != nil {
			t.Fatal(err)
		}
	}
	inForce("before", d.Last.Add(-time.Minute))
	inForce("after", d.Last.Add(time.Minute))
	sugg, err := svc.Suggestions(run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(sugg) != 1 || sugg[0].RecordID != "before" || len(sugg[0].Removed) != 1 || sugg[0].Removed[0] != d.Action {
		t.Errorf("suggestions = %+v; want the remediation applied before the denial, removing %s", sugg, d.Action)
	}
}
