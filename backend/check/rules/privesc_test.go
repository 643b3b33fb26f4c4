package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/internal/corpus"
	"github.com/aegis-iam/aegis/backend/policy"
)

// findings validates src (of kind k) with every rule and returns the
// findings of rules whose ID starts with prefix.
func findings(t *testing.T, k policy.Kind, src, prefix string) []check.Finding {
	t.Helper()
	doc, err := policy.Parse("p.json", []byte(src), k)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	var out []check.Finding
	for _, f := range registry(t).Run(&check.Input{File: "p.json", Kind: k, Doc: doc, DB: db(t)}, check.Options{}) {
		if strings.HasPrefix(f.RuleID, prefix) {
			out = append(out, f)
		}
	}
	return out
}

func TestEscalationPathCatalogue(t *testing.T) {
	// Undocumented APIs the IAM database does not list; the evaluator still
	// decides them by name.
	undocumented := map[string]bool{"codestar:CreateProjectFromTemplate": true, "iam:*": true, "iam:Put*": true}
	reg, d := registry(t), db(t)
	paths := escalationPaths()
	if len(paths) != 111 {
		t.Fatalf("%d paths, want the 111 of privesc.md", len(paths))
	}
	perRule := map[string]int{}
	for i, p := range paths {
		if want := fmt.Sprintf("AEG-PE-%03d", i+1); p.ID != want {
			t.Errorf("path %d has ID %s, want %s", i, p.ID, want)
		}
		r, ok := reg.Rule(p.Rule)
		if !ok || r.Category != check.CategoryPrivilegeEscalation {
			t.Errorf("%s: rule %s is not a privilege-escalation rule", p.ID, p.Rule)
		}
		perRule[p.Rule]++
		passRole := false
		for _, group := range p.Requires {
			for _, a := range group {
				passRole = passRole || a == "iam:PassRole"
				if _, ok := d.Action(a); !ok && !undocumented[a] {
					t.Errorf("%s: action %s is not in the IAM database", p.ID, a)
				}
			}
		}
		if passRole != (p.PassedTo != "") || p.Explanation == "" || p.Sources == "" {
			t.Errorf("%s: PassedTo %q with PassRole=%v, explanation %q, sources %q", p.ID, p.PassedTo, passRole, p.Explanation, p.Sources)
		}
	}
	want := map[string]int{"AEG-PRIV-001": 14, "AEG-PRIV-002": 6, "AEG-PRIV-003": 4, "AEG-PRIV-005": 52, "AEG-PRIV-006": 24,
		"AEG-PRIV-007": 5, "AEG-PRIV-008": 1, "AEG-PRIV-009": 1, "AEG-PRIV-010": 1, "AEG-PRIV-011": 3}
	if diff := cmp.Diff(want, perRule); diff != "" {
		t.Errorf("paths per rule (-want +got):\n%s", diff)
	}
}

// TestEngineDecides pins the engine's answers: wildcards expand, a Deny
// removes a permission, conditions make it conditional, NotAction and
// NotResource apply, ${aws:username} scopes to the caller.
func TestEngineDecides(t *testing.T) {
	tests := []struct {
		name, policy, action string
		want                 string // "denied", or "all"/"scoped" plus " if KEY"
	}{
		{"iam:* grants CreatePolicyVersion", `{"Effect":"Allow","Action":"iam:*","Resource":"*"}`, "iam:CreatePolicyVersion", "all"},
		{"case-insensitive wildcard", `{"Effect":"Allow","Action":"IAM:create*","Resource":"*"}`, "iam:CreatePolicyVersion", "all"},
		{"deny removes", `{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:CreatePolicyVersion","Resource":"*"}`, "iam:CreatePolicyVersion", "denied"},
		{"deny on a prefix leaves the rest", `{"Effect":"Allow","Action":"iam:*","Resource":"*"},{"Effect":"Deny","Action":"iam:Create*","Resource":"arn:aws:iam::*:policy/guard/*"}`, "iam:CreatePolicyVersion", "all"},
		{"condition makes it conditional", `{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}`, "iam:PassRole", "all if iam:PassedToService"},
		{"conditional deny", `{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`, "s3:GetObject", "all if aws:SecureTransport"},
		{"NotAction", `{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`, "lambda:UpdateFunctionCode", "all"},
		{"NotAction excludes", `{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`, "iam:PassRole", "denied"},
		{"NotResource", `{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}`, "s3:GetObject", "all"},
		{"scoped resource", `{"Effect":"Allow","Action":"lambda:UpdateFunctionCode","Resource":"arn:aws:lambda:*:*:function:app-*"}`, "lambda:UpdateFunctionCode", "scoped"},
		{"own user", `{"Effect":"Allow","Action":"iam:PutUserPolicy","Resource":"arn:aws:iam::*:user/${aws:username}"}`, "iam:PutUserPolicy", "scoped"},
		{"other service", `{"Effect":"Allow","Action":"s3:*","Resource":"*"}`, "iam:PassRole", "denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := policy.Parse("p.json", []byte(`{"Version":"2012-10-17","Statement":[`+tt.policy+`]}`), policy.KindIdentity)
			if err != nil {
				t.Fatal(err)
			}
			p := &check.Pass{Input: &check.Input{Kind: policy.KindIdentity, Doc: doc, DB: db(t)}}
			g := newEngine(p).allowed(tt.action)
			got := "denied"
			if g != nil {
				got = "scoped"
				if g.all {
					got = "all"
				}
				for _, c := range g.conditions {
					got += " if " + c.Key
				}
			}
			if got != tt.want {
				t.Errorf("allowed(%s) = %s, want %s", tt.action, got, tt.want)
			}
		})
	}
}

