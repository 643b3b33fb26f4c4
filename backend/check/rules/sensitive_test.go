package rules

import (
	"strings"
	"testing"

	"github.com/aegis-iam/aegis/backend/check"
	"github.com/aegis-iam/aegis/backend/policy"
)

// TestSensitiveAccess checks AEG-EXP-007 on declared sensitive resources:
// one finding per resource reached, at the granting statement's Action,
// and none at all when the configuration declares none.
func TestSensitiveAccess(t *testing.T) {
	trail := check.MustSensitiveResource("audit-trail", []string{"cloudtrail:StopLogging", "cloudtrail:DeleteTrail"}, []string{"arn:aws:cloudtrail:*:111122223333:trail/org-trail"})
	prod := exampleSensitive[0]
	reg, d := registry(t), db(t)
	rule, _ := reg.Rule("AEG-EXP-007")
	tests := []struct {
		name      string
		sensitive []*check.SensitiveResource
		src       string
		want      []string // "line:col message fragment"
	}{
		{"none declared", nil, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, nil},
		{"administrator reaches both", []*check.SensitiveResource{prod, trail},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
			[]string{"1:65 statement 0 allows cloudtrail:DeleteTrail on arn:aws:cloudtrail:*:111122223333:trail/org-trail: sensitive resource audit-trail",
				"1:65 statement 0 allows s3:GetObject on arn:aws:s3:::example-prod-data/*: sensitive resource prod-data"}},
		{"second statement", []*check.SensitiveResource{prod, trail},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"},{"Sid":"Trail","Effect":"Allow","Action":"cloudtrail:Stop*","Resource":"*"}]}`,
			[]string{`1:138 statement "Trail" allows cloudtrail:StopLogging on arn:aws:cloudtrail:*:111122223333:trail/org-trail: sensitive resource audit-trail`}},
		{"conditional", []*check.SensitiveResource{prod},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`,
			[]string{"(when aws:MultiFactorAuthPresent=true): sensitive resource prod-data"}},
		{"out of reach", []*check.SensitiveResource{prod, trail},
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-dev-data/*"},{"Effect":"Allow","Action":"cloudtrail:LookupEvents","Resource":"*"}]}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := policy.Parse("p.json", []byte(tt.src), policy.KindIdentity)
			if err != nil {
				t.Fatal(err)
			}
			in := &check.Input{File: "p.json", Kind: policy.KindIdentity, Doc: doc, DB: d, Sensitive: tt.sensitive}
			if got, want := rule.Evaluates(in), tt.sensitive != nil; got != want {
				t.Errorf("Evaluates = %v, want %v", got, want)
			}
			got := ofRule(reg.Run(in, check.Options{}), "AEG-EXP-007")
			if len(got) != len(tt.want) {
				t.Fatalf("%s\ngot %d findings %+v, want %d", tt.src, len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				f := got[i]
				at := policy.Pos{Line: f.Location.Line, Column: f.Location.Column}.String() + " " + f.Message
				if !strings.Contains(at, w) || f.Severity != check.SeverityHigh || f.Remediation == rule.Remediation {
					t.Errorf("finding %d: got %q (%s; fix %q), want %q, high, a specific fix", i, at, f.Severity, f.Remediation, w)
				}
			}
		})
	}
}
