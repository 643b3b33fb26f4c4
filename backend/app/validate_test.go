package app

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aegis-iam/aegis/backend/check/rules"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/store"
)

// riskyPolicy grants identity administration without MFA on every resource.
const riskyPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Admins",
      "Effect": "Allow",
      "Action": ["iam:CreateUser", "iam:AttachUserPolicy"],
      "Resource": "*"
    }
  ]
}`

func newValidateService(t *testing.T) (*ValidateService, *store.Store) {
	t.Helper()
	st := tempStore(t)
	s := NewValidateService(st, "test", iamdb.Embedded)
	s.now = func() time.Time { return time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC) }
	return s, st
}

func findingsByID(res ValidateResult) map[string]Finding {
	out := map[string]Finding{}
	for _, p := range res.Policies {
		for _, f := range p.Findings {
			out[f.ID] = f
		}
	}
	return out
}

func TestValidateRawPolicy(t *testing.T) {
	s, st := newValidateService(t)
	res, err := s.Validate(ValidateRequest{Text: riskyPolicy, FileName: "admins.json"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "policy" || res.FileName != "admins.json" || len(res.Policies) != 1 {
		t.Fatalf("result = %+v, want one raw policy of admins.json", res)
	}
	if res.Score.Value < 25 || res.Score.Counts.Medium+res.Score.Counts.High+res.Score.Counts.Critical == 0 || !strings.HasPrefix(res.Score.Explanation, "score ") {
		t.Errorf("score = %+v, want a medium or worse score with its explanation", res.Score)
	}
	if !strings.Contains(res.Canonical, `"iam:AttachUserPolicy"`) {
		t.Errorf("canonical = %q", res.Canonical)
	}
	mfa, ok := findingsByID(res)["AEG-COND-004"]
	if !ok {
		t.Fatalf("no AEG-COND-004 among %v", findingsByID(res))
	}
	if mfa.Line != 7 || mfa.Column != 18 || mfa.Statement != 0 || mfa.Sid != "Admins" || mfa.Category != "condition" || mfa.Remediation == "" {
		t.Errorf("AEG-COND-004 = %+v, want it at 7:18 in statement 0 (Admins)", mfa)
	}
	if mfa.Fix == nil || mfa.Fix.Label != "Require MFA" || mfa.Fix.ParamLabel != "" {
		t.Errorf("AEG-COND-004 fix = %+v, want a one-click Require MFA", mfa.Fix)
	}
	if len(mfa.Compliance) == 0 {
		t.Error("AEG-COND-004 maps to no compliance control")
	}
	if len(res.Compliance) < 5 {
		t.Fatalf("compliance = %d frameworks, want every built-in one", len(res.Compliance))
	}
	statuses := map[string]bool{}
	for _, fw := range res.Compliance {
		if fw.Fail+fw.Pass+fw.NotApplicable+fw.Manual != len(fw.Controls) {
			t.Errorf("%s counts %d/%d/%d/%d do not add up to %d controls", fw.ID, fw.Fail, fw.Pass, fw.NotApplicable, fw.Manual, len(fw.Controls))
		}
		for _, c := range fw.Controls {
			statuses[c.Status] = true
			if c.Status == "FAIL" && (c.Worst == "" || c.Findings == 0) {
				t.Errorf("%s %s fails without a finding: %+v", fw.ID, c.ID, c)
			}
		}
	}
	for _, want := range []string{"FAIL", "PASS", "MANUAL"} {
		if !statuses[want] {
			t.Errorf("no control is %s", want)
		}
	}
	if res.HistoryID != "" {
		t.Errorf("saved without Save: %q", res.HistoryID)
	}
	if recs, _ := store.NewHistory(st).List(store.KindValidation, 0); len(recs) != 0 {
		t.Errorf("history = %d records, want none", len(recs))
	}
}

func TestValidateTemplate(t *testing.T) {
	s, _ := newValidateService(t)
	src, err := os.ReadFile("../source/testdata/cfn/lambda-role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Validate(ValidateRequest{Text: string(src), FileName: "lambda-role.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Format != "cloudformation" || len(res.Policies) < 2 || res.Canonical != "" {
		t.Fatalf("result: format %s, %d policies, canonical %q", res.Format, len(res.Policies), res.Canonical)
	}
	trust, ok := findingsByID(res)["AEG-TRUST-007"]
	if !ok {
		t.Fatalf("no AEG-TRUST-007 among %v", findingsByID(res))
	}
	lines := strings.Split(string(src), "\n")
	if trust.Line < 1 || !strings.Contains(lines[trust.Line-1], "lambda.amazonaws.com") {
		t.Errorf("AEG-TRUST-007 at line %d, want the template's Service line", trust.Line)
	}
	if trust.Fix != nil {
		t.Errorf("a template finding offers a fix: %+v", trust.Fix)
	}
}

func TestValidateNotAPolicy(t *testing.T) {
	s, _ := newValidateService(t)
	res, err := s.Validate(ValidateRequest{Text: "hello", FileName: "notes.txt"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Policies) != 0 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "not a policy") {
		t.Errorf("result = %+v, want one note", res)
	}
	if _, err := s.Validate(ValidateRequest{Text: "{}", Kind: "role"}); err == nil {
		t.Error("an unknown kind was accepted")
	}
}

func TestValidateSyntaxErrors(t *testing.T) {
	s, _ := newValidateService(t)
	res, err := s.Validate(ValidateRequest{Text: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n"})
	if err != nil {
		t.Fatal(err)
	}
	// The syntax checks report the problem as a positioned finding.
	syn, ok := findingsByID(res)["AEG-SYN-001"]
	if !ok || syn.Category != "syntax" || syn.Line != 4 {
		t.Fatalf("findings = %+v, want AEG-SYN-001 on line 4", findingsByID(res))
	}
	if res.Canonical != "" {
		t.Errorf("canonical of a broken policy: %q", res.Canonical)
	}
}

func TestValidateFix(t *testing.T) {
	s, st := newValidateService(t)
	in := ValidateRequest{Text: riskyPolicy, FileName: "admins.json"}
	res, err := s.Validate(in)
	if err != nil {
		t.Fatal(err)
	}
	mfa := findingsByID(res)["AEG-COND-004"]
	fixed, err := s.Fix(FixRequest{Input: in, FindingID: mfa.ID, Line: mfa.Line, Column: mfa.Column, Statement: mfa.Statement})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fixed.Text, `"aws:MultiFactorAuthPresent": "true"`) || fixed.Result.Canonical != fixed.Text {
		t.Errorf("fixed text:\n%s", fixed.Text)
	}
	if _, still := findingsByID(fixed.Result)["AEG-COND-004"]; still {
		t.Error("AEG-COND-004 is still reported after its fix")
	}
	if fixed.Result.Score.Value >= res.Score.Value {
		t.Errorf("score %d after the fix, want below %d", fixed.Result.Score.Value, res.Score.Value)
	}
	if fixed.Result.HistoryID == "" {
		t.Error("the fixed run was not saved")
	}
	recs, err := store.NewHistory(st).List(store.KindValidation, 0)
	if err != nil || len(recs) != 1 || recs[0].Title != "admins.json" || !strings.HasPrefix(recs[0].Summary, "risk ") {
		t.Fatalf("history = %+v, %v", recs, err)
	}
	var payload historyPayload
	if err := json.Unmarshal(recs[0].Payload, &payload); err != nil || payload.Text != fixed.Text {
		t.Errorf("history payload = %+v, %v", payload, err)
	}

	// The same finding is gone now; another one has no mechanical fix.
	if _, err := s.Fix(FixRequest{Input: ValidateRequest{Text: fixed.Text}, FindingID: mfa.ID, Line: mfa.Line, Column: mfa.Column}); !errors.Is(err, ErrNoFix) {
		t.Errorf("fixing a finding that is gone: %v, want ErrNoFix", err)
	}
}

func TestValidateFixValue(t *testing.T) {
	s, _ := newValidateService(t)
	in := ValidateRequest{Text: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, Kind: "trust"}
	res, err := s.Validate(in)
	if err != nil {
		t.Fatal(err)
	}
	f, ok := findingsByID(res)["AEG-TRUST-007"]
	if !ok || f.Fix == nil || f.Fix.ParamLabel == "" {
		t.Fatalf("AEG-TRUST-007 = %+v, want a fix with a parameter", f)
	}
	req := FixRequest{Input: in, FindingID: f.ID, Line: f.Line, Column: f.Column, Statement: f.Statement, Value: "1234"}
	if _, err := s.Fix(req); !errors.Is(err, rules.ErrFixValue) {
		t.Errorf("Fix with a bad account: %v, want ErrFixValue", err)
	}
	req.Value = "123456789012"
	fixed, err := s.Fix(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, still := findingsByID(fixed.Result)["AEG-TRUST-007"]; still {
		t.Errorf("AEG-TRUST-007 still reported:\n%s", fixed.Text)
	}
}

func TestValidateFixNeedsRawPolicy(t *testing.T) {
	s, _ := newValidateService(t)
	src, err := os.ReadFile("../source/testdata/cfn/lambda-role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Fix(FixRequest{Input: ValidateRequest{Text: string(src), FileName: "t.yaml"}, FindingID: "AEG-TRUST-007", Line: 33, Column: 24})
	if !errors.Is(err, ErrNoFix) {
		t.Errorf("Fix on a template: %v, want ErrNoFix", err)
	}
}

func TestValidateExport(t *testing.T) {
	s, st := newValidateService(t)
	in := ValidateRequest{Text: riskyPolicy, FileName: "/home/me/admins.json"}
	tests := []struct{ format, name, want string }{
		{"json", "admins.aegis.json", `"schemaVersion"`},
		{"sarif", "admins.aegis.sarif", `"version": "2.1.0"`},
		{"markdown", "admins.aegis.md", "AEG-COND-004"},
		{"html", "admins.aegis.html", "<!DOCTYPE html>"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			out, err := s.Export(in, tt.format)
			if err != nil {
				t.Fatal(err)
			}
			if out.SuggestedName != tt.name || !strings.Contains(out.Text, tt.want) {
				t.Errorf("Export(%s) = %s with %d bytes, want %s holding %s", tt.format, out.SuggestedName, len(out.Text), tt.name, tt.want)
			}
		})
	}
	if _, err := s.Export(in, "table"); err == nil {
		t.Error("exported the terminal table")
	}
	if _, err := s.Export(in, "pdf"); err == nil {
		t.Error("exported an unknown format")
	}
	// Four exports of one input are one run in History.
	if recs, _ := store.NewHistory(st).List(store.KindValidation, 0); len(recs) != 1 {
		t.Errorf("history = %d records, want 1", len(recs))
	}
}

// BenchmarkValidate is one keystroke's worth of work on the Validate page:
// a small policy checked with every rule and the whole compliance matrix.
func BenchmarkValidate(b *testing.B) {
	st, err := store.Open(filepath.Join(b.TempDir(), store.FileName), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	s := NewValidateService(st, "bench", iamdb.Embedded)
	req := ValidateRequest{Text: riskyPolicy}
	if _, err := s.Validate(req); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := s.Validate(req); err != nil {
			b.Fatal(err)
		}
	}
}
