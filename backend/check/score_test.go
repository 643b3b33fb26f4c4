package check

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestComputeScore(t *testing.T) {
	f := func(sev Severity, exp Exposure) Finding {
		return Finding{RuleID: "AEG-TST-" + sev.String(), Category: CategoryWildcard, Severity: sev, Title: sev.String() + " thing", Exposure: exp}
	}
	tests := []struct {
		name      string
		findings  []Finding
		wantValue int
		wantBand  string
	}{
		{"no findings", nil, 0, "none"},
		{"info only", []Finding{f(SeverityInfo, Exposure{})}, 0, "none"},
		{"one low", []Finding{f(SeverityLow, Exposure{})}, 5, "low"},
		{"one medium floors at 25", []Finding{f(SeverityMedium, Exposure{})}, 25, "medium"},
		{"one high floors at 50", []Finding{f(SeverityHigh, Exposure{})}, 50, "high"},
		{"critical on all resources", []Finding{f(SeverityCritical, Exposure{AllResources: true})}, 78, "critical"},
		{"critical conditioned still floors critical", []Finding{f(SeverityCritical, Exposure{Conditioned: true})}, 75, "critical"},
		{"findings add with diminishing returns", []Finding{
			f(SeverityCritical, Exposure{AllResources: true}),
			f(SeverityHigh, Exposure{AllResources: true}),
			f(SeverityHigh, Exposure{AllResources: true}),
		}, 92, "critical"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ComputeScore(tt.findings)
			if got.Value != tt.wantValue || got.Band != tt.wantBand {
				t.Errorf("ComputeScore(%v) = %d (%s), want %d (%s)", tt.findings, got.Value, got.Band, tt.wantValue, tt.wantBand)
			}
		})
	}
}

func TestComputeScoreIsOrderIndependent(t *testing.T) {
	a := Finding{RuleID: "AEG-A-001", Category: CategoryTrust, Severity: SeverityHigh, Title: "a", Exposure: Exposure{AllResources: true}}
	b := Finding{RuleID: "AEG-B-001", Category: CategoryWildcard, Severity: SeverityMedium, Title: "b"}
	x, y := ComputeScore([]Finding{a, b}), ComputeScore([]Finding{b, a})
	if diff := cmp.Diff(x, y); diff != "" {
		t.Errorf("score depends on order (-ab +ba):\n%s", diff)
	}
	want := []string{"high trust: a (on all resources)", "medium wildcard: b"}
	if diff := cmp.Diff(want, x.Reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	if got, want := x.Summary(), "score 50 (high) because: high trust: a (on all resources); medium wildcard: b"; got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}
