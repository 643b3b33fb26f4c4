package check

import (
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/policy"
)

func TestGuardrail(t *testing.T) {
	trail := Guardrail{ID: GuardrailID("no-trail-tampering"), Name: "no-trail-tampering", Actions: []string{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail"},
		Resources: []string{"*"}, Severity: SeverityCritical, Category: CategoryResourceExposure}
	prod := Guardrail{ID: GuardrailID("no-prod-deletion"), Name: "no-prod-deletion", Actions: []string{"s3:DeleteObject*", "s3:DeleteBucket"},
		Resources: []string{"arn:aws:s3:::acme-prod-*", "arn:aws:s3:::acme-prod-*/*"}, Severity: SeverityHigh, Category: CategoryResourceExposure}
	for _, tt := range []struct {
		name    string
		g       Guardrail
		kind    policy.Kind
		policy  string
		stmt    int // statement reported; -2: no finding
		message string
	}{
		{"admin", trail, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, 0, "allows cloudtrail:"},
		{"service wildcard", trail, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"Trail","Effect":"Allow","Action":"cloudtrail:*","Resource":"*"}]}`, 1, `statement "Trail" allows cloudtrail:`},
		{"action wildcard", trail, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:Stop*","Resource":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}]}`, 0, "allows cloudtrail:StopLogging, which"},
		{"NotAction", trail, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"}]}`, 0, "allows cloudtrail:"},
		{"NotAction excluding it", trail, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"cloudtrail:*","Resource":"*"}]}`, -2, ""},
		{"denied", trail, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["cloudtrail:Stop*","cloudtrail:Delete*"],"Resource":"*"}]}`, -2, ""},
		{"read only", trail, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["cloudtrail:Describe*","cloudtrail:Get*","cloudtrail:LookupEvents"],"Resource":"*"}]}`, -2, ""},
		{"conditional", trail, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`, 0, "(when aws:MultiFactorAuthPresent=true)"},
		{"other bucket", prod, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::acme-dev-data","arn:aws:s3:::acme-dev-data/*"]}]}`, -2, ""},
		{"prod bucket", prod, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::acme-*/*"}]}`, 0, "allows s3:DeleteObject"},
		{"NotResource", prod, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:DeleteObject","NotResource":"arn:aws:s3:::acme-dev-*/*"}]}`, 0, "allows s3:DeleteObject on arn:aws:s3:::acme-prod-*"},
		{"NotResource excluding it", prod, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Delete*","NotResource":"arn:aws:s3:::acme-prod-*"}]}`, -2, ""}, // IAM's * spans "/": objects are excluded too
		{"prod denied", prod, policy.KindIdentity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::acme-prod-*"},{"Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::acme-prod-*/*"}]}`, -2, ""},
		{"boundary", trail, policy.KindBoundary, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, 0, "allows cloudtrail:"},
		{"resource policy not judged", trail, policy.KindResource, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`, -2, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewGuardrailRule(tt.g)
			if err != nil {
				t.Fatal(err)
			}
			_, fs := runRule(t, r, input(t, tt.kind, tt.policy))
			if tt.stmt == -2 {
				if len(fs) > 0 {
					t.Fatalf("%s\ngot %+v, want no finding", tt.policy, fs)
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("%s\ngot %d findings, want 1: %+v", tt.policy, len(fs), fs)
			}
			f := fs[0]
			if f.Location.Statement != tt.stmt || !strings.Contains(f.Message, tt.message) || f.RuleID != tt.g.ID || f.Severity != tt.g.Severity || f.Location.Element != "Action" {
				t.Errorf("%s\ngot %+v\nwant statement %d, a message containing %q", tt.policy, f, tt.stmt, tt.message)
			}
			if !strings.Contains(f.Message, "guardrail "+tt.g.Name) {
				t.Errorf("message %q does not name the guardrail", f.Message)
			}
		})
	}
}

func TestGuardrailID(t *testing.T) {
	if got := GuardrailID("no-trail-tampering"); got != "CUSTOM-GUARDRAIL-NO-TRAIL-TAMPERING" || !customIDPattern.MatchString(got) {
		t.Errorf("GuardrailID = %q", got)
	}
}
