package compliance

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

const acmeConfig = `customFrameworks:
  - id: acme
    name: Acme baseline
    version: "1"
    controls:
      - {id: A1, title: No escalation, checks: [AEG-PRIV-*]}
      - {id: A2, title: Queue policy, checks: [CUSTOM-X]}
      - {id: A3, title: Reviewed by hand}
      - {id: A4, title: Not run, checks: [CUSTOM-NOT-RUN]}
`

// matrixFixture is a registry, a catalogue holding the built-in frameworks
// and the acme custom framework.
func matrixFixture(t testing.TB) (*Catalog, *check.Registry) {
	t.Helper()
	reg := testRegistry(t,
		testRule("AEG-WILD-001", nil, check.Control{Framework: "cis-aws", ID: "2.14"}, check.Control{Framework: "pci-dss-4.0", ID: "7.2.2"}),
		testRule("AEG-EXP-003", []policy.Kind{policy.KindResource}, check.Control{Framework: "cis-aws-3.0", ID: "1.16"}, check.Control{Framework: "cis-aws", ID: "2.21"}),
		testRule("AEG-ACCT-001", []policy.Kind{policy.KindAny}, check.Control{Framework: "cis-aws", ID: "2.4"}),
		testRule("AEG-PRIV-001", nil, check.Control{Framework: "nist-800-53-r5", ID: "AC-6(10)"}),
	)
	cfg, err := LoadConfig("acme.yaml", []byte(acmeConfig))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := builtin(t).Extend(cfg.CustomFrameworks...)
	if err != nil {
		t.Fatal(err)
	}
	if err := cat.Validate(reg.Rules()); err != nil {
		t.Fatal(err)
	}
	return cat, reg
}

func finding(rule string, sev check.Severity, line int) check.Finding {
	return check.Finding{RuleID: rule, Severity: sev, Fingerprint: rule + "-fp", Location: check.Location{File: "p.json", Line: line, Offset: line * 10}}
}

