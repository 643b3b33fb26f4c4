package compliance

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testRule is a registrable rule that reports one finding per statement.
func testRule(id string, kinds []policy.Kind, controls ...check.Control) *check.Rule {
	return &check.Rule{
		ID: id, Category: check.CategoryWildcard, Severity: check.SeverityMedium,
		Title: id, Description: "d", Remediation: "r", Kinds: kinds, Controls: controls,
		Bad: []check.Example{{Policy: `{}`}},
		Run: func(p *check.Pass) {},
	}
}

func testRegistry(t testing.TB, rules ...*check.Rule) *check.Registry {
	t.Helper()
	reg, err := check.NewRegistry(rules...)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// docExample returns the first YAML block after "## Full example" in
// docs/config.md, so the documented example is always a valid file.
func docExample(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(src), "## Full example")
	if !ok {
		t.Fatal(`docs/config.md has no "## Full example" section`)
	}
	_, rest, ok = strings.Cut(rest, "```yaml\n")
	if !ok {
		t.Fatal("docs/config.md full example has no yaml block")
	}
	block, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("unterminated yaml block in docs/config.md")
	}
	return []byte(block)
}

func TestLoadConfigDocExample(t *testing.T) {
	cfg, err := LoadConfig("docs/config.md", docExample(t))
	if err != nil {
		t.Fatalf("documented example does not load:\n%v", err)
	}
	if diff := cmp.Diff([]string{"pci-dss-4.0", "cis-aws-3.0", "acme-cloud-baseline"}, cfg.Frameworks); diff != "" {
		t.Errorf("Frameworks (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]check.Severity{"AEG-WILD-003": check.SeverityHigh, "AEG-SYN-004": check.SeverityInfo}, cfg.SeverityOverrides); diff != "" {
		t.Errorf("SeverityOverrides (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"AEG-SYN-021"}, cfg.Disable); diff != "" {
		t.Errorf("Disable (-want +got):\n%s", diff)
	}
	wantCheck := CustomCheck{
		ID: "CUSTOM-NO-PUBLIC-SQS", Title: "SQS queue policy open to everyone", Severity: check.SeverityCritical,
		Category: check.CategoryResourceExposure, Description: "A queue policy allows any principal to use the queue.",
		Remediation: "Name the accounts or roles that may use the queue in Principal, or add an aws:PrincipalOrgID condition.",
		Message:     "The queue policy lets anyone use the queue.",
		Controls:    []check.Control{{Framework: "pci-dss-4.0", ID: "1.3.1"}},
		Expression:  `statement.effect == "Allow" && statement.actions.exists(a, a.startsWith("sqs:")) && statement.principals.exists(p, p == "*")`,
		Field:       "customChecks[0]",
	}
	if len(cfg.CustomChecks) != 2 {
		t.Fatalf("CustomChecks = %d, want 2", len(cfg.CustomChecks))
	}
	if diff := cmp.Diff(wantCheck, cfg.CustomChecks[0], cmpopts.IgnoreFields(CustomCheck{}, "ExpressionPos")); diff != "" {
		t.Errorf("CustomChecks[0] (-want +got):\n%s", diff)
	}
	if p := cfg.CustomChecks[0].ExpressionPos; p.Line == 0 {
		t.Errorf("expression position not recorded: %+v", p)
	}
	var ruleIDs []string
	for _, r := range cfg.Rules() {
		ruleIDs = append(ruleIDs, r.ID)
	}
	wantRules := []string{"CUSTOM-NO-PUBLIC-SQS", "CUSTOM-NO-IAM-WRITE-WITHOUT-MFA", "CUSTOM-GUARDRAIL-NO-TRAIL-TAMPERING", "CUSTOM-GUARDRAIL-NO-PROD-DATA-DELETION"}
	if diff := cmp.Diff(wantRules, ruleIDs); diff != "" {
		t.Errorf("Rules (-want +got):\n%s", diff)
	}
	wantGuards := []Guardrail{
		{Name: "no-trail-tampering", Description: "Nobody outside the security account stops or deletes CloudTrail.",
			Actions: []string{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail"}, Resources: []string{"*"},
			Severity: check.SeverityCritical, Category: check.CategoryResourceExposure, Field: "guardrails[0]"},
		{Name: "no-prod-data-deletion", Actions: []string{"s3:DeleteObject*", "s3:DeleteBucket"},
			Resources: []string{"arn:aws:s3:::acme-prod-*", "arn:aws:s3:::acme-prod-*/*"}, Severity: check.SeverityHigh, Category: check.CategoryResourceExposure, Field: "guardrails[1]"},
	}
	if diff := cmp.Diff(wantGuards, cfg.Guardrails, cmpopts.IgnoreFields(Guardrail{}, "Pos")); diff != "" {
		t.Errorf("Guardrails (-want +got):\n%s", diff)
	}
	wantRisks := []AcceptedRisk{{
		Check: "AEG-WILD-006", Fingerprint: "3f9a1c0d5e7b2a4c6d8e0f12", Owner: "platform-team@acme.example",
		Reason:  "Read-only describe calls across the fleet for the inventory job; reviewed in SEC-1234.",
		Expires: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Field: "acceptedRisks[0]",
	}}
	if diff := cmp.Diff(wantRisks, cfg.AcceptedRisks, cmpopts.IgnoreFields(AcceptedRisk{}, "Pos")); diff != "" {
		t.Errorf("AcceptedRisks (-want +got):\n%s", diff)
	}
	if len(cfg.CustomFrameworks) != 1 {
		t.Fatalf("CustomFrameworks = %d, want 1", len(cfg.CustomFrameworks))
	}
	fw := cfg.CustomFrameworks[0]
	var ids []string
	for _, c := range fw.Controls {
		ids = append(ids, c.ID+"="+strings.Join(c.Checks, ","))
	}
	want := []string{"ACME-IAM-1=AEG-WILD-001,AEG-WILD-011", "ACME-IAM-2=AEG-PRIV-*", "ACME-DATA-1=CUSTOM-NO-PUBLIC-SQS", "ACME-DATA-2="}
	if diff := cmp.Diff(want, ids); diff != "" || !fw.Custom || fw.Version != "2026.1" {
		t.Errorf("custom framework %s v%s custom=%v controls (-want +got):\n%s", fw.ID, fw.Version, fw.Custom, diff)
	}

	reg := testRegistry(t, testRule("AEG-WILD-001", nil), testRule("AEG-WILD-011", nil), testRule("AEG-PRIV-001", nil),
		testRule("AEG-WILD-003", nil), testRule("AEG-SYN-004", nil), testRule("AEG-SYN-021", nil), testRule("AEG-WILD-006", nil))
	if err := cfg.Check(reg, builtin(t)); err != nil {
		t.Errorf("Check of the documented example:\n%v", err)
	}
}

// TestLoadConfigErrors compares the errors for each invalid file under
// testdata/config with its .golden file (go test -update rewrites them).
func TestLoadConfigErrors(t *testing.T) {
	files, err := filepath.Glob("testdata/config/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := LoadConfig(filepath.Base(file), src)
			if err == nil {
				t.Fatalf("LoadConfig accepted an invalid file: %+v", cfg)
			}
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("error is %T, want ErrorList", err)
			}
			for _, e := range list {
				if e.Pos.Line == 0 && !strings.Contains(e.Msg, "invalid YAML") {
					t.Errorf("error without a position: %v", e)
				}
			}
			var first *Error
			if !errors.As(err, &first) || first != list[0] {
				t.Errorf("errors.As(*Error) = %v, want the first error %v", first, list[0])
			}
			golden(t, strings.TrimSuffix(file, ".yaml")+".golden", err.Error()+"\n")
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

func TestLoadConfigEmpty(t *testing.T) {
	for _, src := range []string{"", "\n# only a comment\n", "---\n", "~\n"} {
		cfg, err := LoadConfig("e.yaml", []byte(src))
		if err != nil {
			t.Errorf("LoadConfig(%q) = %v", src, err)
			continue
		}
		if diff := cmp.Diff(&Config{File: "e.yaml"}, cfg, cmpopts.IgnoreUnexported(Config{})); diff != "" {
			t.Errorf("LoadConfig(%q) (-want +got):\n%s", src, diff)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	reg := testRegistry(t, testRule("AEG-WILD-001", nil), testRule("AEG-WILD-003", nil), testRule("AEG-SYN-021", nil))
	cat := builtin(t)
	tests := []struct {
		name string
		src  string
		reg  *check.Registry
		cat  *Catalog
		want []string
	}{
		{
			name: "unknown checks and frameworks",
			src: `frameworks: [pci-dss-4.0, cis-aws-3.0, pci-dss-3.2, acme]
disable: [AEG-WILD-002, CUSTOM-MINE]
severityOverrides: {AEG-WILD-004: high, AEG-WILD-003: low}
acceptedRisks:
  - {check: AEG-WILD-013, fingerprint: 00aa00aa00aa00aa00aa00aa, owner: o, reason: r, expires: 2026-01-01}
customFrameworks:
  - id: acme
    name: Acme
    version: "1"
    controls:
      - {id: A1, title: a, checks: [AEG-WILD-001, AEG-WILD-901, AEG-PRIV-*, CUSTOM-*]}
`,
			reg: reg, cat: cat,
			want: []string{
				`c.yaml:1:40: frameworks[2]: unknown framework "pci-dss-3.2" (want one of acme, cis-aws, gdpr, hipaa, nist-800-53-r5, pci-dss-4.0, soc2, sox)`,
				`c.yaml:2:11: disable[0]: unknown check "AEG-WILD-002" (did you mean AEG-WILD-001?)`,
				`c.yaml:2:25: disable[1]: unknown check "CUSTOM-MINE"`,
				`c.yaml:3:21: severityOverrides.AEG-WILD-004: unknown check "AEG-WILD-004" (did you mean AEG-WILD-001?)`,
				`c.yaml:5:13: acceptedRisks[0].check: unknown check "AEG-WILD-013" (did you mean AEG-WILD-003?)`,
				`c.yaml:11:51: customFrameworks[0].controls[0].checks[1]: unknown check "AEG-WILD-901" (did you mean AEG-WILD-001?)`,
				`c.yaml:11:65: customFrameworks[0].controls[0].checks[2]: "AEG-PRIV-*" matches no check`,
				`c.yaml:11:77: customFrameworks[0].controls[0].checks[3]: "CUSTOM-*" matches no check`,
			},
		},
		{
			name: "custom checks count as known",
			src: `disable: [CUSTOM-X]
customChecks:
  - {id: CUSTOM-X, title: t, severity: low, category: trust, description: d, remediation: r, expression: "true"}
customFrameworks:
  - {id: acme, name: A, version: "1", controls: [{id: A1, title: a, checks: [CUSTOM-*]}]}
frameworks: [acme]
`,
			reg: reg, cat: cat,
		},
		{
			name: "custom framework reuses built-in IDs",
			src: `customFrameworks:
  - id: sox
    name: Mine
    version: "1"
    aliases: [cis-aws-3.0]
    controls: [{id: A1, title: a}]
`,
			reg: reg, cat: cat,
			want: []string{
				`c.yaml:2:5: customFrameworks[0]: framework ID "sox" is already used by the built-in sox`,
				`c.yaml:2:5: customFrameworks[0]: framework ID "cis-aws-3.0" is already used by the built-in cis-aws-3.0`,
			},
		},
		{
			name: "custom frameworks share an ID",
			src: `customFrameworks:
  - {id: acme, name: A, version: "1", controls: [{id: A1, title: a}]}
  - {id: acme2, name: B, version: "1", aliases: [acme], controls: [{id: B1, title: b}]}
`,
			want: []string{`c.yaml:3:5: customFrameworks[1]: framework ID "acme" is already used by custom framework acme`},
		},
		{
			name: "no registry or catalogue checks only custom IDs",
			src: `frameworks: [anything]
disable: [AEG-ZZZ-999, CUSTOM-NOPE]
`,
			want: []string{`c.yaml:2:24: disable[1]: unknown check "CUSTOM-NOPE"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := LoadConfig("c.yaml", []byte(tt.src))
			if err != nil {
				t.Fatalf("LoadConfig:\n%v", err)
			}
			var got []string
			if err := cfg.Check(tt.reg, tt.cat); err != nil {
				var list ErrorList
				if !errors.As(err, &list) {
					t.Fatalf("Check error is %T, want ErrorList", err)
				}
				for _, e := range list {
					got = append(got, e.Error())
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check errors for\n%s\n(-want +got):\n%s", tt.src, diff)
			}
		})
	}
}

func TestAccepted(t *testing.T) {
	cfg, err := LoadConfig("a.yaml", []byte(`acceptedRisks:
  - check: AEG-WILD-006
    fingerprint: 3f9a1c0d5e7b2a4c6d8e0f12
    owner: platform
    reason: inventory
    expires: 2026-06-30
`))
	if err != nil {
		t.Fatal(err)
	}
	match := check.Finding{RuleID: "AEG-WILD-006", Fingerprint: "3f9a1c0d5e7b2a4c6d8e0f12", Location: check.Location{Line: 7}}
	paris := time.FixedZone("CEST", 2*3600)
	tests := []struct {
		name        string
		finding     check.Finding
		now         time.Time
		ok, expired bool
	}{
		{"before expiry", match, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true, false},
		{"last second of the expiry day", match, time.Date(2026, 6, 30, 23, 59, 59, 0, time.UTC), true, false},
		{"day after expiry", match, time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), false, true},
		{"expiry judged in UTC", match, time.Date(2026, 7, 1, 1, 0, 0, 0, paris), true, false},
		{"long expired", match, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), false, true},
		{"other fingerprint", check.Finding{RuleID: "AEG-WILD-006", Fingerprint: "000000000000000000000000"}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false, false},
		{"other check, same statement", check.Finding{RuleID: "AEG-WILD-005", Fingerprint: match.Fingerprint}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), false, false},
		{"moved statement keeps its fingerprint", check.Finding{RuleID: "AEG-WILD-006", Fingerprint: match.Fingerprint, Location: check.Location{Line: 70}}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, expired := cfg.Accepted(tt.finding, tt.now)
			if ok != tt.ok || expired != tt.expired {
				t.Errorf("Accepted(%s %s, %v) = %v, %v; want %v, %v", tt.finding.RuleID, tt.finding.Fingerprint, tt.now, ok, expired, tt.ok, tt.expired)
			}
		})
	}
	var none *Config
	if ok, expired := none.Accepted(match, time.Now()); ok || expired {
		t.Error("a nil Config accepted a finding")
	}
}

func TestOptions(t *testing.T) {
	cfg, err := LoadConfig("o.yaml", []byte("disable: [AEG-SYN-021]\nseverityOverrides: {AEG-WILD-003: HIGH}\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := check.Options{Disabled: map[string]bool{"AEG-SYN-021": true}, Overrides: map[string]check.Severity{"AEG-WILD-003": check.SeverityHigh}}
	if diff := cmp.Diff(want, cfg.Options()); diff != "" {
		t.Errorf("Options (-want +got):\n%s", diff)
	}
	var none *Config
	if diff := cmp.Diff(check.Options{Disabled: map[string]bool{}, Overrides: map[string]check.Severity{}}, none.Options()); diff != "" {
		t.Errorf("nil Options (-want +got):\n%s", diff)
	}
}

// FuzzLoadConfig feeds arbitrary bytes to LoadConfig: it must never panic,
// every error must be positioned in the named file, a file that loads must
// hold only well-formed entries, and Check must not panic on it.
func FuzzLoadConfig(f *testing.F) {
	files, _ := filepath.Glob("testdata/config/*.yaml")
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	if src, err := os.ReadFile("../../docs/config.md"); err == nil {
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, err := LoadConfig("f.yaml", src)
		if err != nil {
			var list ErrorList
			if !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("error %v is not a non-empty ErrorList", err)
			}
			lines := strings.Count(string(src), "\n") + strings.Count(string(src), "\r") + 1 // YAML breaks lines at either
			for _, e := range list {
				if e.File != "f.yaml" || e.Pos.Line == 0 && !strings.HasPrefix(e.Msg, "invalid YAML") || e.Pos.Line > lines {
					t.Fatalf("error %v is not positioned in the file", e)
				}
			}
			return
		}
		if got, want := len(cfg.Rules()), len(cfg.CustomChecks)+len(cfg.Guardrails); got != want {
			t.Fatalf("%d rules for %d custom checks and guardrails", got, want)
		}
		for _, r := range cfg.AcceptedRisks {
			if r.Expires.IsZero() || r.Check == "" {
				t.Fatalf("loaded accepted risk without check or date: %+v", r)
			}
		}
		for _, c := range cfg.CustomChecks {
			if !customIDRE.MatchString(c.ID) || !c.Category.Valid() || c.Expression == "" {
				t.Fatalf("loaded invalid custom check: %+v", c)
			}
		}
		_ = cfg.Check(nil, nil)
	})
}

// TestConfigCheckControls checks that the controls custom checks and
// guardrails map to must exist in the catalogue (or the file's own
// frameworks).
func TestConfigCheckControls(t *testing.T) {
	src := `customFrameworks:
  - id: acme
    name: Acme
    version: "1"
    controls:
      - {id: A-1, title: t}
customChecks:
  - id: CUSTOM-A
    title: t
    severity: low
    category: wildcard
    description: d
    remediation: r
    expression: "false"
    controls:
      - {framework: pci-dss-4.0, id: "7.2.1"}
      - {framework: pci-dss-4.0, id: "99.1"}
      - {framework: acme, id: A-1}
guardrails:
  - name: g
    actions: [iam:PassRole]
    controls: [{framework: nist, id: AC-6}]
`
	cfg, err := LoadConfig("c.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := builtin(t).Extend(cfg.CustomFrameworks...)
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.Check(nil, cat)
	var list ErrorList
	if !errors.As(err, &list) || len(list) != 2 {
		t.Fatalf("Check = %v, want 2 errors", err)
	}
	for i, want := range []string{`c.yaml:17:9: customChecks[0].controls[1]: framework pci-dss-4.0 has no control "99.1"`, `c.yaml:22:16: guardrails[0].controls[0]: unknown framework "nist"`} {
		if got := list[i].Error(); !strings.HasPrefix(got, want) {
			t.Errorf("error %d:\ngot  %s\nwant %s…", i, got, want)
		}
	}
}

// TestLoadConfigDocBlocks loads every YAML block of docs/config.md, so each
// documented example — the CEL expressions included — is a valid file.
func TestLoadConfigDocBlocks(t *testing.T) {
	src, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := strings.Split(string(src), "```yaml\n")[1:]
	if len(blocks) < 3 {
		t.Fatalf("docs/config.md has %d YAML blocks, want at least 3", len(blocks))
	}
	for i, b := range blocks {
		block, _, _ := strings.Cut(b, "```")
		if _, err := LoadConfig(fmt.Sprintf("docs/config.md block %d", i+1), []byte(block)); err != nil {
			t.Errorf("documented block %d does not load:\n%v\n%s", i+1, err, block)
		}
	}
}

// TestLoadConfigSensitive checks that declared sensitive resources are
// compiled for AEG-EXP-007, in file order.
func TestLoadConfigSensitive(t *testing.T) {
	cfg, err := LoadConfig("s.yaml", []byte(`sensitiveResources:
  - name: prod-data
    actions: ["s3:GetObject*"]
    resources: ["arn:aws:s3:::acme-prod-data/*"]
  - name: org-trail
    actions: [cloudtrail:StopLogging, cloudtrail:DeleteTrail]
    resources: ["*"]
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range cfg.SensitiveResources() {
		got = append(got, s.String()+" "+strings.Join(s.Actions, ","))
	}
	want := []string{"prod-data (arn:aws:s3:::acme-prod-data/*) s3:GetObject*", "org-trail (*) cloudtrail:StopLogging,cloudtrail:DeleteTrail"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SensitiveResources (-want +got):\n%s", diff)
	}
	if (*Config)(nil).SensitiveResources() != nil {
		t.Error("a nil configuration declares sensitive resources")
	}
}
