package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aegis-iam/aegis/backend/policy"
)

// TestConditionRules covers the condition rules' edge cases: negated and
// IfExists operators, partial key support, resource-policy kinds.
func TestConditionRules(t *testing.T) {
	const head = `{"Version":"2012-10-17","Statement":[`
	tests := []struct {
		name string
		kind policy.Kind
		src  string
		want []string
	}{
		{"negated tag Deny fails closed", policy.KindIdentity,
			head + `{"Effect":"Deny","Action":["ec2:TerminateInstances","ec2:DescribeInstances"],"Resource":"*","Condition":{"StringNotEquals":{"aws:ResourceTag/env":"dev"}}}]}`, nil},
		{"key carried by some actions only", policy.KindIdentity,
			head + `{"Effect":"Allow","Action":["ec2:RunInstances","ec2:DescribeInstances"],"Resource":"*","Condition":{"StringEquals":{"ec2:InstanceType":"t3.micro"}}}]}`, nil},
		{"IfExists keys are not required", policy.KindIdentity,
			head + `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}}]}`, nil},
		{"IPv6 host bits", policy.KindIdentity,
			head + `{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::1/32"}}}]}`,
			[]string{"AEG-COND-011 1:136 Condition.IpAddress.aws:SourceIp"}},
		{"TLS Deny with IfExists is not the documented form", policy.KindResource,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:q"},{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"arn:aws:sqs:eu-west-1:123456789012:q","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, nil},
		{"org-bounded public grant", policy.KindResource,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:eu-west-1:123456789012:q","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"Bool":{"aws:SecureTransport":"true"}}}]}`,
			[]string{"AEG-COND-013 1:1 Statement"}}, // an Allow on SecureTransport true is not the Deny COND-013 wants
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, findingsOf(t, tt.kind, tt.src, "AEG-COND-0")); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