func TestEvaluateStatuses(t *testing.T) {
	cat, reg := matrixFixture(t)
	identityRun := map[string]bool{"AEG-WILD-001": true, "AEG-PRIV-001": true, "CUSTOM-X": true}
	type cell struct {
		status Status
		worst  string // severity name for FAIL
	}
	tests := []struct {
		name       string
		frameworks []string
		ran        map[string]bool
		findings   []check.Finding
		want       map[string]cell // framework/control → outcome
	}{
		{
			name:       "clean identity policy",
			frameworks: []string{"cis-aws", "acme", "sox"},
			ran:        identityRun,
			want: map[string]cell{
				"cis-aws/2.14":              {StatusPass, ""},
				"cis-aws/2.21":              {StatusNotApplicable, ""}, // the resource-policy rule did not run
				"cis-aws/2.4":               {StatusNotApplicable, ""}, // account data absent
				"cis-aws/2.2":               {StatusManual, ""},
				"acme/A1":                   {StatusPass, ""}, // AEG-PRIV-* matched AEG-PRIV-001
				"acme/A2":                   {StatusPass, ""}, // custom check ran
				"acme/A3":                   {StatusManual, ""},
				"acme/A4":                   {StatusNotApplicable, ""},
				"sox/COSO-P11":              {StatusPass, ""},
				"sox/ITGC-APD-REVIEW":       {StatusNotApplicable, ""},
				"sox/ITGC-APD-SOD":          {StatusPass, ""}, // AEG-PRIV-001 ran
				"sox/ITGC-APD-PROVISIONING": {StatusNotApplicable, ""},
			},
		},
		{
			name:       "administrator policy fails every mapped control",
			frameworks: []string{"cis-aws", "pci-dss-4.0", "cis-aws-3.0", "sox"},
			ran:        identityRun,
			findings:   []check.Finding{finding("AEG-WILD-001", check.SeverityHigh, 3), finding("AEG-WILD-001", check.SeverityCritical, 9)},
			want: map[string]cell{
				"cis-aws/2.14":            {StatusFail, "critical"},
				"pci-dss-4.0/7.2.2":       {StatusFail, "critical"},
				"pci-dss-4.0/7.2.1":       {StatusManual, ""},
				"cis-aws-3.0/1.16":        {StatusFail, "critical"}, // same control, v3.0 numbering
				"sox/COSO-P10":            {StatusFail, "critical"},
				"sox/ITGC-APD-PRIVILEGED": {StatusFail, "critical"},
				"sox/ITGC-APD-SOD":        {StatusPass, ""},
			},
		},
		{
			name:       "resource policy run maps through an edition",
			frameworks: []string{"cis-aws"},
			ran:        map[string]bool{"AEG-WILD-001": true, "AEG-EXP-003": true},
			findings:   []check.Finding{finding("AEG-EXP-003", check.SeverityMedium, 4)},
			want: map[string]cell{
				"cis-aws/2.14": {StatusFail, "medium"}, // AEG-EXP-003 maps cis-aws-3.0 1.16 = 2.14
				"cis-aws/2.21": {StatusFail, "medium"},
			},
		},
		{
			name:       "custom check finding",
			frameworks: []string{"acme"},
			ran:        identityRun,
			findings:   []check.Finding{finding("CUSTOM-X", check.SeverityLow, 1)},
			want:       map[string]cell{"acme/A2": {StatusFail, "low"}, "acme/A1": {StatusPass, ""}},
		},
		{
			name:       "nothing ran",
			frameworks: []string{"acme"},
			want: map[string]cell{
				"acme/A1": {StatusNotApplicable, ""}, "acme/A2": {StatusNotApplicable, ""},
				"acme/A3": {StatusManual, ""}, "acme/A4": {StatusNotApplicable, ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Evaluate(cat, tt.frameworks, reg, tt.ran, tt.findings)
			got := map[string]cell{}
			var order []string
			for _, fr := range m.Frameworks {
				order = append(order, fr.ID)
				var counts Counts
				for _, c := range fr.Controls {
					out := cell{status: c.Status}
					if c.Worst != nil {
						out.worst = c.Worst.String()
					}
					got[fr.ID+"/"+c.ID] = out
					switch c.Status {
					case StatusFail:
						counts.Fail++
						if c.Worst == nil || len(c.Findings) == 0 {
							t.Errorf("%s %s: FAIL without findings or worst severity", fr.ID, c.ID)
						}
					case StatusPass:
						counts.Pass++
					case StatusNotApplicable:
						counts.NotApplicable++
					case StatusManual:
						counts.Manual++
						if len(c.Checks) > 0 {
							t.Errorf("%s %s: MANUAL with mapped checks %v", fr.ID, c.ID, c.Checks)
						}
					}
				}
				if counts != fr.Counts {
					t.Errorf("%s counts = %+v, want %+v", fr.ID, fr.Counts, counts)
				}
			}
			if diff := cmp.Diff(tt.frameworks, order); diff != "" {
				t.Errorf("framework order (-want +got):\n%s", diff)
			}
			for key, want := range tt.want {
				if got[key] != want {
					t.Errorf("%s = %+v, want %+v", key, got[key], want)
				}
			}
		})
	}
}

func TestEvaluateFindingOrder(t *testing.T) {
	cat, reg := matrixFixture(t)
	at := func(file string, offset int, sev check.Severity, rule string) check.Finding {
		return check.Finding{RuleID: rule, Severity: sev, Fingerprint: rule, Location: check.Location{File: file, Offset: offset}}
	}
	findings := []check.Finding{
		at("b.json", 1, check.SeverityCritical, "AEG-WILD-001"),
		at("a.json", 50, check.SeverityLow, "AEG-WILD-001"),
		at("a.json", 10, check.SeverityLow, "AEG-EXP-003"),
		at("a.json", 10, check.SeverityHigh, "AEG-WILD-001"),
		at("a.json", 10, check.SeverityLow, "AEG-WILD-001"),
	}
	m := Evaluate(cat, []string{"cis-aws"}, reg, nil, findings)
	c, _ := findControl(m, "cis-aws", "2.14")
	var got []string
	for _, f := range c.Findings {
		got = append(got, f.Location.File+"@"+string(rune('0'+f.Location.Offset/10))+" "+f.Severity.String()+" "+f.RuleID)
	}
	want := []string{"a.json@1 high AEG-WILD-001", "a.json@1 low AEG-EXP-003", "a.json@1 low AEG-WILD-001", "a.json@5 low AEG-WILD-001", "b.json@0 critical AEG-WILD-001"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("finding order (-want +got):\n%s", diff)
	}
	if c.Status != StatusFail || c.Worst == nil || *c.Worst != check.SeverityCritical {
		t.Errorf("status %s worst %v, want FAIL critical", c.Status, c.Worst)
	}
}

func findControl(m Matrix, framework, id string) (ControlResult, bool) {
	for _, fr := range m.Frameworks {
		if fr.ID != framework {
			continue
		}
		for _, c := range fr.Controls {
			if c.ID == id {
				return c, true
			}
		}
	}
	return ControlResult{}, false
}

func TestEvaluateSelection(t *testing.T) {
	cat, reg := matrixFixture(t)
	m := Evaluate(cat, []string{"cis-aws-7.0", "nope", "cis-aws", "pci-dss-4.0"}, reg, nil, nil)
	var ids []string
	for _, fr := range m.Frameworks {
		ids = append(ids, fr.ID)
	}
	if diff := cmp.Diff([]string{"cis-aws", "pci-dss-4.0"}, ids); diff != "" {
		t.Errorf("alias and duplicate selection (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"nope"}, m.Unknown); diff != "" {
		t.Errorf("Unknown (-want +got):\n%s", diff)
	}
	all := Evaluate(cat, nil, reg, nil, nil)
	if len(all.Frameworks) != len(cat.Frameworks()) {
		t.Errorf("no selection gave %d frameworks, want all %d", len(all.Frameworks), len(cat.Frameworks()))
	}
}

// TestEvaluateGolden pins the whole matrix model for one run (go test
// -update rewrites it).
func TestEvaluateGolden(t *testing.T) {
	cat, reg := matrixFixture(t)
	findings := []check.Finding{
		finding("AEG-WILD-001", check.SeverityCritical, 9),
		finding("AEG-PRIV-001", check.SeverityHigh, 3),
		finding("CUSTOM-X", check.SeverityLow, 12),
	}
	ran := map[string]bool{"AEG-WILD-001": true, "AEG-PRIV-001": true, "AEG-EXP-003": false, "CUSTOM-X": true}
	m := Evaluate(cat, []string{"acme", "cis-aws-3.0"}, reg, ran, findings)
	again := Evaluate(cat, []string{"acme", "cis-aws-3.0"}, reg, ran, findings)
	if diff := cmp.Diff(m, again); diff != "" {
		t.Fatalf("Evaluate is not deterministic:\n%s", diff)
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/matrix.golden.json", string(out)+"\n")
}

// BenchmarkEvaluate runs the matrix for every framework with a registry the
// size of the check catalogue (127 rules, each mapping a few controls).
func BenchmarkEvaluate(b *testing.B) {
	groups := map[string]int{"SYN": 22, "WILD": 12, "COND": 15, "PRIV": 14, "EXP": 11, "CRED": 5, "TRUST": 13, "SVC": 10, "ACCT": 25}
	controls := []check.Control{{Framework: "cis-aws", ID: "2.14"}, {Framework: "nist-800-53-r5", ID: "AC-6"}, {Framework: "pci-dss-4.0", ID: "7.2.2"},
		{Framework: "hipaa", ID: "164.312(a)(1)"}, {Framework: "soc2", ID: "CC6.3"}, {Framework: "gdpr", ID: "Art. 32"}}
	var rules []*check.Rule
	ran := map[string]bool{}
	for g, n := range groups {
		for i := 1; i <= n; i++ {
			id := fmt.Sprintf("AEG-%s-%03d", g, i)
			rules = append(rules, testRule(id, nil, controls[i%len(controls)]))
			ran[id] = i%3 != 0
		}
	}
	reg := testRegistry(b, rules...)
	cat := builtin(b)
	findings := []check.Finding{finding("AEG-WILD-001", check.SeverityCritical, 9), finding("AEG-PRIV-001", check.SeverityHigh, 3)}
	for b.Loop() {
		Evaluate(cat, nil, reg, ran, findings)
	}
}
