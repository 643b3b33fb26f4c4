package app

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/awsapi"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/mcp/collect/collecttest"
)

// liveService is an AuditService with live sources over the account
// collecttest serves from local AWS endpoints.
func liveService(t *testing.T, emit Emitter) (*AuditService, *collecttest.Account) {
	t.Helper()
	a := collecttest.New(t)
	profiles, err := awsapi.NewProfiles(awsapi.Options{Files: awsapi.SharedFiles{Config: a.Home.ConfigFile, Credentials: a.Home.CredentialsFile}})
	if err != nil {
		t.Fatal(err)
	}
	s := WithLiveSources(NewAuditService(t.Context(), tempStore(t), iamdb.Embedded, emit), profiles, "test")
	s.now = func() time.Time { return collecttest.CollectedAt }
	return s, a
}

// TestAuditLive audits the fake account through the built-in AWS server:
// the collection's steps are discover progress, a denied API is a gap in
// the saved run.
func TestAuditLive(t *testing.T) {
	rec := &recorder{}
	s, a := liveService(t, rec)
	a.IAM.Deny("GenerateCredentialReport")
	run, err := s.Run(AuditRequest{Source: SourceAWS, Profile: collecttest.Profile, Region: "eu-west-1", WindowDays: 30})
	if err != nil {
		t.Fatal(err)
	}
	if run.Audit.Account != "111122223333" || len(run.Audit.Principals) == 0 || run.Audit.Sample {
		t.Errorf("live audit: account %q, %d principals, sample %v", run.Audit.Account, len(run.Audit.Principals), run.Audit.Sample)
	}
	if len(run.Gaps) == 0 || run.Gaps[0].Reason != "access-denied" || !strings.Contains(run.Source, "profile static") {
		t.Errorf("gaps %+v, source %q: want the denied credential report from profile static", run.Gaps, run.Source)
	}
	steps := map[string]bool{}
	for _, e := range rec.events {
		if e.Phase == PhaseDiscover {
			steps[e.Step] = true
		}
	}
	for _, step := range []string{"connecting", "authorization", "access-advisor"} {
		if !steps[step] {
			t.Errorf("no discover step %s: %v", step, rec.events)
		}
	}
	saved, err := s.Open(run.ID)
	if err != nil || len(saved.Gaps) != len(run.Gaps) {
		t.Errorf("reopened run: %d gaps (%v), want %d", len(saved.Gaps), err, len(run.Gaps))
	}
}

// TestAuditLiveCancel cancels while Access Advisor jobs are polled: the
// collection stops at once (a poll waits two seconds) and nothing is
// saved.
func TestAuditLiveCancel(t *testing.T) {
	b := &blocker{step: "access-advisor", reached: make(chan struct{}), release: make(chan struct{})}
	s, _ := liveService(t, b)
	errc := make(chan error, 1)
	go func() {
		_, err := s.Run(AuditRequest{Source: SourceAWS, Profile: collecttest.Profile, WindowDays: 30})
		errc <- err
	}()
	<-b.reached
	start := time.Now()
	s.Cancel()
	close(b.release)
	if err := <-errc; !errors.Is(err, ErrAuditCancelled) {
		t.Errorf("cancelled live run: %v, want ErrAuditCancelled", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("the run took %v to stop after Cancel", d)
	}
	if list, _ := s.List(); len(list) != 0 {
		t.Errorf("a cancelled audit was saved: %v", list)
	}
}

// TestAuditSourceUnreachable: a profile that cannot sign in and an MCP
// server that does not start are SourceErrors naming the source, whose
// text the page reads.
func TestAuditSourceUnreachable(t *testing.T) {
	s, _ := liveService(t, &recorder{})
	if err := s.settings.Put(Settings{MCPServers: []MCPServer{{Name: "broken", Transport: "stdio", Command: "/nonexistent/mcp-server", Enabled: true}}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		req        AuditRequest
		source, in string
	}{
		{AuditRequest{Source: SourceAWS, Profile: "no-such-profile", WindowDays: 30}, SourceAWS, "profile no-such-profile"},
		{AuditRequest{Source: SourceMCP, MCPServer: "broken", WindowDays: 30}, SourceMCP, "MCP server broken"},
	} {
		_, err := s.Run(tc.req)
		var se *SourceError
		if !errors.As(err, &se) || se.Source != tc.source || !strings.Contains(se.Name, tc.in) {
			t.Errorf("%+v: err = %v, want a SourceError from %s", tc.req, err, tc.in)
			continue
		}
		var text struct {
			Message     string
			Unreachable struct{ Source, Name string }
		}
		if err := json.Unmarshal([]byte(se.Error()), &text); err != nil || text.Unreachable.Source != tc.source || text.Message == "" {
			t.Errorf("error text %s: %v", se.Error(), err)
		}
	}
	if _, err := s.Run(AuditRequest{Source: SourceMCP, MCPServer: "absent", WindowDays: 30}); err == nil || !strings.Contains(err.Error(), `no enabled MCP server named "absent"`) {
		t.Errorf("an unknown MCP server: %v", err)
	}
}
