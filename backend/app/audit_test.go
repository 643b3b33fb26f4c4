package app

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/iamdb"
)

// recorder is an Emitter that keeps what it is sent.
type recorder struct {
	mu     sync.Mutex
	events []AuditProgress
}

func (r *recorder) Emit(event string, payload any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := payload.(AuditProgress); ok && event == EventAuditProgress {
		r.events = append(r.events, p)
	}
}

var (
	auditFixtures = filepath.Join("..", "audit", "importer", "testdata")
	trailFixtures = filepath.Join("..", "cloudtrail", "testdata", "trail")
)

// trailDir copies the CloudTrail fixtures into a temporary directory as
// the trail delivers them: gzipped.
func trailDir(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(trailFixtures, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(trailFixtures, p)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel+".gz")
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		zw := gzip.NewWriter(f)
		if _, err := zw.Write(data); err != nil {
			return err
		}
		return errors.Join(zw.Close(), f.Close())
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func newAuditService(t *testing.T) (*AuditService, *recorder) {
	t.Helper()
	rec := &recorder{}
	s := NewAuditService(t.Context(), tempStore(t), iamdb.Embedded, rec)
	s.now = func() time.Time { return time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC) }
	return s, rec
}

func TestAuditRunExportsWithCloudTrail(t *testing.T) {
	s, rec := newAuditService(t)
	req := AuditRequest{
		Authz:            filepath.Join(auditFixtures, "gaad.json"),
		CredentialReport: filepath.Join(auditFixtures, "credential-report.csv"),
		Organization:     filepath.Join(auditFixtures, "org.json"),
		PasswordPolicy:   filepath.Join(auditFixtures, "password-policy.json"),
		ResourcePolicies: filepath.Join(auditFixtures, "resource-policies.json"),
		AccessAdvisor:    filepath.Join(auditFixtures, "access-advisor.json"),
		EventSelectors:   filepath.Join(auditFixtures, "event-selectors.json"),
		CloudTrailDir:    trailDir(t),
		WindowDays:       2,
	}
	run, err := s.Run(req)
	if err != nil {
		t.Fatal(err)
	}
	a := run.Audit
	if run.ID == "" || run.PreviousID != "" || a.Drift != nil {
		t.Errorf("first run = id %q previous %q drift %v, want a saved audit without drift", run.ID, run.PreviousID, a.Drift)
	}
	if a.Account != "111122223333" || len(a.Principals) == 0 || !slices.Contains(a.Coverage.Sources, "cloudtrail") || len(a.Coverage.DataEventTypes) == 0 {
		t.Errorf("audit = account %q, %d principals, sources %v", a.Account, len(a.Principals), a.Coverage.Sources)
	}
	if len(a.ExternalAccess) == 0 {
		t.Error("no external access: the resource policies fixture grants some")
	}
	if !a.Window.End.Equal(time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)) || a.Coverage.Days != 2 {
		t.Errorf("window = %+v, %d days; want 2 days ending 2025-06-03", a.Window, a.Coverage.Days)
	}
	var phases []string
	for _, e := range rec.events {
		if len(phases) == 0 || phases[len(phases)-1] != e.Phase {
			phases = append(phases, e.Phase)
		}
		if e.Done > e.Total || (e.Done == e.Total && e.ETASeconds != 0) {
			t.Errorf("progress %+v: done beyond total, or finished with an ETA", e)
		}
	}
	if want := []string{PhaseDiscover, PhaseUsage, PhaseAnalyse, PhaseDone}; !slices.Equal(phases, want) {
		t.Errorf("phases = %v, want %v", phases, want)
	}

	// A second audit of the account is compared with the first.
	again, err := s.Run(req)
	if err != nil {
		t.Fatal(err)
	}
	if again.PreviousID != run.ID || again.Audit.Drift == nil || again.Audit.Drift.RiskScore != 0 || len(again.Audit.Drift.NewPrincipals) != 0 {
		t.Errorf("second run: previous %q (want %q), drift %+v; want an empty drift", again.PreviousID, run.ID, again.Audit.Drift)
	}

	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != again.ID || list[0].Account != "111122223333" || list[0].Summary == "" {
		t.Fatalf("list = %+v, want both audits, newest first", list)
	}
	opened, err := s.Open(run.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(opened)
	want, _ := json.Marshal(run)
	if string(got) != string(want) {
		t.Errorf("reopened audit differs from the run:\n got %.300s\nwant %.300s", got, want)
	}
}

