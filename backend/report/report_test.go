package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/compliance"
	"github.com/aegis-iam/aegis/backend/policy"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// hostile is untrusted text from a policy: markup, script, Markdown
// punctuation, a terminal escape and a newline.
const hostile = "Sid `x` <script>alert(1)</script> | *bold* [link](http://evil) \x1b[31mred\r\nnext"

func testRule(id string, cat check.Category, sev check.Severity, title string, controls ...check.Control) *check.Rule {
	return &check.Rule{
		ID: id, Category: cat, Severity: sev, Title: title,
		Description: title + ": what it means and why it matters.",
		Remediation: "Generic fix for " + id + ".",
		References:  []string{"https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html"},
		Controls:    controls,
		Bad:         []check.Example{{Policy: `{}`}},
		Run:         func(*check.Pass) {},
	}
}

func testRegistry(t testing.TB) *check.Registry {
	t.Helper()
	reg, err := check.NewRegistry(
		testRule("AEG-PRIV-001", check.CategoryPrivilegeEscalation, check.SeverityCritical, "Privilege escalation through iam:PassRole"),
		testRule("AEG-WILD-001", check.CategoryWildcard, check.SeverityHigh, "Action wildcard on all resources"),
		testRule("AEG-COND-004", check.CategoryCondition, check.SeverityMedium, "Missing aws:SecureTransport"),
		testRule("AEG-TRUST-002", check.CategoryTrust, check.SeverityLow, "Service principal without aws:SourceArn"),
	)
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

func finding(reg *check.Registry, id, file, name string, line, col, offset, stmt int, sid, msg, fix string, exp check.Exposure) check.Finding {
	r, _ := reg.Rule(id)
	return check.Finding{
		RuleID: id, Category: r.Category, Severity: r.Severity, Title: r.Title, Message: msg, Remediation: fix,
		Location:    check.Location{File: file, Policy: name, Line: line, Column: col, Offset: offset, Statement: stmt, Sid: sid, Element: "Action"},
		Exposure:    exp,
		Fingerprint: strings.Repeat(strings.ToLower(id[4:6]), 12),
	}
}

// fixture builds a report exercising every part of the model: several
// files and policies, a clean policy, a suppressed finding, input errors,
// compliance controls, notes and hostile text.
func fixture(t testing.TB) *Report {
	t.Helper()
	reg := testRegistry(t)
	admin := []check.Finding{
		finding(reg, "AEG-PRIV-001", "policies/admin.json", "", 5, 13, 80, 0, "Deploy",
			"iam:PassRole and lambda:CreateFunction on * let the holder run code as any role", "Scope iam:PassRole to arn:aws:iam::123456789012:role/app-*.", check.Exposure{AllResources: true}),
		finding(reg, "AEG-WILD-001", "policies/admin.json", "", 6, 13, 120, 0, "Deploy",
			`"s3:*" on "*" grants 160 actions`, "Replace s3:* with:\n  s3:GetObject\n  s3:PutObject", check.Exposure{AllResources: true}),
	}
	accepted := finding(reg, "AEG-COND-004", "policies/admin.json", "", 9, 9, 200, 1, "",
		"s3 access without aws:SecureTransport", "Add a Deny on aws:SecureTransport false.", check.Exposure{})
	role := []check.Finding{
		finding(reg, "AEG-TRUST-002", "infra/template.yaml", "Role.AssumeRolePolicyDocument", 12, 15, 300, 0, hostile,
			hostile, hostile, check.Exposure{Conditioned: true}),
	}
	results := []PolicyResult{
		{File: "infra/template.yaml", Name: "Role.AssumeRolePolicyDocument", Kind: policy.KindTrust, Owner: "Role", Findings: wrap(role)},
		{File: "policies/admin.json", Kind: policy.KindIdentity, Findings: wrap(admin),
			Suppressed: []Suppressed{{Finding: Finding{Finding: accepted}, Owner: "platform-team", Reason: "TLS enforced by the bucket policy",
				Expires: time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)}}},
		{File: "infra/template.yaml", Name: "Bucket.PolicyDocument", Kind: policy.KindResource, Errors: policy.ErrorList{
			{Filename: "infra/template.yaml", Pos: policy.Pos{Line: 31, Column: 13, Offset: 700}, Path: "Statement[0]", Code: policy.CodeMissing,
				Msg: "missing Principal or NotPrincipal element"},
		}},
		{File: "policies/read-only.json", Kind: policy.KindIdentity},
	}
	var all []check.Finding
	for _, r := range results {
		for _, f := range r.Findings {
			all = append(all, f.Finding)
		}
	}
	cat, err := (*compliance.Catalog)(nil).Extend(&compliance.Framework{
		ID: "acme", Name: "Acme baseline", Version: "1", Custom: true,
		Controls: []*compliance.Control{
			{ID: "A1", Title: "No privilege escalation", Checks: []string{"AEG-PRIV-*"}},
			{ID: "A2", Title: "Least privilege", Checks: []string{"AEG-WILD-001", "AEG-COND-004"}},
			{ID: "A3", Title: "Trust hygiene", Checks: []string{"AEG-TRUST-002"}},
			{ID: "A4", Title: "Access reviews"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ran := map[string]bool{}
	for _, r := range reg.Rules() {
		ran[r.ID] = true
	}
	matrix := compliance.Evaluate(cat, nil, reg, ran, all)
	notes := []Note{
		{File: "package.json", Message: "not a policy, CloudFormation template, Terraform configuration, Terraform plan or GAAD export"},
		{File: "policies/admin.json", Message: "accepted risk AEG-WILD-001 (owner ops) expired on 2026-01-31; the finding counts again"},
	}
	tool := Tool{Name: "aegis", Version: "1.2.3", URI: "https://github.com/aegis-iam/aegis", RulesURI: "https://github.com/aegis-iam/aegis/blob/main/docs/checks.md"}
	return New(tool, time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC), results, reg, matrix, notes)
}

func wrap(fs []check.Finding) []Finding {
	out := make([]Finding, len(fs))
	for i, f := range fs {
		out[i] = Finding{Finding: f}
	}
	return out
}

func TestNewComputesScoresTotalsAndCompliance(t *testing.T) {
	r := fixture(t)
	got := []string{}
	for _, in := range r.Inputs {
		got = append(got, in.File+" "+in.Name+" "+in.Score.Band)
	}
	want := []string{
		"infra/template.yaml Bucket.PolicyDocument none",
		"infra/template.yaml Role.AssumeRolePolicyDocument low",
		"policies/admin.json  critical",
		"policies/read-only.json  none",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	tot := r.Totals
	if tot.Files != 3 || tot.Policies != 4 || tot.Findings != 3 || tot.Suppressed != 1 || tot.Errors != 1 {
		t.Errorf("totals = %+v", tot)
	}
	if tot.Score.Band != "critical" || tot.Score.Counts["critical"] != 1 || tot.Score.Counts["medium"] != 0 {
		t.Errorf("total score = %+v (the suppressed medium must not count)", tot.Score)
	}
	wantCtl := []check.Control{{Framework: "acme", ID: "A1"}}
	if diff := cmp.Diff(wantCtl, r.Inputs[2].Findings[0].Compliance); diff != "" {
		t.Errorf("compliance of %s (-want +got):\n%s", r.Inputs[2].Findings[0].RuleID, diff)
	}
	var ids []string
	for _, rule := range r.Rules {
		ids = append(ids, rule.ID)
	}
	if diff := cmp.Diff([]string{"AEG-COND-004", "AEG-PRIV-001", "AEG-TRUST-002", "AEG-WILD-001"}, ids); diff != "" {
		t.Errorf("rules (-want +got):\n%s", diff)
	}
	if sev, ok := r.Worst(); !ok || sev != check.SeverityCritical {
		t.Errorf("Worst() = %v, %v; want critical, true", sev, ok)
	}
}

func TestWriters(t *testing.T) {
	r := fixture(t)
	empty := New(Tool{Name: "aegis", Version: "1.2.3"}, r.GeneratedAt, nil, nil, compliance.Matrix{}, nil)
	tests := []struct {
		name   string
		report *Report
		format Format
		opts   Options
		json   bool
	}{
		{"table.golden", r, FormatTable, Options{}, false},
		{"table-color.golden", r, FormatTable, Options{Color: true}, false},
		{"report.golden.json", r, FormatJSON, Options{}, true},
		{"report.golden.sarif", r, FormatSARIF, Options{}, true},
		{"report.golden.md", r, FormatMarkdown, Options{}, false},
		{"report.golden.html", r, FormatHTML, Options{}, false},
		{"report.golden.codequality.json", r, FormatCodeQuality, Options{}, true},
		{"empty-table.golden", empty, FormatTable, Options{}, false},
		{"empty.golden.json", empty, FormatJSON, Options{}, true},
		{"empty.golden.sarif", empty, FormatSARIF, Options{}, true},
		{"empty.golden.md", empty, FormatMarkdown, Options{}, false},
		{"empty.golden.codequality.json", empty, FormatCodeQuality, Options{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(&buf, tt.report, tt.format, tt.opts); err != nil {
				t.Fatalf("Write(%s): %v", tt.format, err)
			}
			compareGolden(t, filepath.Join("testdata", tt.name), buf.Bytes(), tt.json)
		})
	}
}

// compareGolden compares got with a golden file (semantically for JSON),
// or rewrites it under -update.
func compareGolden(t *testing.T, path string, got []byte, isJSON bool) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if isJSON {
		var w, g any
		if err := json.Unmarshal(want, &w); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := json.Unmarshal(got, &g); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, got)
		}
		if diff := cmp.Diff(w, g); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
		}
		return
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// TestUntrustedTextIsNeutralised checks that policy text cannot inject
// markup, script or terminal control sequences into any format.
func TestUntrustedTextIsNeutralised(t *testing.T) {
	r := fixture(t)
	forbidden := map[Format][]string{
		FormatTable:    {"\x1b[31m", "\r"},
		FormatMarkdown: {"\x1b[31m", "\r", "<script>"},
		FormatHTML:     {"\x1b[31m", "\r", "<script>"},
	}
	for f, bads := range forbidden {
		var buf bytes.Buffer
		if err := Write(&buf, r, f, Options{}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, bad := range bads {
			if strings.Contains(out, bad) {
				t.Errorf("%s output contains %q", f, bad)
			}
		}
	}
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	for _, remote := range []string{"http://evil\"", "src=", "<link", "<script"} {
		if strings.Contains(buf.String(), remote) {
			t.Errorf("HTML holds %q: the page must be self-contained and inert", remote)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		if got, err := ParseFormat(strings.ToUpper(string(f))); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("xml"); err == nil || !strings.Contains(err.Error(), "table, json, sarif, markdown, html") {
		t.Errorf("ParseFormat(xml) error = %v, want the list of formats", err)
	}
}

// TestMarkdownFitsAComment checks that a report too large for a GitHub
// comment is cut at policy boundaries, saying what was left out.
func TestMarkdownFitsAComment(t *testing.T) {
	reg := testRegistry(t)
	var results []PolicyResult
	for i := range 400 {
		file := fmt.Sprintf("policies/p%03d.json", i)
		f := finding(reg, "AEG-WILD-001", file, "", 3, 5, 40, 0, "S", strings.Repeat("long message ", 20), strings.Repeat("long fix ", 20), check.Exposure{})
		results = append(results, PolicyResult{File: file, Kind: policy.KindIdentity, Findings: wrap([]check.Finding{f})})
	}
	results = append(results, PolicyResult{File: "clean.json", Kind: policy.KindIdentity})
	r := New(Tool{Name: "aegis", Version: "1"}, time.Unix(0, 0), results, reg, compliance.Matrix{}, nil)
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if buf.Len() > MarkdownLimit {
		t.Errorf("markdown is %d bytes, want at most %d", buf.Len(), MarkdownLimit)
	}
	for _, want := range []string{"more policies with findings not shown.", "1 policy without findings.", "more policies are not shown", "<sub>aegis 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
}
