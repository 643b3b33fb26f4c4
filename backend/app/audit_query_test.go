package app

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/audit/query"
	"github.com/aegis-iam/aegis/backend/audit/result"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/store"
)

func TestAuditQueryAnswersAboutASavedAudit(t *testing.T) {
	s, _ := newAuditService(t)
	run, err := s.Run(AuditRequest{Authz: filepath.Join(auditFixtures, "gaad.json"), WindowDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	who, err := s.Query(run.ID, "who can iam:PassRole")
	if err != nil {
		t.Fatal(err)
	}
	if who.Kind != query.WhoCan || len(who.Matches) == 0 {
		t.Fatalf("who can iam:PassRole = %+v, want principals", who)
	}
	for _, m := range who.Matches {
		if m.Type != "external" && !slices.ContainsFunc(run.Audit.Principals, func(p result.Principal) bool { return p.ARN == m.Principal }) {
			t.Errorf("match %s is not a principal of the audit the page links to", m.Principal)
		}
	}
	what, err := s.Query(run.ID, "what can "+who.Matches[0].Principal+" do")
	if err != nil || what.Principal != who.Matches[0].Principal {
		t.Fatalf("what can: %+v, %v", what, err)
	}

	_, err = s.Query(run.ID, "who can iam:PassRole at arn:aws:iam::111122223333:role/x")
	if err == nil || !strings.Contains(err.Error(), "column") {
		t.Errorf("malformed query: %v, want an error naming the column", err)
	}
	if _, err := s.Query("NOPE", "who can s3:GetObject"); err == nil {
		t.Error("an unknown audit: no error")
	}

	payload, err := json.Marshal(run)
	if err != nil {
		t.Fatal(err)
	}
	bare, err := s.history.Append(store.Record{Kind: store.KindAudit, Title: run.Audit.Account, Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Query(bare.ID, "who can iam:PassRole"); err == nil || !strings.Contains(err.Error(), "run it again") {
		t.Errorf("an audit saved without its snapshot: err = %v, want one saying to run it again", err)
	}
}

// TestAuditQueryAfterReopen closes the database after an audit and asks
// about it from a new service over the reopened file, as after a restart:
// the snapshot is stored apart from the run, which the history shows
// without it.
func TestAuditQueryAfterReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), store.FileName)
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC) }
	s := NewAuditService(t.Context(), st, iamdb.Embedded, &recorder{})
	s.now = now
	run, err := s.Run(AuditRequest{Authz: filepath.Join(auditFixtures, "gaad.json"), WindowDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.Query(run.ID, "who can iam:PassRole")
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entry, err := NewHistoryService(st).Get(run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(entry.Payload, []byte(`"snapshot"`)) {
		t.Errorf("the history entry of audit %s holds the snapshot: want it stored apart", run.ID)
	}
	s = NewAuditService(t.Context(), st, iamdb.Embedded, &recorder{})
	s.now = now
	got, err := s.Query(run.ID, "who can iam:PassRole")
	if err != nil {
		t.Fatalf("Query after reopen: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("who can iam:PassRole after reopen (-before +after):\n%s", diff)
	}
}
