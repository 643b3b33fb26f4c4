package rules

import (
	"errors"
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/iamdb"
	"github.com/aegis-iam/aegis/backend/policy"
)

// parseAndRun parses src as kind and runs every rule over it.
func parseAndRun(t *testing.T, reg *check.Registry, d *iamdb.DB, kind policy.Kind, src string) (*policy.Document, []check.Finding) {
	t.Helper()
	doc, err := policy.Parse("fix.json", []byte(src), kind)
	if err != nil {
		t.Fatalf("policy does not parse: %v\n%s", err, src)
	}
	return doc, reg.Run(&check.Input{File: "fix.json", Kind: kind, Doc: doc, DB: d}, check.Options{})
}

// TestFixesRemoveTheirFinding applies each fix to a policy its rule fires
// on, then validates the canonical result again: the finding must be gone
// and the fixed policy must raise no syntax finding.
func TestFixesRemoveTheirFinding(t *testing.T) {
	reg, d := registry(t), db(t)
	tests := []struct {
		name, rule string
		kind       policy.Kind
		src, value string
		wantLabel  string
		wantSugg   string // the parameter's suggestion, when the fix has one
		wantText   string // a fragment of the fixed policy
	}{
		{
			name: "MFA", rule: "AEG-COND-004", kind: policy.KindIdentity,
			src:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:CreateUser","iam:AttachUserPolicy"],"Resource":"*"}]}`,
			wantLabel: "Require MFA", wantText: `"aws:MultiFactorAuthPresent": "true"`,
		},
		{
			name: "MFA joins an existing Bool block", rule: "AEG-COND-004", kind: policy.KindIdentity,
			src:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:CreateAccessKey","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`,
			wantLabel: "Require MFA", wantText: `"aws:MultiFactorAuthPresent": "true"`,
		},
		{
			name: "TLS deny on a bucket policy", rule: "AEG-COND-013", kind: policy.KindResource,
			src:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/reader"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::example-reports/*"}]}`,
			wantLabel: "Deny requests without TLS", wantText: `"Sid": "DenyInsecureTransport"`,
		},
		{
			name: "service trust pinned to the account", rule: "AEG-TRUST-007", kind: policy.KindTrust,
			src:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`,
			value:     "123456789012",
			wantLabel: "Restrict to your account (aws:SourceAccount)", wantText: `"aws:SourceAccount": "123456789012"`,
		},
		{
			name: "service principal on a queue", rule: "AEG-COND-014", kind: policy.KindResource,
			src:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:orders"}]}`,
			value:     "123456789012",
			wantLabel: "Restrict to your account (aws:SourceAccount)", wantSugg: "123456789012", wantText: `"aws:SourceAccount": "123456789012"`,
		},
		{
			name: "service wildcard", rule: "AEG-WILD-003", kind: policy.KindIdentity,
			src:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:PutItem","dynamodb:*"],"Resource":"arn:aws:dynamodb:eu-west-1:123456789012:table/orders"}]}`,
			wantLabel: "Narrow dynamodb:* to its read-only actions", wantText: `"dynamodb:Get*"`,
		},
		{
			name: "high-impact service wildcard", rule: "AEG-WILD-004", kind: policy.KindIdentity,
			src:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`,
			wantLabel: "Narrow kms:* to its read-only actions", wantText: `"kms:Describe*"`,
		},
		{
			name: "resource star", rule: "AEG-WILD-006", kind: policy.KindIdentity,
			src:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sqs:DeleteMessage"],"Resource":"*"}]}`,
			value:     "arn:aws:sqs:eu-west-1:123456789012:orders",
			wantLabel: "Scope to specific resources", wantSugg: "arn:aws:sqs:${Region}:${Account}:${QueueName}", wantText: `"Resource": "arn:aws:sqs:eu-west-1:123456789012:orders"`,
		},
		{
			name: "unconstrained writes", rule: "AEG-WILD-008", kind: policy.KindIdentity,
			src:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ec2:TerminateInstances","ec2:CreateTags"],"Resource":"*"}]}`,
			value:     "arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc, arn:aws:ec2:eu-west-1:123456789012:instance/i-0def",
			wantLabel: "Scope to specific resources", wantText: `"arn:aws:ec2:eu-west-1:123456789012:instance/i-0def"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, found := parseAndRun(t, reg, d, tt.kind, tt.src)
			hits := ofRule(found, tt.rule)
			if len(hits) == 0 {
				t.Fatalf("%s does not fire on\n%s", tt.rule, tt.src)
			}
			fix, ok := FixFor(d, doc, hits[0])
			if !ok {
				t.Fatalf("FixFor(%s) = no fix, want %q", tt.rule, tt.wantLabel)
			}
			if fix.RuleID != tt.rule || fix.Label != tt.wantLabel {
				t.Errorf("FixFor = %q %q, want %q %q", fix.RuleID, fix.Label, tt.rule, tt.wantLabel)
			}
			if (fix.Param != nil) != (tt.value != "") {
				t.Errorf("FixFor param = %+v, want one: %v", fix.Param, tt.value != "")
			}
			if tt.wantSugg != "" && (fix.Param == nil || fix.Param.Suggestion != tt.wantSugg) {
				t.Errorf("FixFor suggestion = %+v, want %q", fix.Param, tt.wantSugg)
			}
			fixed, err := ApplyFix(d, doc, hits[0], tt.value)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(fixed), tt.wantText) {
				t.Errorf("fixed policy lacks %s:\n%s", tt.wantText, fixed)
			}
			_, again := parseAndRun(t, reg, d, tt.kind, string(fixed))
			if left := ofRule(again, tt.rule); len(left) > 0 {
				t.Errorf("%s still fires after the fix: %s\n%s", tt.rule, left[0].Message, fixed)
			}
			for _, f := range again {
				if f.Category == check.CategorySyntax {
					t.Errorf("the fixed policy has a syntax finding %s: %s\n%s", f.RuleID, f.Message, fixed)
				}
			}
		})
	}
}

func TestFixValues(t *testing.T) {
	reg, d := registry(t), db(t)
	tests := []struct {
		name, rule string
		kind       policy.Kind
		src, value string
	}{
		{"short account", "AEG-TRUST-007", policy.KindTrust,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, "12345"},
		{"placeholder left in", "AEG-WILD-006", policy.KindIdentity,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`, "arn:aws:sqs:${Region}:123456789012:orders"},
		{"not an ARN", "AEG-WILD-006", policy.KindIdentity,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`, "orders"},
		{"nothing", "AEG-WILD-006", policy.KindIdentity,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]}`, " "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, found := parseAndRun(t, reg, d, tt.kind, tt.src)
			hits := ofRule(found, tt.rule)
			if len(hits) == 0 {
				t.Fatalf("%s does not fire", tt.rule)
			}
			_, err := ApplyFix(d, doc, hits[0], tt.value)
			if !errors.Is(err, ErrFixValue) {
				t.Errorf("ApplyFix(%q) = %v, want ErrFixValue", tt.value, err)
			}
		})
	}
}

// TestNoFix covers findings whose fix is not mechanical.
func TestNoFix(t *testing.T) {
	reg, d := registry(t), db(t)
	tests := []struct {
		name, rule, src string
	}{
		{"administrator access", "AEG-WILD-001", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`},
		{"iam:Put* is no service wildcard", "AEG-WILD-004", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:Put*","Resource":"*"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, found := parseAndRun(t, reg, d, policy.KindIdentity, tt.src)
			hits := ofRule(found, tt.rule)
			if len(hits) == 0 {
				t.Fatalf("%s does not fire", tt.rule)
			}
			if fix, ok := FixFor(d, doc, hits[0]); ok {
				t.Errorf("FixFor = %+v, want none", fix)
			}
			if _, err := ApplyFix(d, doc, hits[0], ""); err == nil {
				t.Error("ApplyFix succeeded, want an error")
			}
		})
	}
}