func TestAuditRunBundle(t *testing.T) {
	s, _ := newAuditService(t)
	run, err := s.Run(AuditRequest{Bundle: filepath.Join(auditFixtures, "account.bundle.json"), WindowDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	if run.Audit.Account == "" || len(run.Audit.Principals) == 0 {
		t.Errorf("bundle audit = %+v, want its principals", run.Audit)
	}
}

func TestAuditRunRejectsBadRequests(t *testing.T) {
	s, rec := newAuditService(t)
	for _, tc := range []struct {
		name  string
		req   AuditRequest
		field string
	}{
		{"no input", AuditRequest{WindowDays: 90}, "authz"},
		{"both inputs", AuditRequest{Authz: "a.json", Bundle: "b.json", WindowDays: 90}, "authz"},
		{"bundle with exports", AuditRequest{Bundle: "b.json", EventSelectors: "e.json", WindowDays: 90}, "bundle"},
		{"no window", AuditRequest{Authz: "a.json"}, "windowDays"},
		{"bad end", AuditRequest{Authz: "a.json", WindowDays: 9, End: "June"}, "end"},
	} {
		_, err := s.Run(tc.req)
		var v *ValidationError
		if !errors.As(err, &v) || !slices.ContainsFunc(v.Fields, func(f FieldError) bool { return f.Field == tc.field }) {
			t.Errorf("%s: err = %v, want a ValidationError on %s", tc.name, err, tc.field)
		}
	}
	if _, err := s.Run(AuditRequest{Authz: filepath.Join(t.TempDir(), "missing.json"), WindowDays: 9}); err == nil {
		t.Error("missing file: no error")
	}
	if len(rec.events) > 1 {
		t.Errorf("failed runs emitted %v", rec.events)
	}
	if list, err := s.List(); err != nil || len(list) != 0 {
		t.Errorf("failed runs saved %v (%v)", list, err)
	}
	if _, err := s.Open("nope"); err == nil {
		t.Error("Open of an unknown ID: no error")
	}
}

func TestAuditRunStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s := NewAuditService(ctx, tempStore(t), iamdb.Embedded, &recorder{})
	s.now = func() time.Time { return time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC) }
	_, err := s.Run(AuditRequest{Authz: filepath.Join(auditFixtures, "gaad.json"), CloudTrailDir: trailDir(t), WindowDays: 2})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if list, _ := s.List(); len(list) != 0 {
		t.Errorf("a cancelled audit was saved: %v", list)
	}
}

// TestAuditSample audits the sample account: marked sample in the audit,
// the History title and summary, every phase reported; a second run is
// compared with the first sample audit only.
func TestAuditSample(t *testing.T) {
	s, rec := newAuditService(t)
	if _, err := s.Run(AuditRequest{Authz: filepath.Join(auditFixtures, "gaad.json"), WindowDays: 2}); err != nil {
		t.Fatal(err)
	}
	run, err := s.Run(AuditRequest{Source: SourceSample, WindowDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	if !run.Audit.Sample || run.PreviousID != "" || run.Source != "sample account" {
		t.Errorf("sample run: sample %v, previous %q, source %q; want a sample audit compared with nothing", run.Audit.Sample, run.PreviousID, run.Source)
	}
	seen := map[string]bool{}
	for _, e := range rec.events {
		seen[e.Phase] = true
	}
	for _, ph := range []string{PhaseDiscover, PhaseUsage, PhaseAnalyse, PhaseDone} {
		if !seen[ph] {
			t.Errorf("no %s progress: %v", ph, rec.events)
		}
	}
	list, err := s.List()
	if err != nil || len(list) != 2 || list[0].Account != "Sample account 111122223333" || !strings.HasPrefix(list[0].Summary, "sample data, ") {
		t.Errorf("list = %+v (%v), want the sample audit labelled", list, err)
	}
	again, err := s.Run(AuditRequest{Source: SourceSample, WindowDays: 90})
	if err != nil {
		t.Fatal(err)
	}
	if again.PreviousID != run.ID || again.Audit.Drift == nil || len(again.Audit.Drift.Principals) != 0 {
		t.Errorf("second sample run: previous %q, drift %+v; want the first sample, unchanged", again.PreviousID, again.Audit.Drift)
	}
	if _, err := s.Run(AuditRequest{Source: SourceSample, Authz: "gaad.json", WindowDays: 90}); err == nil {
		t.Error("the sample with exports: no error")
	}
}

// blocker is an Emitter that blocks the run at its first event of step
// until released, so a test can act while an audit runs.
type blocker struct {
	recorder
	step    string
	reached chan struct{}
	release chan struct{}
	once    sync.Once
}

func (b *blocker) Emit(event string, payload any) {
	b.recorder.Emit(event, payload)
	if p, ok := payload.(AuditProgress); ok && p.Step == b.step {
		b.once.Do(func() {
			close(b.reached)
			<-b.release
		})
	}
}

// TestAuditCancel cancels a running audit: Run returns ErrAuditCancelled,
// a second audit is refused while one runs, nothing is saved, and a new
// audit runs afterwards.
func TestAuditCancel(t *testing.T) {
	b := &blocker{step: "CloudTrail log files", reached: make(chan struct{}), release: make(chan struct{})}
	s := NewAuditService(t.Context(), tempStore(t), iamdb.Embedded, b)
	errc := make(chan error, 1)
	go func() {
		_, err := s.Run(AuditRequest{Source: SourceSample, WindowDays: 90})
		errc <- err
	}()
	<-b.reached
	if _, err := s.Run(AuditRequest{Source: SourceSample, WindowDays: 90}); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("a second audit while one runs: %v, want refused", err)
	}
	if !s.Cancel() {
		t.Error("Cancel while an audit runs reported none running")
	}
	close(b.release)
	if err := <-errc; !errors.Is(err, ErrAuditCancelled) {
		t.Errorf("cancelled run: %v, want ErrAuditCancelled", err)
	}
	if s.Cancel() {
		t.Error("Cancel with no audit running reported one")
	}
	if list, _ := s.List(); len(list) != 0 {
		t.Errorf("a cancelled audit was saved: %v", list)
	}
	if _, err := s.Run(AuditRequest{Source: SourceSample, WindowDays: 90}); err != nil {
		t.Errorf("an audit after the cancelled one: %v", err)
	}
}
