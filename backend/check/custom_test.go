package check

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

var testDB = sync.OnceValues(iamdb.Embedded)

// input parses src as a policy of kind k for the custom-check tests.
func input(t *testing.T, k policy.Kind, src string) *Input {
	t.Helper()
	db, err := testDB()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := policy.Parse("p.json", []byte(src), k)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	return &Input{File: "p.json", Kind: k, Doc: doc, DB: db}
}

func customCheck(expr string) CustomCheck {
	return CustomCheck{ID: "CUSTOM-TEST", Title: "Test", Description: "d", Remediation: "r", Severity: SeverityHigh,
		Category: CategoryResourceExposure, Expression: expr}
}

// runRule runs one rule on in and returns the statement indexes it reported.
func runRule(t *testing.T, r *Rule, in *Input) ([]int, []Finding) {
	t.Helper()
	reg, err := NewRegistry(r)
	if err != nil {
		t.Fatal(err)
	}
	fs := reg.Run(in, Options{})
	var idx []int
	for _, f := range fs {
		idx = append(idx, f.Location.Statement)
	}
	return idx, fs
}

const modelPolicy = `{"Version":"2012-10-17","Id":"q","Statement":[
 {"Sid":"Public","Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q"},
 {"Sid":"Org","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root"],"Service":"sns.amazonaws.com"},"Action":["sqs:Get*","sqs:ReceiveMessage"],"Resource":"*",
  "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}},
 {"Effect":"Deny","Principal":"*","NotAction":"sqs:*","NotResource":"arn:aws:sqs:*:*:*"}
]}`

// TestCustomModel checks each part of the documented model through an
// expression that must select exactly the statements listed.
func TestCustomModel(t *testing.T) {
	for _, tt := range []struct {
		expr string
		want []int
	}{
		{`statement.effect == "Allow" && statement.principals.exists(p, p == "*")`, []int{0}},
		{`statement.sid == "Org"`, []int{1}},
		{`statement.index == 2`, []int{2}},
		{`"Service" in statement.principalsByType && statement.principalsByType["Service"] == ["sns.amazonaws.com"]`, []int{1}},
		{`statement.principalsByType["AWS"].exists(p, p == "*")`, []int{0, 2}},
		{`statement.actions.exists(a, a.endsWith("*"))`, []int{1}},
		{`statement.notActions == ["sqs:*"] && statement.notResources.size() == 1`, []int{2}},
		{`statement.resources == ["*"]`, []int{1}},
		{`statement.conditions.exists(c, c.operator == "StringEquals" && c.key.lowerAscii() == "aws:principalorgid" && "o-abc" in c.values)`, []int{1}},
		{`statement.expandedActions.exists(a, a.name == "sqs:GetQueueUrl" && a.access == "read" && a.service == "sqs")`, []int{1}},
		{`statement.expandedActions.exists(a, a.access == "write")`, []int{0, 2}}, // SendMessage; NotAction sqs:* covers every other service
		{`statement.expandedActions.all(a, a.service != "sqs") && statement.expandedActions.size() > 1000`, []int{2}},
		{`statement.expandedActions.exists(a, a.name == "sqs:SendMessage" && a.resourceTypes == ["queue"])`, []int{0}},
		{`document.id == "q" && document.version == "2012-10-17" && document.statements.size() == 3 && statement.index == 0`, []int{0}},
		{`document.statements.exists(s, s.effect == "Deny") && statement.effect == "Allow" && kind == "resource" && file == "p.json" && document.kind == kind && document.file == file`, []int{0, 1}},
	} {
		t.Run(tt.expr, func(t *testing.T) {
			r, err := NewCustomRule(customCheck(tt.expr))
			if err != nil {
				t.Fatalf("NewCustomRule(%q): %v", tt.expr, err)
			}
			got, fs := runRule(t, r, input(t, policy.KindResource, modelPolicy))
			if !equalInts(got, tt.want) {
				t.Errorf("%s\nreported statements %v, want %v (%+v)", tt.expr, got, tt.want, fs)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestCustomFindingMetadata(t *testing.T) {
	c := customCheck(`statement.effect == "Allow" && statement.resources == ["*"]`)
	c.Controls = []Control{{Framework: "pci-dss-4.0", ID: "7.2.2"}}
	r, err := NewCustomRule(c)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Custom() || len(r.Controls) != 1 {
		t.Errorf("rule %+v: want a custom rule with its control", r)
	}
	_, fs := runRule(t, r, input(t, policy.KindResource, modelPolicy))
	if len(fs) != 1 {
		t.Fatalf("got %d findings, want 1", len(fs))
	}
	f := fs[0]
	if f.RuleID != "CUSTOM-TEST" || f.Severity != SeverityHigh || f.Category != CategoryResourceExposure || f.Location.Sid != "Org" || f.Location.Line != 3 ||
		f.Message != `statement "Org" matches custom check CUSTOM-TEST: Test` || !f.Exposure.AllResources || !f.Exposure.Conditioned || f.Fingerprint == "" {
		t.Errorf("finding %+v", f)
	}
	c.Message = "queue readable by the organization"
	r, _ = NewCustomRule(c)
	if _, fs = runRule(t, r, input(t, policy.KindResource, modelPolicy)); fs[0].Message != c.Message {
		t.Errorf("message %q, want %q", fs[0].Message, c.Message)
	}
}

func TestCustomCompileErrors(t *testing.T) {
	for _, tt := range []struct {
		expr       string
		line, col  int
		msgContain string
	}{
		{`statement.efect == "Allow"`, 1, 10, "undefined field 'efect'"},
		{"statement.effect == \"Allow\" &&\n  statment.actions.size() > 0", 2, 3, "undeclared reference to 'statment'"},
		{`statement.actions.size()`, 1, 1, "must be a bool"},
		{`statement.effect == `, 1, 21, "Syntax error"},
		{`statement.index == "0"`, 1, 17, "no matching overload"},
	} {
		_, err := NewCustomRule(customCheck(tt.expr))
		var xe *ExpressionError
		if !errors.As(err, &xe) {
			t.Errorf("NewCustomRule(%q) = %v, want an ExpressionError", tt.expr, err)
			continue
		}
		if xe.Line != tt.line || xe.Column != tt.col || !strings.Contains(xe.Msg, tt.msgContain) {
			t.Errorf("NewCustomRule(%q):\ngot  %d:%d: %s\nwant %d:%d: …%s…", tt.expr, xe.Line, xe.Column, xe.Msg, tt.line, tt.col, tt.msgContain)
		}
	}
}

// TestCustomRuntimeError checks that an expression failing on a statement
// is reported, not skipped.
func TestCustomRuntimeError(t *testing.T) {
	r, err := NewCustomRule(customCheck(`statement.principalsByType["Service"].size() > 0`))
	if err != nil {
		t.Fatal(err)
	}
	_, fs := runRule(t, r, input(t, policy.KindResource, modelPolicy))
	var failed, matched int
	for _, f := range fs {
		switch {
		case f.Severity == SeverityInfo && strings.Contains(f.Message, "could not be evaluated"):
			failed++
		case f.Severity == SeverityHigh:
			matched++
		}
	}
	if failed != 2 || matched != 1 {
		t.Errorf("got %d evaluation failures and %d matches, want 2 and 1: %+v", failed, matched, fs)
	}
}
