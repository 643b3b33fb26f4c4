package check

import (
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/policy"
)

func validRule(id string) *Rule {
	return &Rule{
		ID: id, Category: CategoryWildcard, Severity: SeverityMedium,
		Title: "t", Description: "d", Remediation: "r",
		Bad: []Example{{Policy: `{}`}},
		Run: func(p *Pass) {
			for _, s := range p.Doc.Statements {
				p.Report(s, policy.Pos{}, "Action", "found", "", Exposure{})
			}
		},
	}
}

func TestNewRegistryRejectsBadMetadata(t *testing.T) {
	bad := validRule("AEG-X-1")
	bad.Category = "nonsense"
	bad.Title = " "
	_, err := NewRegistry(validRule("AEG-WILD-001"), validRule("AEG-WILD-001"), bad)
	if err == nil {
		t.Fatal("NewRegistry accepted a duplicate ID and an invalid rule")
	}
	for _, want := range []string{"AEG-WILD-001 registered twice", `ID "AEG-X-1"`, `category "nonsense"`, "empty title"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

func TestRunReportsLocationsAndOverrides(t *testing.T) {
	reg, err := NewRegistry(validRule("AEG-WILD-002"), validRule("AEG-WILD-001"))
	if err != nil {
		t.Fatal(err)
	}
	doc := &policy.Document{Statements: []*policy.Statement{{Index: 0, Sid: policy.Value{Text: "S"}, Pos: policy.Pos{Offset: 40, Line: 3, Column: 9}, Effect: policy.EffectAllow}}}
	in := &Input{File: "p.json", Kind: policy.KindIdentity, Doc: doc}
	got := reg.Run(in, Options{Disabled: map[string]bool{"AEG-WILD-002": true}, Overrides: map[string]Severity{"AEG-WILD-001": SeverityCritical}})
	if len(got) != 1 {
		t.Fatalf("Run returned %d findings, want 1: %+v", len(got), got)
	}
	f := got[0]
	if f.RuleID != "AEG-WILD-001" || f.Severity != SeverityCritical || f.Location.Line != 3 || f.Location.Column != 9 || f.Location.Sid != "S" || f.Remediation != "r" {
		t.Errorf("finding = %+v", f)
	}
	if len(f.Fingerprint) != 24 {
		t.Errorf("fingerprint %q: want 24 hex digits", f.Fingerprint)
	}
}

// TestMemoNests checks that a memoized analysis may build on another one
// (an engine built from expanded statements) without deadlocking.
func TestMemoNests(t *testing.T) {
	in := &Input{}
	type outer struct{}
	type inner struct{}
	builds := 0
	got := in.Memo(outer{}, func() any {
		builds++
		return in.Memo(inner{}, func() any { builds++; return 41 }).(int) + 1
	})
	again := in.Memo(outer{}, func() any { builds++; return 0 })
	if got != 42 || again != 42 || builds != 2 {
		t.Errorf("Memo = %v then %v after %d builds, want 42, 42 after 2", got, again, builds)
	}
}