func TestPrivilegeEscalationFindings(t *testing.T) {
	const passRoleLambda = `{"Version":"2012-10-17","Statement":[
  {"Sid":"Pass","Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"lambda.amazonaws.com"}}},
  {"Sid":"Lambda","Effect":"Allow","Action":["lambda:CreateFunction","lambda:InvokeFunction"],"Resource":"*"}]}`
	got := findings(t, policy.KindIdentity, passRoleLambda, "AEG-PRIV-005")
	if len(got) != 1 {
		t.Fatalf("got %d AEG-PRIV-005 findings, want 1 (lambda-001): %+v", len(got), got)
	}
	f := got[0]
	// The Lambda call sets iam:PassedToService to lambda.amazonaws.com, so
	// the condition holds: any role can still be passed to Lambda.
	for _, want := range []string{"AEG-PE-057", "lambda-001", "iam:PassRole on all resources;", "lambda:CreateFunction on all resources"} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q lacks %q", f.Message, want)
		}
	}
	if !strings.Contains(f.Remediation, `"iam:PassedToService":"lambda.amazonaws.com"`) {
		t.Errorf("remediation %q does not give the condition block", f.Remediation)
	}
	wantLoc := check.Location{File: "p.json", Line: 3, Column: 70, Offset: f.Location.Offset, Statement: 1, Sid: "Lambda", Element: "Action"}
	if diff := cmp.Diff(wantLoc, f.Location); diff != "" {
		t.Errorf("location (-want +got):\n%s", diff)
	}
	if f.Exposure.Conditioned || !f.Exposure.AllResources {
		t.Errorf("exposure %+v, want unconditioned on all resources", f.Exposure)
	}

	// PassRole limited to EC2 cannot feed a Lambda function.
	ec2Only := strings.Replace(passRoleLambda, "lambda.amazonaws.com", "ec2.amazonaws.com", 1)
	if got := findings(t, policy.KindIdentity, ec2Only, "AEG-PRIV-005"); len(got) != 0 {
		t.Errorf("PassRole limited to EC2 reported for a Lambda path: %+v", got)
	}

	// Swapping the Allow for an explicit Deny of PassRole removes the path.
	denied := strings.Replace(passRoleLambda, `"Sid":"Pass","Effect":"Allow"`, `"Sid":"Pass","Effect":"Deny"`, 1)
	if got := findings(t, policy.KindIdentity, denied, "AEG-PRIV-005"); len(got) != 0 {
		t.Errorf("denied PassRole still reported: %+v", got)
	}
}

// TestManagedPolicyVerdicts checks the done-when criteria on the
// real managed policies.
func TestManagedPolicyVerdicts(t *testing.T) {
	ps, err := corpus.ManagedPolicies()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string][]byte{}
	for _, p := range ps {
		byName[p.Name] = p.Document
	}
	run := func(name string) []check.Finding {
		t.Helper()
		src, ok := byName[name]
		if !ok {
			t.Fatalf("managed policy %s not in the corpus", name)
		}
		return findings(t, policy.KindIdentity, string(src), "AEG-")
	}
	ids := func(fs []check.Finding) map[string]bool {
		m := map[string]bool{}
		for _, f := range fs {
			m[f.RuleID] = true
		}
		return m
	}

	iamFull := ids(run("IAMFullAccess"))
	for _, id := range []string{"AEG-PRIV-001", "AEG-PRIV-010", "AEG-PRIV-002", "AEG-PRIV-003"} {
		if !iamFull[id] {
			t.Errorf("IAMFullAccess: no %s finding", id)
		}
	}
	admin := run("AdministratorAccess")
	if s := check.ComputeScore(admin); s.Band != "critical" {
		t.Errorf("AdministratorAccess scores %s, want critical", s.Summary())
	}
	if !ids(admin)["AEG-PRIV-010"] {
		t.Error("AdministratorAccess: no AEG-PRIV-010 finding")
	}
	readOnly := ids(run("ReadOnlyAccess"))
	for _, id := range []string{"AEG-PRIV-001", "AEG-PRIV-005", "AEG-PRIV-010"} {
		if readOnly[id] {
			t.Errorf("ReadOnlyAccess: unexpected %s finding", id)
		}
	}
	one := findings(t, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`, "AEG-")
	if s := check.ComputeScore(one); s.Value >= 20 {
		t.Errorf("s3:GetObject on one bucket scores %s, want under 20", s.Summary())
	}
}

// TestEngineSharedPerInput checks that the rules of one run share one
// engine per input, and that inputs do not share theirs.
func TestEngineSharedPerInput(t *testing.T) {
	doc, err := policy.Parse("p.json", []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`), policy.KindIdentity)
	if err != nil {
		t.Fatal(err)
	}
	in := &check.Input{Kind: policy.KindIdentity, Doc: doc, DB: db(t)}
	a, b := newEngine(&check.Pass{Input: in}), newEngine(&check.Pass{Input: in})
	other := newEngine(&check.Pass{Input: &check.Input{Kind: policy.KindIdentity, Doc: doc, DB: in.DB}})
	if a == nil || a != b || a == other {
		t.Errorf("engines: same input %p and %p, other input %p", a, b, other)
	}
}
