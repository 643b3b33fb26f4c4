package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/policy"
)

func newBaselineTestRun(t *testing.T) *Run {
	t.Helper()
	reg, err := check.NewRegistry(actionRule("AEG-WILD-901", check.SeverityHigh), actionRule("AEG-WILD-902", check.SeverityLow))
	if err != nil {
		t.Fatal(err)
	}
	return &Run{Registry: reg, Now: time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)}
}

const (
	readStmt  = `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`
	writeStmt = `{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}`
)

func policyOf(stmts ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",\n\n") + `]}`
}

// baselineFrom validates src and loads its JSON report as a baseline.
func baselineFrom(t *testing.T, r *Run, src string) *Baseline {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteJSON(&buf, r.Validate([]*Document{parseDoc(t, "p.json", policy.KindIdentity, src)}, nil)); err != nil {
		t.Fatal(err)
	}
	b, err := LoadBaseline("baseline.json", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBaselineSetsAsideOnlyWhatItHolds(t *testing.T) {
	r := newBaselineTestRun(t)
	r.Baseline = baselineFrom(t, r, policyOf(readStmt))
	if r.Baseline.Len() != 2 {
		t.Fatalf("baseline holds %d findings, want 2", r.Baseline.Len())
	}
	// The old statement moved down (new lines above it), a new one added,
	// and the old one repeated: only the new statement and the repeat count.
	rep := r.Validate([]*Document{parseDoc(t, "p.json", policy.KindIdentity, "\n\n\n"+policyOf(writeStmt, readStmt, readStmt))}, nil)
	in := rep.Inputs[0]
	if len(in.Suppressed) != 2 || len(in.Findings) != 4 {
		t.Fatalf("suppressed %d, counted %d; want 2 and 4", len(in.Suppressed), len(in.Findings))
	}
	for _, s := range in.Suppressed {
		if s.Location.Statement != 1 || s.Owner != "baseline" || !strings.Contains(s.Reason, "baseline.json") || s.expiry() != "" {
			t.Errorf("suppressed %+v", s)
		}
	}
	var md bytes.Buffer
	if err := WriteMarkdown(&md, rep); err != nil || !strings.Contains(md.String(), "baseline") {
		t.Errorf("markdown does not show the baseline: %v", err)
	}
}

func TestBaselineDoesNotHideAnExpiredAcceptance(t *testing.T) {
	r := newBaselineTestRun(t)
	src := policyOf(readStmt)
	r.Baseline = baselineFrom(t, r, src)
	probe := newBaselineTestRun(t).Validate([]*Document{parseDoc(t, "p.json", policy.KindIdentity, src)}, nil)
	fp := probe.Inputs[0].Findings[0]
	cfg, err := compliance.LoadConfig(".aegis.yaml", []byte("acceptedRisks:\n  - check: "+fp.RuleID+"\n    fingerprint: "+fp.Fingerprint+
		"\n    owner: sec@example.com\n    reason: reviewed\n    expires: 2026-01-31\n"))
	if err != nil {
		t.Fatal(err)
	}
	r.Config = cfg
	rep := r.Validate([]*Document{parseDoc(t, "p.json", policy.KindIdentity, src)}, nil)
	if len(rep.Inputs[0].Findings) != 1 || rep.Inputs[0].Findings[0].RuleID != fp.RuleID {
		t.Errorf("findings %+v: the expired acceptance's finding must count again", rep.Inputs[0].Findings)
	}
}

func TestLoadBaselineErrors(t *testing.T) {
	for name, src := range map[string]string{
		"not json":  "{",
		"not ours":  `{"runs": []}`,
		"no finger": `{"schemaVersion":"1.0","policies":[{"findings":[{"id":"AEG-WILD-001"}]}]}`,
	} {
		if _, err := LoadBaseline("b.json", []byte(src)); err == nil || !strings.Contains(err.Error(), "b.json") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}
